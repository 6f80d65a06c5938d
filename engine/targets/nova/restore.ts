import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Obj } from '../../json.ts';
import { compareVersions } from '../../versions.ts';
import type { NovaClient } from './client.ts';

/** The editable fields of each server as the run found them, and the servers the run created. */
export interface RestorePlan {
  runId: string;
  microversion: string;
  servers: { id: string; fields: Obj }[];
  created: string[];
}

/** Where the plan is kept while the run is in progress, so an interrupted run can still be undone. */
export function restorePlanPath(reportDir: string, runId: string): string {
  return join(reportDir, '.restore', `nova-${runId}.json`);
}

export function saveRestorePlan(path: string, plan: RestorePlan): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(plan, null, 1));
}

export function readRestorePlan(path: string): RestorePlan | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RestorePlan;
  } catch {
    return undefined;
  }
}

/** The editable fields of a GET body, in the form an update accepts back. */
export function editableFields(server: Obj, microversion: string): Obj {
  const out: Obj = { name: server.name };
  // Access IPs cannot be cleared through update ("" and null are rejected), so only set ones are restored.
  if (server.accessIPv4) out.accessIPv4 = server.accessIPv4;
  if (server.accessIPv6) out.accessIPv6 = server.accessIPv6;
  if (server['OS-DCF:diskConfig']) out['OS-DCF:diskConfig'] = server['OS-DCF:diskConfig'];
  if (compareVersions(microversion, '2.19') >= 0) out.description = server.description ?? null;
  if (compareVersions(microversion, '2.90') >= 0 && server['OS-EXT-SRV-ATTR:hostname']) out.hostname = server['OS-EXT-SRV-ATTR:hostname'];
  if (compareVersions(microversion, '2.104') >= 0) out.pinned_availability_zone = server.pinned_availability_zone ?? null;
  return out;
}

/** Puts every server back and deletes what the run created; returns what could not be undone. */
export async function undoRun(client: NovaClient, plan: RestorePlan, path?: string): Promise<string[]> {
  const problems: string[] = [];
  for (const s of plan.servers) {
    // A pin cannot be moved in one update (409 "Unpin first"): unpin, then pin again.
    if (typeof s.fields.pinned_availability_zone === 'string') await client.updateServer(s.id, { pinned_availability_zone: null }, plan.microversion);
    const ex = await client.updateServer(s.id, s.fields, plan.microversion);
    if (ex.response.status !== 200) problems.push(`server ${s.id}: restoring its fields answered ${ex.response.status}`);
  }
  for (const id of plan.created) {
    const ex = await client.send({ method: 'DELETE', path: `/servers/${id}`, microversion: plan.microversion });
    if (![202, 204, 404].includes(ex.response.status)) problems.push(`server ${id}: delete answered ${ex.response.status}`);
  }
  if (path && problems.length === 0) rmSync(path, { force: true });
  return problems;
}
