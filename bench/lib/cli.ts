/**
 * Runs the command line as a user does and times it from the outside: the compiled CLI (`node dist/cli/bin.js`,
 * what `npm start` and the installed `update-conformance` run), or the previous path, the TypeScript sources
 * transpiled at run time (`npx tsx cli/bin.ts`).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, FIRST_REQUEST_HOOK, spawnCommand } from './proc.ts';
import { waitForQuiet } from './quiet.ts';

export interface CliTiming {
  code: number | null;
  /** Command start → exit. */
  wallMs: number;
  /** Command start → first HTTP request any server of the run received (embedded backends only). */
  firstRequestMs?: number;
  /** Command start → first update under assertion (PATCH/PUT) received (embedded backends only). */
  firstUpdateMs?: number;
  /** Command start → first per-case progress line. */
  firstResultLineMs?: number;
  reportDir: string;
  lastLines: string[];
}

const PROGRESS = /^\s+[✓✗!–] /;

export type CliPath = 'compiled' | 'tsx';
export const CLI_COMMANDS: Record<CliPath, { cmd: string; args: string[]; label: string }> = {
  compiled: { cmd: process.execPath, args: ['dist/cli/bin.js'], label: 'node dist/cli/bin.js' },
  tsx: { cmd: 'npx', args: ['tsx', 'cli/bin.ts'], label: 'npx tsx cli/bin.ts' },
};

export interface CliOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  path?: CliPath;
  /** Where backends in other processes note their first request (BackendOptions.observe); read with the CLI's. */
  marks?: string;
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-cli-'));
  const reportDir = join(dir, 'reports');
  const marks = opts.marks ?? join(dir, 'first-request.txt');
  let firstResultLineMs: number | undefined;
  await waitForQuiet();
  const start = Date.now();
  const how = CLI_COMMANDS[opts.path ?? 'compiled'];
  const p = await spawnCommand(how.cmd, [...how.args, ...args, '--report-dir', reportDir], {
    env: cleanEnv({ ...opts.env, NODE_OPTIONS: `--import=${FIRST_REQUEST_HOOK}`, BENCH_FIRST_REQUEST_FILE: marks }),
    onLine: (line) => {
      if (firstResultLineMs === undefined && PROGRESS.test(line)) firstResultLineMs = Date.now() - start;
    },
  });
  const timer = setTimeout(() => void p.stop(), opts.timeoutMs ?? 180_000);
  const code = await p.exited;
  clearTimeout(timer);
  const wallMs = Date.now() - start;
  const out: CliTiming = { code, wallMs, firstResultLineMs, reportDir, lastLines: [...p.stdout.slice(-3), ...p.stderr.slice(-3)] };
  Object.assign(out, readMarks(marks, start));
  return out;
}

/** The earliest first request (received by a backend, or sent by the measured process) and first update in a marks file. */
export function readMarks(file: string, start: number): { firstRequestMs?: number; firstUpdateMs?: number } {
  const out: { firstRequestMs?: number; firstUpdateMs?: number } = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [kind, at] = line.split(' ');
    const t = Number(at) - start;
    if (!Number.isFinite(t)) continue;
    if ((kind === 'first' || kind === 'sent') && (out.firstRequestMs === undefined || t < out.firstRequestMs)) out.firstRequestMs = t;
    if (kind === 'update' && (out.firstUpdateMs === undefined || t < out.firstUpdateMs)) out.firstUpdateMs = t;
  }
  return out;
}

export interface ResultsSummary {
  cases: number;
  verdicts: Record<string, number>;
  /** Requests per case as results.json reports them (setup + GET before + update + GET after; not the release). */
  requestsPerCase: { mean: number; max: number };
}

export function readResults(reportDir: string, suite?: string): ResultsSummary | undefined {
  const file = join(reportDir, 'results.json');
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { results: { suite: string; verdict: string; requests: number }[] };
  const results = report.results.filter((r) => !suite || r.suite.startsWith(suite));
  const verdicts: Record<string, number> = {};
  for (const r of results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
  const ran = results.filter((r) => r.verdict !== 'skip');
  const total = ran.reduce((a, r) => a + r.requests, 0);
  return {
    cases: results.length,
    verdicts,
    requestsPerCase: { mean: ran.length ? total / ran.length : 0, max: Math.max(0, ...ran.map((r) => r.requests)) },
  };
}
