/**
 * `npm run bench [-- options]`: measured overhead, concurrency, scale and start-up of the conformance suites,
 * printed as plain-text tables and written to bench/results.md. Every measurement runs in a fresh process
 * against a backend in a process of its own (bench/child.ts, bench/lib/backends.ts).
 *
 *   --only overhead,concurrency,scale,startup,real,generate   sections to run (default: all)
 *   --runs N          overhead pairs (default 5)
 *   --sizes 100,1000,10000                            generated-case counts (scale)
 *   --concurrency 1,4,16                              levels (concurrency)
 *   --latency MS      added latency of the latency-bound runs (default 20)
 *   --seed N          seed of the generated cases (default 1)
 *   --quick           runs 3, sizes 100,1000, one start-up run: a quick look, not the figures
 *   --out FILE        where to write the Markdown (default bench/results.md)
 *   --profile DIR     also write CPU profiles of one extra (untimed) suite/plain pair per suite (overhead)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchContext } from './lib/context.ts';
import { ROOT } from './lib/proc.ts';
import { loadNote } from './lib/quiet.ts';
import { renderMarkdown, renderText, type Table } from './lib/report.ts';
import { concurrencySection } from './sections/concurrency.ts';
import { generateSection } from './sections/generate.ts';
import { overheadSection } from './sections/overhead.ts';
import { realSection } from './sections/real.ts';
import { scaleSection } from './sections/scale.ts';
import { startupSection } from './sections/startup.ts';

const SECTIONS = {
  overhead: overheadSection,
  concurrency: concurrencySection,
  scale: scaleSection,
  startup: startupSection,
  real: realSection,
  generate: generateSection,
} as const;
type SectionName = keyof typeof SECTIONS;

const ints = (v: string | undefined, name: string): number[] | undefined => {
  if (v === undefined) return undefined;
  const out = v.split(',').map((x) => Number(x.trim()));
  if (out.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`--${name} "${v}": give whole numbers ≥ 1, comma-separated`);
  return out;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string' },
      sizes: { type: 'string' },
      concurrency: { type: 'string' },
      latency: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--only overhead,concurrency,scale,startup,real,generate] [--runs N] [--sizes 100,1000,10000] [--concurrency 1,4,16] [--latency MS] [--seed N] [--quick] [--out FILE] [--profile DIR]\n',
    );
    return 0;
  }
  const only = (values.only?.split(',').map((s) => s.trim()) ?? Object.keys(SECTIONS)) as SectionName[];
  for (const s of only) if (!(s in SECTIONS)) throw new Error(`--only: unknown section "${s}" (use ${Object.keys(SECTIONS).join(', ')})`);
  const quick = Boolean(values.quick);
  const tmp = mkdtempSync(join(tmpdir(), 'uc-bench-'));
  mkdirSync(join(tmp, 'reports'), { recursive: true });
  const ctx: BenchContext = {
    runs: ints(values.runs, 'runs')?.[0] ?? (quick ? 3 : 5),
    quick,
    latencyMs: ints(values.latency, 'latency')?.[0] ?? 20,
    concurrency: ints(values.concurrency, 'concurrency') ?? [1, 4, 16],
    sizes: ints(values.sizes, 'sizes') ?? (quick ? [100, 1000] : [100, 1000, 10_000]),
    seed: ints(values.seed, 'seed')?.[0] ?? 1,
    tmp,
    profileDir: values.profile ? resolve(values.profile) : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  if (ctx.profileDir) mkdirSync(ctx.profileDir, { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  const started = Date.now();
  const tables: Table[] = [];
  try {
    for (const s of only) tables.push(...(await SECTIONS[s](ctx)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const took = `${Math.round((Date.now() - started) / 1000)} s`;
  const header = [
    'update-conformance benchmark',
    `machine: ${machine}`,
    `date: ${new Date().toISOString()}; sections: ${only.join(', ')}; took ${took}`,
    loadNote(),
    'rerun: npm run bench (or npm run bench -- --only <section>)',
  ];
  process.stdout.write(`\n${header.join('\n')}\n\n${tables.map(renderText).join('\n\n')}\n`);
  const out = resolve(ROOT, values.out ?? 'bench/results.md');
  const md = [`# Benchmark results`, '', ...header.slice(1).map((h) => `${h}  `), '', tables.map(renderMarkdown).join('\n\n'), ''];
  writeFileSync(out, md.join('\n'));
  process.stdout.write(`\nwritten to ${out}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
