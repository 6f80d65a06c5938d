/**
 * Drives the command line the way a user does, in-process (`main([...])` with the environment set) or as a
 * child process (`node --import tsx cli/bin.ts`), and reads back what a run leaves: reports and target state.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { K8sReference } from '../../backends/k8s-reference/index.ts';
import type { NovaReference } from '../../backends/nova-reference/index.ts';
import { main } from '../../cli/main.ts';
import type { CaseResult } from '../../engine/results.ts';
import type { RunReport } from '../../reporters/model.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Settings a test must not inherit from the developer's shell, the CI job (`CI`) or another test. */
const SETTING = /^(K8S_|OS_|NOVA_|KUBECONFIG$|CONFORMANCE_|SONOBUOY_|KUBERNETES_SERVICE_|CI$|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$)/;
export const REPORT_FILES = ['results.json', 'summary.md', 'report.html', 'junit.xml'] as const;

/** The environment of this process without any target or run setting, plus `env`. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SETTING.test(k)) out[k] = v;
  return { ...out, CONFORMANCE_ENV_FILE: join(ROOT, 'selftest', 'support', 'empty.env'), ...env };
}

export interface CliOutcome {
  code: number;
  out: string[];
  err: string[];
  ms: number;
}

/** `main(args)` with exactly `env` as the settings; process.env is restored afterwards. */
export async function runMain(args: string[], env: Record<string, string>): Promise<CliOutcome> {
  const saved = process.env;
  process.env = cleanEnv(env);
  const out: string[] = [];
  const err: string[] = [];
  const started = performance.now();
  try {
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err, ms: performance.now() - started };
  } finally {
    process.env = saved;
  }
}

export interface Child {
  proc: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code, or the signal's name when a signal killed it; rejects after `timeoutMs` (and kills the child). */
  exited: Promise<number | NodeJS.Signals>;
  /** Resolves when stdout matches. */
  waitFor(re: RegExp, timeoutMs: number): Promise<void>;
}

/**
 * The real CLI as a child process (`node --import tsx cli/bin.ts …`), bounded by `timeoutMs` (then it is
 * killed). `detached`: in a process group of its own, so a test can signal the group as a terminal does.
 */
export function spawnCli(args: string[], env: Record<string, string>, timeoutMs: number, opts: { detached?: boolean } = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: Boolean(opts.detached),
  });
  const killAll = () => {
    try {
      if (opts.detached && proc.pid) process.kill(-proc.pid, 'SIGKILL');
      else proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  proc.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    for (const w of [...waiters]) {
      if (w.re.test(stdout)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  proc.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<number | NodeJS.Signals>((res, rej) => {
    const timer = setTimeout(() => {
      killAll();
      rej(new Error(`the CLI did not exit within ${timeoutMs} ms\nstdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    // Whatever the CLI left running in its own group goes with it.
    proc.on('exit', () => {
      if (opts.detached) killAll();
    });
    // 'close', not 'exit': only then has everything the CLI wrote been read.
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      res(code ?? signal ?? -1);
    });
  });
  return {
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(re, ms) {
      if (re.test(stdout)) return Promise.resolve();
      return new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`stdout never matched ${re} within ${ms} ms:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)), ms);
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            res();
          },
        });
        void exited.then(
          () => rej(new Error(`the CLI exited before stdout matched ${re}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)),
          () => {},
        );
      });
    },
  };
}

/** A fresh report directory under reports/selftest/. */
export function reportDir(name: string): string {
  const dir = join(ROOT, 'reports', 'selftest', name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

export function readReport(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunReport;
}

/** Report files that are missing or empty. */
export function missingReports(dir: string): string[] {
  return REPORT_FILES.filter((f) => !existsSync(join(dir, f)) || readFileSync(join(dir, f)).length === 0);
}

export function counts(results: CaseResult[]): Record<'pass' | 'fail' | 'error' | 'skip', number> {
  const c = { pass: 0, fail: 0, error: 0, skip: 0 };
  for (const r of results) c[r.verdict]++;
  return c;
}

// ── target state ──────────────────────────────────────────────────────────────────────────────────────

type Obj = Record<string, unknown>;

async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: Obj }> {
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  const text = await res.text();
  let body: Obj = {};
  try {
    body = JSON.parse(text) as Obj;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** Pods (namespace/name) on the Kubernetes backend, optionally only those labelled with a run id; and run namespaces. */
export async function k8sLeftovers(k8s: K8sReference, token: string, runId?: string): Promise<{ pods: string[]; namespaces: string[] }> {
  const auth = { authorization: `Bearer ${token}` };
  const selector = runId ? `?labelSelector=${encodeURIComponent(`update-conformance/run=${runId}`)}` : '';
  const pods = await getJson(`${k8s.url}/api/v1/pods${selector}`, auth);
  const nss = await getJson(`${k8s.url}/api/v1/namespaces`, auth);
  const name = (o: Obj) => (o.metadata as Obj)?.name as string;
  return {
    pods: ((pods.body.items ?? []) as Obj[]).map((p) => `${(p.metadata as Obj)?.namespace as string}/${name(p)}`),
    namespaces: ((nss.body.items ?? []) as Obj[]).map(name).filter((n) => n.startsWith('uc-') && (!runId || n.startsWith(`uc-${runId}-`))),
  };
}

/** Every server of both projects of the Nova backend, as seen at the max microversion (without `updated`). */
export async function novaState(nova: NovaReference): Promise<Record<string, Obj>> {
  const out: Record<string, Obj> = {};
  for (const user of [nova.users.memberA, nova.users.memberB]) {
    const list = await getJson(`${nova.url}/servers/detail`, { 'x-auth-token': user.token, 'openstack-api-version': 'compute 2.93' });
    if (list.status !== 200) throw new Error(`listing servers answered ${list.status}`);
    for (const s of (list.body.servers ?? []) as Obj[]) {
      const { updated: _updated, ...rest } = s;
      out[String(s.id)] = rest;
    }
  }
  return out;
}

/** Differences between two Nova states: servers added, removed or with changed fields. */
export function novaDrift(before: Record<string, Obj>, after: Record<string, Obj>): string[] {
  const drift: string[] = [];
  for (const id of Object.keys(after)) if (!(id in before)) drift.push(`server ${id} (${String(after[id]?.name)}) was created and not deleted`);
  for (const [id, b] of Object.entries(before)) {
    const a = after[id];
    if (!a) {
      drift.push(`server ${id} was deleted`);
      continue;
    }
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) drift.push(`server ${id}: ${k} ${JSON.stringify(b[k])} → ${JSON.stringify(a[k])}`);
    }
  }
  return drift;
}
