/**
 * The only place that wires the reference backends into a run: when a suite has no target configured,
 * start its backend on 127.0.0.1 and describe it with the ordinary configuration variables.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { AnyTarget } from '../engine/targets/target.ts';

export interface EmbeddedBackend {
  /** Variables that configure the run for this backend (the ordinary configuration contract). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A reference backend with its switchable faults (the self-tests and benchmarks switch them). */
export interface ReferenceBackend extends EmbeddedBackend {
  faults: readonly { name: string; family: string; description: string }[];
  setFaults(names: string[]): void;
}

/**
 * Variables of the reference and real backend launchers (backends/): set beside the CLI's in the CI stages,
 * they are this project's own and not typos of a setting.
 */
export const BACKEND_VARIABLES = ['K8S_REFERENCE_FAULTS', 'K8S_REAL_', 'NOVA_REFERENCE_FAULTS', 'NOVA_REAL_'] as const;

/**
 * Each target's reference backend (backends/<name>-reference), by target name: one entry per target. `release`
 * picks one of the upstream releases it imitates (REFERENCE_RELEASES); absent, its default.
 */
const REFERENCE_BACKENDS: Record<string, (release?: string) => Promise<ReferenceBackend>> = {
  k8s: async () => {
    const { K8S_FAULTS, startK8sReference } = await import('../backends/k8s-reference/index.ts');
    const token = randomBytes(16).toString('hex');
    const k8s = await startK8sReference({ token });
    return {
      env: { K8S_SERVER: k8s.url, K8S_TOKEN: token },
      faults: K8S_FAULTS,
      setFaults: (f) => k8s.setFaults(f as never),
      close: () => k8s.close(),
    };
  },
  nova: async (release) => {
    const { NOVA_FAULTS, passwordAuthEnv, startNovaReference } = await import('../backends/nova-reference/index.ts');
    const nova = await startNovaReference({ maxMicroversion: release });
    // Password auth against the backend's Keystone-compatible endpoint, so the catalog path runs too.
    return { env: passwordAuthEnv(nova), faults: NOVA_FAULTS, setFaults: (f) => nova.setFaults(f as never), close: () => nova.close() };
  },
};

/**
 * The upstream releases each reference backend imitates, for the self-tests that prove the suite against every
 * one (undefined: the default). Nova's is known by its max microversion: Zed 2.93 and the newest, 2.104.
 */
const REFERENCE_RELEASES: Record<string, (string | undefined)[]> = { nova: [undefined, '2.104'] };

export function referenceReleases(target: AnyTarget): (string | undefined)[] {
  return REFERENCE_RELEASES[target.name] ?? [undefined];
}

/** Starts the reference backend of one target on 127.0.0.1, in this thread (the self-tests switch its faults). */
export function startReferenceBackend(target: AnyTarget, release?: string): Promise<ReferenceBackend> {
  return startReferenceBackendNamed(target.name, release);
}

export function startReferenceBackendNamed(name: string, release?: string): Promise<ReferenceBackend> {
  const start = REFERENCE_BACKENDS[name];
  if (!start) throw new Error(`no reference backend for ${name}`);
  return start(release);
}

/** What a backend thread (cli/embedded-thread.ts) posts once: its settings, or why it could not start. */
export type BackendThreadMessage = { env: Record<string, string> } | { error: string };

/**
 * The reference backend of one target on a worker thread of its own. The suites run on worker threads too:
 * with the backends on the CLI's thread, that one thread served every request of both suites and, busy, left
 * the suites waiting and a core idle. The thread ends when its backend closes.
 */
function startOnThread(name: string): Promise<EmbeddedBackend> {
  const worker = import.meta.url.endsWith('.ts')
    ? // Run from the TypeScript sources (the self-tests): a thread does not inherit tsx's loader, so it registers it.
      new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./embedded-thread.ts', import.meta.url).href)}); })`,
        {
          eval: true,
          workerData: { name },
        },
      )
    : new Worker(new URL('./embedded-thread.js', import.meta.url), { workerData: { name } });
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${name} reference backend ended before it started (exit ${code})`)));
    worker.once('message', (m: BackendThreadMessage) => {
      if ('error' in m) {
        reject(new Error(m.error));
        return;
      }
      resolve({
        env: m.env,
        close: async () => {
          worker.postMessage('close');
          await ended;
        },
      });
    });
  });
}

export async function startEmbedded(targets: AnyTarget[]): Promise<EmbeddedBackend> {
  const results = await Promise.allSettled(targets.map((t) => startOnThread(t.name)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const close = async () => {
    await Promise.all(started.map((b) => b.close()));
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { env: Object.assign({}, ...started.map((b) => b.env)), close };
}
