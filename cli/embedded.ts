/**
 * The only place that wires the reference backends into a run: when a suite has no target configured,
 * start its backend on 127.0.0.1 and describe it with the ordinary configuration variables.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ConfigError, describeError } from '../engine/errors.ts';
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

/** Each reference backend's fault switch, by target name: it applies only to a backend the CLI starts. */
const FAULT_VARIABLES: Record<string, string> = { k8s: 'K8S_REFERENCE_FAULTS', nova: 'NOVA_REFERENCE_FAULTS' };

/**
 * Fault switches that are set but switch nothing: their suite runs against a configured target (or not at all),
 * not against a reference backend the CLI starts. One warning each, naming the variable and why.
 */
export function ignoredFaultSettings(env: BackendSettings, started: readonly string[], configured: readonly string[]): string[] {
  return Object.entries(FAULT_VARIABLES)
    .filter(([name, variable]) => env[variable]?.trim() && !started.includes(name))
    .map(([name, variable]) =>
      configured.includes(name)
        ? `${variable} is set but the ${name} suite runs against the configured target, not a reference backend: the faults are not applied`
        : `${variable} is set but no ${name} reference backend runs in this command: the faults are not applied`,
    );
}

/**
 * Each target's reference backend (backends/<name>-reference), by target name: one entry per target. `release`
 * picks one of the upstream releases it imitates (REFERENCE_RELEASES); absent, its default.
 */
const REFERENCE_BACKENDS: Record<string, (release: string | undefined, settings: BackendSettings) => Promise<ReferenceBackend>> = {
  k8s: async (_release, settings) => {
    const { K8S_FAULTS, parseFaults, startK8sReference } = await import('../backends/k8s-reference/index.ts');
    const token = randomBytes(16).toString('hex');
    const k8s = await startK8sReference({ token, faults: faultsFrom(settings, 'K8S_REFERENCE_FAULTS', parseFaults) });
    return {
      env: { K8S_SERVER: k8s.url, K8S_TOKEN: token },
      faults: K8S_FAULTS,
      setFaults: (f) => k8s.setFaults(f as never),
      close: () => k8s.close(),
    };
  },
  nova: async (release, settings) => {
    const { NOVA_FAULTS, parseFaults, passwordAuthEnv, startNovaReference } = await import('../backends/nova-reference/index.ts');
    const nova = await startNovaReference({ maxMicroversion: release, faults: faultsFrom(settings, 'NOVA_REFERENCE_FAULTS', parseFaults) });
    // Password auth against the backend's Keystone-compatible endpoint, so the catalog path runs too.
    return { env: passwordAuthEnv(nova), faults: NOVA_FAULTS, setFaults: (f) => nova.setFaults(f as never), close: () => nova.close() };
  },
};

/** The run's settings a reference backend reads (its fault switch, BACKEND_VARIABLES). */
export type BackendSettings = Readonly<Record<string, string | undefined>>;

/** A reference backend's fault switch, as its own command reads it; a misspelt name is a configuration error. */
function faultsFrom<T>(settings: BackendSettings, variable: string, parse: (value: string | undefined) => T[]): T[] {
  try {
    return parse(settings[variable]);
  } catch (err) {
    throw new ConfigError(variable, describeError(err), 'name faults from that list, comma-separated');
  }
}

/**
 * The upstream releases each reference backend imitates, for the self-tests that prove the suite against every
 * one (undefined: the default). Nova's is known by its max microversion: Zed 2.93 and the newest, 2.104.
 */
const REFERENCE_RELEASES: Record<string, (string | undefined)[]> = { nova: [undefined, '2.104'] };

export function referenceReleases(target: AnyTarget): (string | undefined)[] {
  return REFERENCE_RELEASES[target.name] ?? [undefined];
}

/** Starts the reference backend of one target on 127.0.0.1, in this thread, faults off (the self-tests switch them). */
export function startReferenceBackend(target: AnyTarget, release?: string): Promise<ReferenceBackend> {
  return startReferenceBackendNamed(target.name, release, {});
}

export function startReferenceBackendNamed(name: string, release: string | undefined, settings: BackendSettings): Promise<ReferenceBackend> {
  const start = REFERENCE_BACKENDS[name];
  if (!start) throw new Error(`no reference backend for ${name}`);
  return start(release, settings);
}

/** What a backend thread (cli/embedded-thread.ts) posts once: its settings, or why it could not start. */
export type BackendThreadMessage = { env: Record<string, string> } | { error: string; config?: { variable: string; problem: string; fix: string } };

/**
 * The reference backend of one target on a worker thread of its own. The suites run on worker threads too:
 * with the backends on the CLI's thread, that one thread served every request of both suites and, busy, left
 * the suites waiting and a core idle. The thread ends when its backend closes.
 */
function startOnThread(name: string, settings: BackendSettings): Promise<EmbeddedBackend> {
  const worker = import.meta.url.endsWith('.ts')
    ? // Run from the TypeScript sources (the self-tests): a thread does not inherit tsx's loader, so it registers it.
      new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./embedded-thread.ts', import.meta.url).href)}); })`,
        {
          eval: true,
          workerData: { name, settings },
        },
      )
    : new Worker(new URL('./embedded-thread.js', import.meta.url), { workerData: { name, settings } });
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${name} reference backend ended before it started (exit ${code})`)));
    worker.once('message', (m: BackendThreadMessage) => {
      if ('error' in m) {
        // A configuration error stays one: the run exits 2 naming the variable.
        reject(m.config ? new ConfigError(m.config.variable, m.config.problem, m.config.fix) : new Error(m.error));
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

/** Starts the reference backends of `targets`, each on a thread of its own, configured by the run's `env`. */
export async function startEmbedded(targets: AnyTarget[], env: BackendSettings): Promise<EmbeddedBackend> {
  const settings = Object.fromEntries(BACKEND_VARIABLES.filter((v) => !v.endsWith('_')).map((v) => [v, env[v]]));
  const results = await Promise.allSettled(targets.map((t) => startOnThread(t.name, settings)));
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
