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
    const { startNovaReference } = await import('../backends/nova-reference/index.ts');
    const nova = await startNovaReference({});
    closers.push(() => nova.close());
    // Password auth against the backend's Keystone-compatible endpoint, so the catalog path runs too.
    Object.assign(env, {
      OS_AUTH_URL: nova.identityUrl,
      OS_AUTH_TYPE: 'password',
      OS_USERNAME: nova.users.memberA.username,
      OS_PASSWORD: nova.users.memberA.password,
      OS_PROJECT_NAME: nova.users.memberA.project,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_ALT_USERNAME: nova.users.memberB.username,
      OS_ALT_PASSWORD: nova.users.memberB.password,
      OS_ALT_PROJECT_NAME: nova.users.memberB.project,
      NOVA_SERVER_IDS: nova.serverIds.a.join(','),
      NOVA_ALT_SERVER_IDS: nova.serverIds.b.join(','),
    });
  }
  return {
    env,
    async close() {
      await Promise.all(closers.map((c) => c()));
    },
  };
}
