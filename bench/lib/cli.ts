/** Runs the command line as a user does (`npx tsx cli/bin.ts …`) and times it from the outside. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanEnv, ROOT, spawnCommand } from './proc.ts';
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

const HOOK = resolve(ROOT, 'bench', 'lib', 'first-request-hook.mjs');
const PROGRESS = /^\s+[✓✗!–] /;

/** `compiled`: the built CLI (`node dist/cli/bin.js`, what CI runs against the real backends) instead of tsx. */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000, compiled = false): Promise<CliTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-cli-'));
  const reportDir = join(dir, 'reports');
  const marks = join(dir, 'first-request.txt');
  let firstResultLineMs: number | undefined;
  await waitForQuiet();
  const start = Date.now();
  const [cmd, ...bin] = compiled ? [process.execPath, resolve(ROOT, 'dist', 'cli', 'bin.js')] : ['npx', 'tsx', 'cli/bin.ts'];
  const p = await spawnCommand(cmd as string, [...bin, ...args, '--report-dir', reportDir], {
    env: cleanEnv({ ...env, NODE_OPTIONS: `--import=${HOOK}`, BENCH_FIRST_REQUEST_FILE: marks }),
    onLine: (line) => {
      if (firstResultLineMs === undefined && PROGRESS.test(line)) firstResultLineMs = Date.now() - start;
    },
  });
  const timer = setTimeout(() => void p.stop(), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  const wallMs = Date.now() - start;
  const out: CliTiming = { code, wallMs, firstResultLineMs, reportDir, lastLines: [...p.stdout.slice(-3), ...p.stderr.slice(-3)] };
  if (existsSync(marks)) {
    for (const line of readFileSync(marks, 'utf8').split('\n')) {
      const [kind, at] = line.split(' ');
      const t = Number(at) - start;
      if (kind === 'first' && (out.firstRequestMs === undefined || t < out.firstRequestMs)) out.firstRequestMs = t;
      if (kind === 'update' && (out.firstUpdateMs === undefined || t < out.firstUpdateMs)) out.firstUpdateMs = t;
    }
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
