/**
 * Scale: N generated cases (engine/generate, seeded) streamed through runCase against the reference Pod API in a
 * process of its own; each N in a fresh child process, so its peak RSS is its own. Passing results are counted and
 * dropped (evidence included), so memory should stay flat while time grows linearly. Then fast-check shrinking
 * of a failure under a backend fault.
 */
import type { ScaleOutcome, ShrinkOutcome } from '../child.ts';
import { type SuiteName, startBackend } from '../lib/backends.ts';
import { type BenchContext, runEnv } from '../lib/context.ts';
import { runChild } from '../lib/proc.ts';
import { mb, ms, type Table } from '../lib/report.ts';

export const SCALE_CONCURRENCY = 16;

/** Cases in quarter `i` (0…3) of a run of `n`. */
function quarterCases(n: number, i: number): number {
  const q = Math.max(1, Math.floor(n / 4));
  return i < 3 ? q : n - 3 * q;
}

async function scaleRun(ctx: BenchContext, suite: SuiteName, count: number): Promise<ScaleOutcome> {
  const b = await startBackend(suite);
  try {
    return await runChild<ScaleOutcome>('scale', { suite, env: runEnv(ctx, b.env), count, seed: ctx.seed, concurrency: SCALE_CONCURRENCY }, 600_000);
  } finally {
    await b.stop();
  }
}

const SHRINK_DEMOS: { suite: SuiteName; family: string; fault: string }[] = [
  { suite: 'k8s', family: 'label-value-invalid', fault: 'accept-forbidden' },
  { suite: 'k8s', family: 'toleration-invalid', fault: 'accept-forbidden' },
  { suite: 'nova', family: 'name-invalid', fault: 'lenient-name' },
  { suite: 'nova', family: 'ipv6', fault: 'no-ip-normalization' },
];

/** Compact JSON of a generated input: long strings as `"x"×64` (one repeated character) or their start and length. */
export function show(v: unknown, max = 90): string {
  const marks: string[] = [];
  const text =
    JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x !== 'string' || x.length <= 24) return x;
      const chars = [...x];
      const label = chars.every((c) => c === chars[0])
        ? `${JSON.stringify(chars[0])}×${chars.length}`
        : `${JSON.stringify(chars.slice(0, 10).join('')).slice(0, -1)}…" (${chars.length} chars)`;
      marks.push(label);
      return `\u0000${marks.length - 1}\u0000`;
    }) ?? String(v);
  const out = text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)] ?? '');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

export async function scaleSection(ctx: BenchContext): Promise<Table[]> {
  const rows: string[][] = [];
  const perCase: number[] = [];
  const peaks: number[] = [];
  let lastWall = Number.NaN;
  for (const n of ctx.sizes) {
    ctx.log(`scale: ${n} generated k8s cases`);
    const o = await scaleRun(ctx, 'k8s', n);
    const verdicts = Object.entries(o.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    perCase.push(o.wallMs / n);
    peaks.push(o.maxRssKb);
    lastWall = o.wallMs;
    rows.push([
      String(n),
      ms(o.wallMs),
      `${((o.wallMs / n) * 1000).toFixed(0)} µs`,
      `${Math.round((n / o.wallMs) * 1000)}/s`,
      String(o.requests),
      ms(o.cpuMs),
      mb(o.maxRssKb),
      `${o.heapPeakMb} MB`,
      o.rssAtQuartersMb.map((x) => `${x}`).join('/'),
      o.msAtQuarters.map((x, i) => `${Math.round((quarterCases(n, i) / Math.max(1, x - (o.msAtQuarters[i - 1] ?? 0))) * 1000)}`).join('/'),
      verdicts,
    ]);
    if (o.notPassing.length) ctx.log(`  not passing: ${o.notPassing.join(' | ')}`);
  }
  const biggest = ctx.sizes[ctx.sizes.length - 1] as number;
  const notes = [
    `k8s families (labels, images, activeDeadlineSeconds, tolerations; allowed and forbidden), seed ${ctx.seed}, concurrency ${SCALE_CONCURRENCY}; the reference Pod API runs in its own process`,
    'wall = first case → last case (generation included, process start and session open excluded); each size in a fresh child process; peak RSS = process.resourceUsage().maxRSS of that child',
    'results of passing cases are counted and dropped; RSS at 25/50/75/100 % of the cases shows memory staying flat during a run, the rate per quarter a constant cost per case once warm',
    `per-case time ${perCase.map((x) => `${(x * 1000).toFixed(0)} µs`).join(' → ')} across ${ctx.sizes.join(' → ')} cases: total time grows at most linearly (per-case cost falls while the JIT warms up, then holds: see the rate per quarter)`,
  ];
  if (biggest === 10_000) {
    const peak = Math.max(...peaks) / 1024;
    const ok = lastWall <= 60_000 && peak <= 400;
    notes.push(`goal for 10,000 cases: ≤ 60 s and ≤ 400 MB peak RSS — measured ${ms(lastWall)} and ${Math.round(peak)} MB ${ok ? '✓' : '✗'}`);
  }
  const tables: Table[] = [
    {
      title: 'Scale: generated cases against the embedded Pod API (separate process)',
      columns: [
        'cases',
        'wall',
        'per case',
        'rate',
        'requests',
        'client CPU',
        'peak RSS',
        'peak heap',
        'RSS at 25/50/75/100 % (MB)',
        'rate per quarter (/s)',
        'verdicts',
      ],
      rows,
      notes,
    },
  ];
  const shrinkRows: string[][] = [];
  for (const d of SHRINK_DEMOS) {
    ctx.log(`scale: shrinking ${d.suite}.${d.family} under ${d.fault}`);
    const b = await startBackend(d.suite, { faults: [d.fault] });
    try {
      const o = await runChild<ShrinkOutcome>('shrink', { suite: d.suite, env: runEnv(ctx, b.env), family: d.family, seed: ctx.seed });
      const r = o.report;
      shrinkRows.push([
        `${d.suite}.${d.family}`,
        d.fault,
        r.failed ? `${r.runs}` : `none in ${r.runs}`,
        String(r.shrinks),
        show(r.originalInput),
        show(r.minimalInput),
        (r.minimalLine ?? '').replace(/^\[([\w-]+)\] [^:]+: /, '[$1] ').slice(0, 90),
        ms(o.wallMs),
      ]);
    } finally {
      await b.stop();
    }
  }
  tables.push({
    title: 'Shrinking: minimal counterexamples under a backend fault (fast-check fc.check, async property = runCase)',
    columns: ['family', 'fault', 'runs to 1st failure', 'shrink steps', 'first failing input', 'minimal input', 'minimal case fails with', 'time'],
    rows: shrinkRows,
    notes: [
      `engine/generate shrinkFailure(family, seed ${ctx.seed}, runner): the property runs each candidate through runCase; a candidate fails when its verdict is fail`,
      'fast-check shrinks within the branch of the generator that failed (e.g. a too-long value shrinks to the shortest too-long value: 64 characters for a label value)',
    ],
  });
  return tables;
}
