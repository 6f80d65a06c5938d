import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../../config/run.ts';
import type { SweepResult } from '../target.ts';
import type { NovaTargetConfig } from './config.ts';
import { withNovaClient } from './connect.ts';
import { readRestorePlan, restorePlanPath, undoRun } from './restore.ts';

/**
 * After a run: if its restore plan is still on disk (the suite did not get to undo the run, e.g. it was
 * interrupted), restore the servers' fields and delete the servers it created. Returns what is left.
 */
export async function undoNovaRun(nova: NovaTargetConfig, run: RunConfig, runId: string): Promise<string[]> {
  const path = restorePlanPath(resolve(run.reportDir), runId);
  const plan = readRestorePlan(path);
  if (!plan) return [];
  return withNovaClient(nova, run.timeoutMs, (client) => undoRun(client, plan, path));
}

/** Names the run gives the servers it creates (engine/targets/nova/session.ts createServers). */
const CREATED_NAME = /^uc-[a-z0-9]{4,12}-server-\d+$/;

/**
 * Leftovers of earlier runs: restore plans still on disk (servers whose fields were never put back, servers
 * created and never deleted) and servers named like the run's own. Nothing else is touched.
 */
export async function sweepNova(nova: NovaTargetConfig, run: RunConfig, dryRun: boolean): Promise<SweepResult> {
  const result: SweepResult = { found: [], failed: [] };
  return withNovaClient(nova, run.timeoutMs, async (client) => {
    const dir = join(resolve(run.reportDir), '.restore');
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
    return result;
  });
}
