import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** Names the run gives the servers it creates (engine/targets/nova/session.ts createServers). */
const CREATED_NAME = /^uc-[a-z0-9]{4,12}-server-\d+$/;

/**
 * Leftovers of earlier runs: restore plans still on disk (servers whose fields were never put back, servers
 * created and never deleted) and servers named like the run's own. Nothing else is touched.
 */
export async function sweepNova(config: Config, dryRun: boolean): Promise<{ found: string[]; failed: string[] }> {
  const nova = config.nova;
  const result = { found: [] as string[], failed: [] as string[] };
  if (!nova) return result;
  const http = new HttpClient({ timeoutMs: config.run.timeoutMs, ca: nova.ca, insecure: nova.insecure });
  try {
    const auth = new AuthSession(nova.credentials, http, { regionName: nova.regionName, interface: nova.interface });
    await auth.headers();
    const client = new NovaClient(http, auth, nova.endpointOverride ?? auth.computeEndpoint ?? '');
    const dir = join(resolve(config.run.reportDir), '.restore');
    const plans = existsSync(dir) ? readdirSync(dir).filter((f) => /^nova-[a-z0-9]+\.json$/.test(f)) : [];
    const planned = new Set<string>();
    for (const f of plans) {
      const plan = readRestorePlan(join(dir, f));
      if (!plan) continue;
      for (const id of plan.created) planned.add(id);
      result.found.push(`restore plan of run ${plan.runId} (${plan.servers.length} server(s) to restore, ${plan.created.length} to delete)`);
      if (!dryRun) result.failed.push(...(await undoRun(client, plan, join(dir, f))));
    }
    const list = await client.send({ method: 'GET', path: '/servers?name=%5Euc-', microversion: '2.1' });
    const servers = (((list.response.json as Record<string, unknown>)?.servers ?? []) as { id: string; name: string }[]).filter((s) =>
      CREATED_NAME.test(s.name),
    );
    for (const s of servers) {
      if (planned.has(s.id)) continue;
      result.found.push(`server ${s.name} (${s.id})`);
      if (dryRun) continue;
      const ex = await client.send({ method: 'DELETE', path: `/servers/${s.id}`, microversion: '2.1' });
      if (![202, 204, 404].includes(ex.response.status)) result.failed.push(`server ${s.name} (${ex.response.status})`);
    }
  } finally {
    await http.close();
  }
  return result;
}
