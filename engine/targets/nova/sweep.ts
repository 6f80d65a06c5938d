import { resolve } from 'node:path';
import type { Config } from '../../config/index.ts';
import { HttpClient } from '../../http/client.ts';
import { NovaClient } from './client.ts';
import { AuthSession } from './keystone.ts';
import { readRestorePlan, restorePlanPath, undoRun } from './restore.ts';

/**
 * After a run: if its restore plan is still on disk (the suite did not get to undo the run, e.g. it was
 * interrupted), restore the servers' fields and delete the servers it created. Returns what is left.
 */
export async function undoNovaRun(config: Config): Promise<string[]> {
  const nova = config.nova;
  if (!nova) return [];
  const path = restorePlanPath(resolve(config.run.reportDir), config.run.runId);
  const plan = readRestorePlan(path);
  if (!plan) return [];
  const http = new HttpClient({ timeoutMs: config.run.timeoutMs, ca: nova.ca, insecure: nova.insecure });
  try {
    const auth = new AuthSession(nova.credentials, http, { regionName: nova.regionName, interface: nova.interface });
    await auth.headers();
    const endpoint = nova.endpointOverride ?? auth.computeEndpoint ?? '';
    return await undoRun(new NovaClient(http, auth, endpoint), plan, path);
  } finally {
    await http.close();
  }
}
