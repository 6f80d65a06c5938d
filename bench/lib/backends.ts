/**
 * Backends for the benchmark, each in a process of its own (so the measured client never shares its event loop
 * with the server it measures): the reference Pod API, the reference Compute API, the fault proxy's latency mode
 * in front of either, and a probe of the real backends CI starts (never started or stopped here).
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { request } from 'undici';
import { cleanEnv, FIRST_REQUEST_HOOK, ROOT, type Spawned, spawnTsx } from './proc.ts';

export type SuiteName = 'k8s' | 'nova';

export interface Backend {
  suite: SuiteName;
  /** The ordinary configuration variables that point a run at this backend. */
  env: Record<string, string>;
  /** Strings that identify this backend instance in recorded requests (origin, tokens, server ids), in a fixed order. */
  identity: string[];
  /** Base URL the client talks to (the proxy's, when there is one). */
  url: string;
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** Reference backend faults (K8S_REFERENCE_FAULTS / NOVA_REFERENCE_FAULTS). */
  faults?: string[];
  /** Put the fault proxy in latency mode (this many ms per request) in front of the backend. */
  latencyMs?: number;
  /** Nova: create this many more servers in project A (the pool then has 8 + n servers). */
  extraServers?: number;
  /** Note the backend's first request and first update in this file (bench/lib/first-request-hook.mjs). */
  observe?: string;
}

/** The backend process's environment: its faults, and the first-request hook when asked to observe. */
function backendEnv(faultsVar: string, opts: BackendOptions): Record<string, string> {
  return cleanEnv({
    ...(opts.faults?.length ? { [faultsVar]: opts.faults.join(',') } : {}),
    ...(opts.observe ? { NODE_OPTIONS: `--import=${FIRST_REQUEST_HOOK}`, BENCH_FIRST_REQUEST_FILE: opts.observe } : {}),
  });
}

async function latencyProxy(upstream: string, ms: number): Promise<Spawned> {
  return spawnTsx(
    'backends/fault-proxy/main.ts',
    ['--upstream', upstream, '--fault', `latency:${ms}`, '--max-requests', '100000000', '--lifetime-ms', '3600000'],
    {
      readyKeys: ['FAULT_PROXY_URL'],
    },
  );
}

function stopAll(procs: Spawned[]): () => Promise<void> {
  return async () => {
    await Promise.all(procs.map((p) => p.stop()));
  };
}

export async function startK8sBackend(opts: BackendOptions = {}): Promise<Backend> {
  const env = backendEnv('K8S_REFERENCE_FAULTS', opts);
  const server = await spawnTsx('backends/k8s-reference/main.ts', [], { env, readyKeys: ['K8S_SERVER', 'K8S_TOKEN'] });
  const procs = [server];
  let url = server.vars.K8S_SERVER as string;
  if (opts.latencyMs) {
    const proxy = await latencyProxy(url, opts.latencyMs);
    procs.push(proxy);
    url = proxy.vars.FAULT_PROXY_URL as string;
  }
  const token = server.vars.K8S_TOKEN as string;
  return { suite: 'k8s', env: { K8S_SERVER: url, K8S_TOKEN: token }, identity: [url, token], url, stop: stopAll(procs) };
}

/** Creates servers like the seeded ones (addresses, description, hostname) through the ordinary create call. */
async function createServers(endpoint: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = {
      server: {
        name: `uc-bench-${i}`,
        imageRef: '70a599e0-31e7-49b7-b260-868f441e862b',
        flavorRef: '1',
        networks: 'none',
        accessIPv4: `192.0.2.${100 + (i % 150)}`,
        accessIPv6: `2001:db8::${(0x100 + i).toString(16)}`,
        description: `bench server ${i}`,
        hostname: `uc-bench-${i}`,
      },
    };
    const res = await request(`${endpoint}/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token, 'openstack-api-version': 'compute 2.90' },
      body: JSON.stringify(body),
    });
    const json = (await res.body.json()) as { server?: { id?: string } };
    if (res.statusCode !== 202 || !json.server?.id) throw new Error(`creating a bench server answered ${res.statusCode}`);
    ids.push(json.server.id);
  }
  return ids;
}

export async function startNovaBackend(opts: BackendOptions = {}): Promise<Backend> {
  const env = backendEnv('NOVA_REFERENCE_FAULTS', opts);
  const keys = ['OS_TOKEN', 'OS_COMPUTE_ENDPOINT_OVERRIDE', 'NOVA_SERVER_IDS', 'OS_ALT_TOKEN', 'NOVA_ALT_SERVER_IDS'];
  const server = await spawnTsx('backends/nova-reference/main.ts', [], { env, readyKeys: keys });
  const v = server.vars as Record<string, string>;
  const procs = [server];
  let endpoint = v.OS_COMPUTE_ENDPOINT_OVERRIDE as string;
  const origin = new URL(endpoint).origin;
  const extra = opts.extraServers ? await createServers(endpoint, v.OS_TOKEN as string, opts.extraServers) : [];
  let url = origin;
  if (opts.latencyMs) {
    const proxy = await latencyProxy(origin, opts.latencyMs);
    procs.push(proxy);
    url = proxy.vars.FAULT_PROXY_URL as string;
    endpoint = `${url}/v2.1`;
  }
  const serverIds = [...(v.NOVA_SERVER_IDS as string).split(','), ...extra];
  const altIds = (v.NOVA_ALT_SERVER_IDS as string).split(',');
  return {
    suite: 'nova',
    env: {
      OS_AUTH_TYPE: 'none',
      OS_TOKEN: v.OS_TOKEN as string,
      OS_COMPUTE_ENDPOINT_OVERRIDE: endpoint,
      NOVA_SERVER_IDS: serverIds.join(','),
      OS_ALT_TOKEN: v.OS_ALT_TOKEN as string,
      NOVA_ALT_SERVER_IDS: altIds.join(','),
    },
    identity: [url, v.OS_TOKEN as string, v.OS_ALT_TOKEN as string, ...serverIds, ...altIds],
    url,
    stop: stopAll(procs),
  };
}

export function startBackend(suite: SuiteName, opts: BackendOptions = {}): Promise<Backend> {
  return suite === 'k8s' ? startK8sBackend(opts) : startNovaBackend(opts);
}

/**
 * A real backend CI starts (`backends/.state/<stem>.env`, e.g. `nova-real-2026.2`), when the file exists and the
 * service its `probeVar` names answers.
 */
export async function realBackendEnv(stem: string, probeVar: string): Promise<{ env: Record<string, string> } | { missing: string }> {
  const file = resolve(ROOT, 'backends', '.state', `${stem}.env`);
  if (!existsSync(file)) return { missing: `backends/.state/${stem}.env does not exist` };
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
  }
  const probe = env[probeVar];
  if (!probe) return { missing: `backends/.state/${stem}.env names no ${probeVar}` };
  // Only "is something listening": certificates and credentials are the suite's business.
  const u = new URL(probe);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const open = await new Promise<string | undefined>((done) => {
    const socket = connect({ host: u.hostname, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      done(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('timed out');
    });
    socket.once('error', (err) => done(err.message));
  });
  if (open) return { missing: `${u.origin} does not answer (${open})` };
  return { env };
}
