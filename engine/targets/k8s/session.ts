import type { Config } from '../../config/index.ts';
import { SetupError } from '../../errors.ts';
import { RUN_LABEL, runPrefix } from '../../lifecycle/labels.ts';
import { K8sClient } from './client.ts';
import type { PodsPatchTarget } from './pods-patch.ts';

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

/** Reads /version, creates the run-scoped namespace unless K8S_NAMESPACE is given. */
export async function openK8sSession(config: Config): Promise<K8sSession> {
  const k8s = config.k8s;
  if (!k8s) throw new SetupError('no Kubernetes target configured');
  const client = new K8sClient(k8s, config.run.timeoutMs);
  const version = await client.version();
  let namespace = k8s.namespace;
  let ownsNamespace = false;
  if (!namespace) {
    namespace = runNamespace(config.run.runId);
    const ex = await client.createNamespace(namespace, { [RUN_LABEL]: config.run.runId });
    if (ex.response.status !== 201 && ex.response.status !== 409) {
      throw new SetupError(`creating namespace ${namespace} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
    }
    ownsNamespace = true;
  }
  return {
    client,
    namespace,
    runId: config.run.runId,
    serverVersion: `${version.major}.${version.minor}`,
    gitVersion: version.gitVersion,
    ownsNamespace,
    async close() {
      if (ownsNamespace) await client.deleteNamespace(namespace);
      await client.close();
    },
  };
}
