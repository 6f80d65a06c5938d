import type { RunConfig } from '../../config/run.ts';
import { SetupError } from '../../errors.ts';
import { RUN_LABEL, runPrefix } from '../../lifecycle/labels.ts';
import { K8sClient } from './client.ts';
import type { K8sTargetConfig } from './config.ts';
import type { PodsPatchTarget } from './pods-patch.ts';
import type { K8sFacts } from './preflight.ts';

/** A Kubernetes target opened for a run: client, server version and the namespace the run works in. */
export interface K8sSession extends PodsPatchTarget {
  gitVersion: string;
  /** true when the run created the namespace (and must delete it). */
  ownsNamespace: boolean;
  close(): Promise<void>;
}

export function runNamespace(runId: string): string {
  return `${runPrefix(runId)}ns`;
}

/** Creates the run-scoped namespace unless K8S_NAMESPACE is given. */
export async function openK8sSession(k8s: K8sTargetConfig, run: RunConfig, facts: K8sFacts): Promise<K8sSession> {
  const client = new K8sClient(k8s, run.timeoutMs);
  let namespace = k8s.namespace;
  let ownsNamespace = false;
  if (!namespace) {
    namespace = runNamespace(run.runId);
    const ex = await client.createNamespace(namespace, { [RUN_LABEL]: run.runId });
    if (ex.response.status !== 201 && ex.response.status !== 409) {
      throw new SetupError(`creating namespace ${namespace} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
    }
    ownsNamespace = true;
  }
  return {
    client,
    namespace,
    runId: run.runId,
    serverVersion: facts.serverVersion,
    namespacedOnly: facts.namespacedOnly,
    gitVersion: facts.gitVersion,
    ownsNamespace,
    async close() {
      if (ownsNamespace) await client.deleteNamespace(namespace);
      await client.close();
    },
  };
}
