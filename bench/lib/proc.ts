/** Child processes of the benchmark: backends, the fault proxy, measurement children, the CLI. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitForQuiet } from './quiet.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const EMPTY_ENV_FILE = resolve(ROOT, 'bench', 'empty.env');
/** Loaded with NODE_OPTIONS into a process whose first request is measured (it only observes). */
export const FIRST_REQUEST_HOOK = resolve(ROOT, 'bench', 'lib', 'first-request-hook.mjs');

/** Settings a measured process must not inherit from the developer's shell (targets, run settings, proxies). */
const SETTING = /^(K8S_|OS_|NOVA_|KUBECONFIG$|CONFORMANCE_|CI$|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$|NODE_OPTIONS$|BENCH_)/;

/** This process's environment without target/run settings, with `.env` loading pointed at an empty file, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SETTING.test(k)) out[k] = v;
  return { ...out, CONFORMANCE_ENV_FILE: EMPTY_ENV_FILE, ...extra };
}

export interface Spawned {
  child: ChildProcess;
  /** `KEY=value` lines the process printed on stdout. */
  vars: Record<string, string>;
  stdout: string[];
  stderr: string[];
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Resolve once these `KEY=value` lines were printed (default: resolve at once). */
  readyKeys?: string[];
  readyTimeoutMs?: number;
  /** Called with each stdout line (after `vars` parsing). */
  onLine?: (line: string) => void;
}

/** Runs `node --import tsx <script> ...args` from the project root. */
export function spawnTsx(script: string, args: string[], opts: SpawnOptions = {}): Promise<Spawned> {
  return spawnCommand(process.execPath, ['--import', 'tsx', resolve(ROOT, script), ...args], opts);
}

export function spawnCommand(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<Spawned> {
  const child = spawn(cmd, args, { cwd: ROOT, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const vars: Record<string, string> = {};
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const want = opts.readyKeys ?? [];
  const lines = (stream: NodeJS.ReadableStream, into: string[], onLine?: (l: string) => void) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        into.push(line);
        const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        if (m) vars[m[1] as string] = m[2] as string;
        onLine?.(line);
        i = buf.indexOf('\n');
      }
    });
  };
  lines(child.stdout as NodeJS.ReadableStream, stdout, opts.onLine);
  lines(child.stderr as NodeJS.ReadableStream, stderr);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const spawned: Spawned = { child, vars, stdout, stderr, stop, exited };
  if (want.length === 0) return Promise.resolve(spawned);
  return new Promise((resolveReady, reject) => {
    const deadline = setTimeout(() => {
      void stop();
      reject(new Error(`${args.join(' ')}: not ready after ${opts.readyTimeoutMs ?? 30_000} ms (${stderr.slice(-3).join(' | ')})`));
    }, opts.readyTimeoutMs ?? 30_000);
    const check = () => {
      if (want.every((k) => k in vars)) {
        clearTimeout(deadline);
        child.stdout?.off('data', check);
        resolveReady(spawned);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(deadline);
      if (!want.every((k) => k in vars)) reject(new Error(`${args.join(' ')} exited (${code}) before it was ready: ${stderr.slice(-3).join(' | ')}`));
    });
  });
}

/**
 * Runs a measurement child (`bench/child.ts <mode>` with a JSON spec) and returns the JSON it prints last; first
 * waits (bounded) for the shared machine to be quiet.
 */
export async function runChild<T>(mode: string, spec: unknown, timeoutMs = 300_000): Promise<T> {
  await waitForQuiet();
  const p = await spawnTsx('bench/child.ts', [mode, JSON.stringify(spec)]);
  const timer = setTimeout(() => void p.stop(), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  const last = [...p.stdout].reverse().find((l) => l.startsWith('{'));
  if (code !== 0 || !last) throw new Error(`bench child ${mode} exited ${code}: ${p.stderr.slice(-5).join('\n')}`);
  return JSON.parse(last) as T;
}
