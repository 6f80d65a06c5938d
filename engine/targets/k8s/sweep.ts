import type { Obj } from '../../json.ts';
import { RUN_LABEL, runPrefix } from '../../lifecycle/labels.ts';
import { K8sClient } from './client.ts';
import type { K8sTargetConfig } from './config.ts';

export interface SweepResult {
  /** Objects found that carry a run label (what was or would be deleted). */
  found: string[];
  /** Objects whose deletion was refused. */
  failed: string[];
}

/**
 * Names of listed objects that are really the run's: the run label (with the run id, when given) and the
 * `uc-<run id>-` prefix are checked here too, not only trusted to the server's label selector.
 */
function names(body: unknown, runId: string | undefined): string[] {
  const items = ((body as Obj)?.items ?? []) as Obj[];
  const prefix = runId ? runPrefix(runId) : 'uc-';
  return items
    .filter((i) => {
      const label = ((i.metadata as Obj)?.labels as Obj | undefined)?.[RUN_LABEL];
      return typeof label === 'string' && (runId === undefined || label === runId);
    })
    .map((i) => String((i.metadata as Obj)?.name ?? ''))
    .filter((n) => n.startsWith(prefix));
}

/**
 * Deletes the pods (and run-scoped namespaces) that carry the run label: of one run (`runId`), or of any
 * earlier run when `runId` is undefined. Only objects with both the label and the `uc-` name prefix are touched.
 */
export async function sweepK8s(config: K8sTargetConfig, timeoutMs: number, runId: string | undefined, dryRun: boolean): Promise<SweepResult> {
  const client = new K8sClient(config, timeoutMs);
  const selector = runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL;
  const result: SweepResult = { found: [], failed: [] };
  try {
    const namespaces: { name: string; owned: boolean }[] = [];
    if (config.namespace) namespaces.push({ name: config.namespace, owned: false });
    const nsList = await client.send('GET', '/api/v1/namespaces', { query: { labelSelector: selector } });
    for (const n of names(nsList.response.json, runId)) namespaces.push({ name: n, owned: true });
    for (const ns of namespaces) {
      const pods = await client.listPods(ns.name, selector);
      for (const pod of names(pods.response.json, runId)) {
        result.found.push(`pod ${ns.name}/${pod}`);
        if (dryRun) continue;
        const ex = await client.deletePod(ns.name, pod);
        if (![200, 202, 404].includes(ex.response.status)) result.failed.push(`pod ${ns.name}/${pod} (${ex.response.status})`);
      }
      if (ns.owned) {
        const ns0 = await client.send('GET', `/api/v1/namespaces/${ns.name}`);
        const phase = ((ns0.response.json as Obj)?.status as Obj)?.phase;
        if (phase === 'Terminating') continue; // deletion already accepted
        result.found.push(`namespace ${ns.name}`);
        if (dryRun) continue;
        const ex = await client.deleteNamespace(ns.name);
        if (![200, 202, 404].includes(ex.response.status)) result.failed.push(`namespace ${ns.name} (${ex.response.status})`);
      }
    }
  } finally {
    await client.close();
  }
  return result;
}
