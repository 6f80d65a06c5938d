import { resolve } from 'node:path';
import type { Config, NovaTargetConfig, OsCredentials } from '../../config/index.ts';
import { SetupError } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import { runPrefix } from '../../lifecycle/labels.ts';
import { Pool } from '../../lifecycle/pool.ts';
import { compareVersions } from '../../versions.ts';
import { NovaClient } from './client.ts';
import { AuthSession } from './keystone.ts';
import type { MicroversionRange } from './microversions.ts';
import { editableFields, type RestorePlan, restorePlanPath, saveRestorePlan, undoRun } from './restore.ts';

type Obj = Record<string, unknown>;

/** A compute target opened for a run: clients, negotiated range, the server pool and the way back. */
export interface NovaSession {
  client: NovaClient;
  /** Client with the other project's credentials, when configured. */
  alt?: NovaClient;
  /** A server of the other project (for the cross-project cases), if one is known. */
  altServerId?: string;
  range: MicroversionRange;
  /** The target's own max before OS_COMPUTE_API_VERSION capped it. */
  targetMax: string;
  pool: Pool<string>;
  runId: string;
  close(): Promise<void>;
}

function authSession(creds: OsCredentials, http: HttpClient, cfg: NovaTargetConfig, label: 'OS' | 'OS_ALT'): AuthSession {
  return new AuthSession(creds, http, { regionName: cfg.regionName, interface: cfg.interface }, label);
}

async function endpointFor(auth: AuthSession, cfg: NovaTargetConfig): Promise<string> {
  if (cfg.endpointOverride) return cfg.endpointOverride;
  await auth.headers();
  if (!auth.computeEndpoint) {
    throw new SetupError(
      `the Keystone catalog has no ${cfg.interface} compute endpoint${cfg.regionName ? ` in region ${cfg.regionName}` : ''}; set OS_REGION_NAME/OS_INTERFACE or OS_COMPUTE_ENDPOINT_OVERRIDE`,
    );
  }
  return auth.computeEndpoint;
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

/** Authenticates, discovers the microversion range, prepares the server pool and records how to undo the run. */
export async function openNovaSession(config: Config): Promise<NovaSession> {
  const cfg = config.nova;
  if (!cfg) throw new SetupError('no compute target configured');
  const http = new HttpClient({ timeoutMs: config.run.timeoutMs, ca: cfg.ca, insecure: cfg.insecure });
  const auth = authSession(cfg.credentials, http, cfg, 'OS');
  const client = new NovaClient(http, auth, await endpointFor(auth, cfg));
  const discovered = await client.versionRange();
  const cap = cfg.apiVersionCap;
  const max = cap && compareVersions(cap, discovered.max) < 0 ? cap : discovered.max;
  const range = { min: discovered.min, max };
  let alt: NovaClient | undefined;
  if (cfg.alt) {
    const altAuth = authSession(cfg.alt, http, cfg, 'OS_ALT');
    alt = new NovaClient(http, altAuth, await endpointFor(altAuth, cfg));
  }
  const planPath = restorePlanPath(resolve(config.run.reportDir), config.run.runId);
  const plan: RestorePlan = { runId: config.run.runId, microversion: max, servers: [], created: [] };
  const save = () => saveRestorePlan(planPath, plan);
  let serverIds = cfg.serverIds;
  if (serverIds.length === 0) serverIds = await createServers(client, cfg, config.run.runId, Math.min(config.run.concurrency, 4), plan, save);
  for (const id of serverIds) {
    const ex = await client.showServer(id, max);
    const server = (ex.response.json as Obj)?.server as Obj | undefined;
    if (ex.response.status !== 200 || !server)
      throw new SetupError(`server ${id} from NOVA_SERVER_IDS answered ${ex.response.status}: check the id and that it belongs to the configured project`);
    if (!plan.created.includes(id)) plan.servers.push({ id, fields: editableFields(server, max) });
  }
  save();
  let altServerId = cfg.altServerIds[0];
  if (!altServerId && alt) {
    const ex = await alt.send({ method: 'GET', path: '/servers', microversion: '2.1' });
    const servers = ((ex.response.json as Obj)?.servers ?? []) as Obj[];
    altServerId = typeof servers[0]?.id === 'string' ? servers[0].id : undefined;
  }
  return {
    client,
    alt,
    altServerId,
    range,
    targetMax: discovered.max,
    pool: new Pool(serverIds),
    runId: config.run.runId,
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
