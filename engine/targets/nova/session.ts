import { resolve } from 'node:path';
import type { RunConfig } from '../../config/run.ts';
import { SetupError } from '../../errors.ts';
import type { Obj } from '../../json.ts';
import { runPrefix } from '../../lifecycle/labels.ts';
import { SubjectLedger } from '../../lifecycle/ledger.ts';
import { Pool } from '../../lifecycle/pool.ts';
import type { NovaClient } from './client.ts';
import type { NovaTargetConfig } from './config.ts';
import { novaClient, novaHttp } from './connect.ts';
import type { MicroversionRange } from './microversions.ts';
import type { NovaFacts } from './preflight.ts';
import { editableFields, type RestorePlan, restorePlanPath, saveRestorePlan, undoRun } from './restore.ts';

/** A compute target opened for a run: clients, negotiated range, the server pool and the way back. */
export interface NovaSession {
  client: NovaClient;
  /** Client with the other project's credentials, when configured. */
  alt?: NovaClient;
  /** Client of the main project's reader-only user, when configured. */
  reader?: NovaClient;
  /** What discovery learnt about the target (skip rules). */
  facts: NovaFacts;
  /** A server of the other project (for the cross-project cases), if one is known. */
  altServerId?: string;
  range: MicroversionRange;
  /** The target's own max before OS_COMPUTE_API_VERSION capped it. */
  targetMax: string;
  pool: Pool<string>;
  /** Every request the run's clients send about each server: proves a read still holds (engine/lifecycle/ledger.ts). */
  ledger: SubjectLedger;
  /** The server configured as already SHUTOFF (NOVA_SHUTOFF_SERVER_ID), leased on its own by the stop setup. */
  shutoffServerId?: string;
  shutoffPool?: Pool<string>;
  /** NOVA_ACTION_WAIT_SECONDS: the bound on a setup action (os-stop) and on the os-start undoing it. */
  actionWaitMs: number;
  runId: string;
  close(): Promise<void>;
}

async function waitActive(client: NovaClient, id: string, mv: string, deadline: number): Promise<void> {
  for (;;) {
    const ex = await client.showServer(id, mv);
    const status = ((ex.response.json as Obj)?.server as Obj)?.status;
    if (status === 'ACTIVE') return;
    if (status === 'ERROR' || ex.response.status === 404) throw new SetupError(`created server ${id} went ${String(status ?? ex.response.status)}`);
    if (Date.now() > deadline) throw new SetupError(`created server ${id} was not ACTIVE in time (last status ${String(status)})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function createServers(client: NovaClient, cfg: NovaTargetConfig, runId: string, count: number, plan: RestorePlan, save: () => void): Promise<string[]> {
  const create = cfg.create;
  if (!create) return [];
  const mv = '2.37';
  const networks =
    create.networks === 'none' || create.networks === 'auto' ? create.networks : create.networks.split(',').map((uuid) => ({ uuid: uuid.trim() }));
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ server: { name: `${runPrefix(runId)}server-${i}`, imageRef: create.imageRef, flavorRef: create.flavorRef, networks } });
    const ex = await client.send({ method: 'POST', path: '/servers', body, microversion: mv });
    const id = ((ex.response.json as Obj)?.server as Obj)?.id;
    if (ex.response.status !== 202 || typeof id !== 'string')
      throw new SetupError(`creating a server answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
    ids.push(id);
    plan.created.push(id);
    save();
  }
  const deadline = Date.now() + 300_000;
  for (const id of ids) await waitActive(client, id, mv, deadline);
  return ids;
}

/** Authenticates, prepares the server pool (with the discovered range) and records how to undo the run. */
export async function openNovaSession(cfg: NovaTargetConfig, run: RunConfig, facts: NovaFacts): Promise<NovaSession> {
  const http = novaHttp(cfg, run.timeoutMs);
  const { range } = facts;
  const max = range.max;
  let client: NovaClient;
  let alt: NovaClient | undefined;
  let reader: NovaClient | undefined;
  try {
    client = await novaClient(cfg, http);
    if (cfg.alt) alt = await novaClient(cfg, http, 'OS_ALT');
    if (cfg.reader) reader = await novaClient(cfg, http, 'OS_READER');
  } catch (err) {
    await http.close();
    throw err;
  }
  // Every client of the run records its requests about servers in one ledger, so none of them can go unseen.
  const ledger = new SubjectLedger();
  for (const c of [client, alt, reader]) if (c) c.ledger = ledger;
  const planPath = restorePlanPath(resolve(run.reportDir), run.runId);
  const plan: RestorePlan = { runId: run.runId, microversion: max, servers: [], created: [] };
  const save = () => saveRestorePlan(planPath, plan);
  let serverIds = cfg.serverIds;
  if (serverIds.length === 0) serverIds = await createServers(client, cfg, run.runId, Math.min(run.concurrency, 4), plan, save);
  for (const id of cfg.shutoffServerId ? [...serverIds, cfg.shutoffServerId] : serverIds) {
    const ex = await client.showServer(id, max);
    const server = (ex.response.json as Obj)?.server as Obj | undefined;
    if (ex.response.status !== 200 || !server)
      throw new SetupError(`server ${id} from NOVA_SERVER_IDS answered ${ex.response.status}: check the id and that it belongs to the configured project`);
    if (!plan.created.includes(id)) plan.servers.push({ id, fields: editableFields(server, max) });
  }
  save();
  return {
    client,
    alt,
    reader,
    facts,
    altServerId: facts.altServerId,
    range,
    targetMax: facts.targetMax,
    pool: new Pool(serverIds),
    ledger,
    shutoffServerId: cfg.shutoffServerId,
    shutoffPool: cfg.shutoffServerId ? new Pool([cfg.shutoffServerId]) : undefined,
    actionWaitMs: cfg.actionWaitMs,
    runId: run.runId,
    async close() {
      try {
        // The plan stays on disk: after an interrupt, cases still in flight may update a server after this
        // restore, so the CLI restores once more when every worker has stopped (undoNovaRun) and removes it.
        const problems = await undoRun(client, plan);
        if (problems.length) throw new Error(`could not undo the run: ${problems.join('; ')}`);
      } finally {
        await http.close();
      }
    },
  };
}
