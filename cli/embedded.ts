/**
 * The only place that wires the reference backends into a run: when a suite has no target configured,
 * start its backend in-process on 127.0.0.1 and describe it with the ordinary configuration variables.
 */
import { randomBytes } from 'node:crypto';
import type { SuiteName } from '../engine/config/index.ts';

export interface EmbeddedBackends {
  /** Variables to add to the environment of the run (the ordinary configuration contract). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startEmbedded(suites: SuiteName[]): Promise<EmbeddedBackends> {
  const env: Record<string, string> = {};
  const closers: (() => Promise<void>)[] = [];
  if (suites.includes('k8s')) {
    const { startK8sReference } = await import('../backends/k8s-reference/index.ts');
    const token = randomBytes(16).toString('hex');
    const k8s = await startK8sReference({ token });
    closers.push(() => k8s.close());
    Object.assign(env, { K8S_SERVER: k8s.url, K8S_TOKEN: token });
  }
  if (suites.includes('nova')) {
    const { passwordAuthEnv, startNovaReference } = await import('../backends/nova-reference/index.ts');
    const nova = await startNovaReference({});
    closers.push(() => nova.close());
    // Password auth against the backend's Keystone-compatible endpoint, so the catalog path runs too.
    Object.assign(env, passwordAuthEnv(nova));
  }
  return {
    env,
    async close() {
      await Promise.all(closers.map((c) => c()));
    },
  };
}
