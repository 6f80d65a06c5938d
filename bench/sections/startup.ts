/**
 * Start-up and the main job (both suites, every variant): the same run three ways, side by side —
 *   - the previous path, the TypeScript sources transpiled at run time (`npx tsx cli/bin.ts run --embedded`);
 *   - the compiled CLI as `npm start` and the installed `update-conformance` run it (`node dist/cli/bin.js`),
 *     with its embedded backends, and configured against the reference backends in processes of their own;
 *   - plain undici sending the same requests (recorded from the suites) to the same backend processes.
 * First request and first update come from bench/lib/first-request-hook.mjs (it only observes): the first
 * request sent or received in the measured command's threads or the backends' processes, the first PATCH/PUT received.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayOutcome } from '../child.ts';
import { type Backend, type SuiteName, startBackend } from '../lib/backends.ts';
import { CLI_COMMANDS, type CliPath, type CliTiming, readResults, runCli } from '../lib/cli.ts';
import type { BenchContext } from '../lib/context.ts';
import { cleanEnv, runChild, spawnCommand } from '../lib/proc.ts';
import { median, ms, type Table } from '../lib/report.ts';
import { recordSuite } from './overhead.ts';

const SUITES: SuiteName[] = ['k8s', 'nova'];
const GOAL_WALL_MS = 3000;
const GOAL_FIRST_REQUEST_MS = 800;

/** Command start → exit of a trivial command (the fixed cost under everything else). */
async function timeCommand(cmd: string, args: string[]): Promise<number> {
  const start = Date.now();
  const p = await spawnCommand(cmd, args, { env: cleanEnv() });
  await p.exited;
  return Date.now() - start;
}

interface Row {
  label: string;
  first: number[];
  update: number[];
  exit: number[];
  requests?: number;
  codes: string[];
}

const newRow = (label: string): Row => ({ label, first: [], update: [], exit: [], codes: [] });

function addTiming(row: Row, t: CliTiming): void {
  if (t.firstRequestMs !== undefined) row.first.push(t.firstRequestMs);
  if (t.firstUpdateMs !== undefined) row.update.push(t.firstUpdateMs);
  row.exit.push(t.wallMs);
  row.codes.push(String(t.code));
}

/** Fresh reference backends in processes of their own, noting their first request and update in `marks`. */
async function backendProcesses(marks: string): Promise<Backend[]> {
  return Promise.all(SUITES.map((s) => startBackend(s, { observe: marks })));
}

export async function startupSection(ctx: BenchContext): Promise<Table[]> {
  const runs = ctx.quick ? 1 : 3;
  const bare: number[] = [];
  const help: Record<CliPath, number[]> = { compiled: [], tsx: [] };
  for (let i = 0; i < runs; i++) {
    bare.push(await timeCommand(process.execPath, ['-e', '0']));
    for (const path of ['compiled', 'tsx'] as const) help[path].push((await runCli(['--help'], { path })).wallMs);
  }

  // The suites' requests, recorded once per suite for the plain-undici row (as the overhead section does).
  const recordings = await Promise.all(SUITES.map(async (suite) => ({ suite, file: await recordSuite(ctx, suite) })));

  const rows = {
    tsx: newRow(`previous path: \`${CLI_COMMANDS.tsx.label} run --embedded\``),
    embedded: newRow(`\`${CLI_COMMANDS.compiled.label} run --embedded\` (npm start)`),
    configured: newRow(`\`${CLI_COMMANDS.compiled.label} run\`, backends in their own processes`),
    plain: newRow('plain undici, the same requests, backends in their own processes'),
  };
  let variants = 'n/a';
  const plainNotes: string[] = [];
  for (let i = 0; i < runs; i++) {
    for (const path of ['tsx', 'compiled'] as const) {
      ctx.log(`startup: ${CLI_COMMANDS[path].label} run --embedded (${i + 1}/${runs})`);
      const t = await runCli(['run', '--embedded'], { path });
      addTiming(path === 'tsx' ? rows.tsx : rows.embedded, t);
      const res = readResults(t.reportDir);
      if (res)
        variants = `${res.cases} (${Object.entries(res.verdicts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')})`;
      if (t.code !== 0) ctx.log(`  exit ${t.code}: ${t.lastLines.join(' | ')}`);
    }

    ctx.log(`startup: ${CLI_COMMANDS.compiled.label} run against backend processes (${i + 1}/${runs})`);
    const marks = join(mkdtempSync(join(ctx.tmp, 'marks-')), 'first-request.txt');
    let backends = await backendProcesses(marks);
    try {
      addTiming(rows.configured, await runCli(['run'], { env: Object.assign({}, ...backends.map((b) => b.env)), marks }));
    } finally {
      await Promise.all(backends.map((b) => b.stop()));
    }

    ctx.log(`startup: plain undici, the same requests (${i + 1}/${runs})`);
    const plainMarks = join(mkdtempSync(join(ctx.tmp, 'marks-')), 'first-request.txt');
    backends = await backendProcesses(plainMarks);
    try {
      const replays = recordings.map(({ suite, file }) => ({ recording: file, identity: backends.find((b) => b.suite === suite)?.identity ?? [] }));
      const p = await runChild<ReplayOutcome>('replay-all', { replays, concurrency: 4 });
      rows.plain.exit.push(p.wallMs);
      rows.plain.requests = p.requests;
      rows.plain.codes.push('0');
      if (p.statusMatches < p.requests)
        plainNotes.push(`plain run ${i + 1}: ${p.requests - p.statusMatches} of ${p.requests} answers differed from the recorded status`);
    } finally {
      await Promise.all(backends.map((b) => b.stop()));
    }
    if (!existsSync(plainMarks)) plainNotes.push('the backends noted no request of the plain run');
  }

  const cell = (xs: number[]) => (xs.length ? ms(median(xs)) : 'n/a');
  const all = (xs: number[]) => xs.map((x) => ms(x)).join(', ');
  const main = rows.embedded;
  const wall = median(main.exit);
  const first = main.first.length ? median(main.first) : Number.POSITIVE_INFINITY;
  return [
    {
      title: 'Start-up: loading the command line',
      columns: ['from the command to…', 'median', 'runs'],
      rows: [
        ['exit of `node -e 0`', cell(bare), all(bare)],
        [`exit of \`${CLI_COMMANDS.compiled.label} --help\``, cell(help.compiled), all(help.compiled)],
        [`exit of \`${CLI_COMMANDS.tsx.label} --help\` (previous path)`, cell(help.tsx), all(help.tsx)],
      ],
      notes: [],
    },
    {
      title: 'The main job: both suites, every variant, against the reference backends',
      columns: ['how', 'first request', 'first update', 'exit (median)', 'exits', 'exit codes'],
      rows: Object.values(rows).map((r) => [r.label, cell(r.first), cell(r.update), cell(r.exit), all(r.exit), r.codes.join(', ')]),
      notes: [
        `variants: ${variants}; plain undici sent ${rows.plain.requests ?? 'n/a'} requests (every request of the suites, sessions included), each suite at concurrency 4 as the run does`,
        'first request: the first request the command sends (its preflight) or a backend receives; first update: the first PATCH/PUT a backend receives (n/a on the previous path: from the TypeScript sources the backend threads are started from evaluated code, which NODE_OPTIONS does not instrument)',
        'plain undici: first request sent → last answer, inside a process started beforehand (its start-up excluded); the CLI rows: from the command to its exit, start-up, reports and cleanup included',
        ...plainNotes,
        `goal: the main job (npm start) ≤ ${ms(GOAL_WALL_MS)} wall — ${wall <= GOAL_WALL_MS ? '✓' : '✗'} (${ms(wall)}); first request ≤ ${ms(GOAL_FIRST_REQUEST_MS)} — ${first <= GOAL_FIRST_REQUEST_MS ? '✓' : '✗'} (${cell(main.first)})`,
      ],
    },
  ];
}
