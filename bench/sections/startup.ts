/**
 * Start-up: from the command to the first request the embedded backends receive, to the first update under
 * assertion, to the first per-case progress line, and the whole default run (`npx tsx cli/bin.ts run`: both
 * suites against the embedded backends). The first-request times come from bench/lib/first-request-hook.mjs,
 * loaded with NODE_OPTIONS into the measured command (it only observes).
 */
import { readResults, runCli } from '../lib/cli.ts';
import type { BenchContext } from '../lib/context.ts';
import { cleanEnv, spawnCommand } from '../lib/proc.ts';
import { median, ms, type Table } from '../lib/report.ts';

/** Command start → exit of a trivial command (the fixed cost under everything else). */
async function timeCommand(cmd: string, args: string[]): Promise<number> {
  const start = Date.now();
  const p = await spawnCommand(cmd, args, { env: cleanEnv() });
  await p.exited;
  return Date.now() - start;
}

export async function startupSection(ctx: BenchContext): Promise<Table[]> {
  const runs = ctx.quick ? 1 : 3;
  const bare: number[] = [];
  const npxTsx: number[] = [];
  const help: number[] = [];
  const first: number[] = [];
  const update: number[] = [];
  const line: number[] = [];
  const whole: number[] = [];
  const codes: string[] = [];
  let cases = 'n/a';
  for (let i = 0; i < runs; i++) {
    bare.push(await timeCommand(process.execPath, ['-e', '0']));
    npxTsx.push(await timeCommand('npx', ['tsx', '-e', '0']));
    ctx.log(`startup: npx tsx cli/bin.ts --help (${i + 1}/${runs})`);
    help.push((await runCli(['--help'])).wallMs);
    ctx.log(`startup: npx tsx cli/bin.ts run (${i + 1}/${runs})`);
    const t = await runCli(['run']);
    if (t.firstRequestMs !== undefined) first.push(t.firstRequestMs);
    if (t.firstUpdateMs !== undefined) update.push(t.firstUpdateMs);
    if (t.firstResultLineMs !== undefined) line.push(t.firstResultLineMs);
    whole.push(t.wallMs);
    codes.push(String(t.code));
    const res = readResults(t.reportDir);
    if (res)
      cases = `${res.cases} (${Object.entries(res.verdicts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')})`;
    if (t.code !== 0) ctx.log(`  exit ${t.code}: ${t.lastLines.join(' | ')}`);
  }
  const row = (what: string, xs: number[]) => [what, ms(median(xs)), xs.map((x) => ms(x)).join(', ')];
  const w = median(whole);
  return [
    {
      title: 'Start-up and the whole default run (npx tsx cli/bin.ts run: both suites, embedded backends)',
      columns: ['from the command to…', 'median', 'runs'],
      rows: [
        row('exit of `node -e 0`', bare),
        row('exit of `npx tsx -e 0` (npx + tsx alone)', npxTsx),
        row('exit of `npx tsx cli/bin.ts --help` (+ loading the CLI)', help),
        row('first request received by an embedded backend', first),
        row('first update under assertion (PATCH/PUT) received', update),
        row('first per-case progress line', line),
        row('exit of the whole default run', whole),
      ],
      notes: [`exit codes: ${codes.join(', ')}; cases: ${cases}`, `goal: whole default run ≤ 10 s wall — ${w <= 10_000 ? '✓' : '✗'} (${ms(w)})`],
    },
  ];
}
