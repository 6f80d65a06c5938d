import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../cases/load.ts';
import { resolvePlaceholders } from '../../cases/placeholders.ts';
import type { CaseVariant, ConformanceCase } from '../../cases/types.ts';
import type { TargetTraits } from '../../checks/outcome.ts';
import { describeError, SetupError } from '../../errors.ts';
import type { Exchange } from '../../http/exchange.ts';
import type { Obj } from '../../json.ts';
import type { SubjectHandle, TargetAdapter } from '../../run-case.ts';
import type { SchemaRegistry } from '../../schemas.ts';
import { compareVersions, describeRange, parseVersion } from '../../versions.ts';
import type { NovaClient } from './client.ts';
import { type MicroversionRange, microversionsFor, RESPONSE_BOUNDARIES } from './microversions.ts';
import type { NovaFacts } from './preflight.ts';
import type { NovaSession } from './session.ts';
import type { NovaSetup, NovaUpdateRequest } from './types.ts';
import { endpointProjectId, updateBase, urlFormSkipReason } from './url-forms.ts';

export type ServerCase = ConformanceCase<NovaUpdateRequest, NovaSetup>;

/** One step undoing a case's setup (unlock, start): what it could not put back, or undefined. */
type Undo = () => Promise<string | undefined>;

interface SchemaEntry {
  min: string;
  max: string;
  schema: string;
}

export const FAULT_SCHEMA = 'https://update-conformance.local/nova/fault.schema.json';

/** Loads the per-microversion response schemas; returns the range table (Tempest's schema_versions_info). */
export function addNovaSchemas(schemas: SchemaRegistry): SchemaEntry[] {
  const dir = join(FIXTURES_DIR, 'nova', 'schemas');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as SchemaEntry[];
  const table = index.map((e) => ({ ...e, schema: schemas.addFile(join(dir, e.schema)) }));
  schemas.addFile(join(dir, 'fault.schema.json'));
  return table;
}

/**
 * Nova's error envelope: one member holding an object with a numeric `code`. Nova's faults
 * (`{"badRequest": {"code": 400, "message": …}}`, openstack/nova nova/api/openstack/wsgi.py@26.2.2 Fault) and
 * keystonemiddleware's 401 (`{"error": {"code": 401, "title": …, "message": …}}`,
 * openstack/keystonemiddleware keystonemiddleware/auth_token/__init__.py@10.1.0#L682) both have it; a gateway's
 * `{"message": "Unauthorized"}`, a string `error`, an HTML page or plain text do not.
 */
export function isNovaErrorEnvelope(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const members = Object.values(body as Obj);
  const inner = members[0];
  return members.length === 1 && typeof inner === 'object' && inner !== null && !Array.isArray(inner) && typeof (inner as Obj).code === 'number';
}

/** The microversion a response was negotiated at, from its `OpenStack-API-Version` echo. */
export function echoedMicroversion(ex: Exchange): string | undefined {
  const h = ex.response.headers['openstack-api-version'] ?? '';
  return /compute\s+(\d+\.\d+)/i.exec(h)?.[1] ?? ex.response.headers['x-openstack-nova-api-version'];
}

/**
 * Variants: a case with its own microversion header runs once; every other case runs at each boundary
 * microversion inside its range and the target's (2.1, 2.18/2.19, 2.74/2.75, 2.89/2.90, max). Cases tagged
 * `response-shape` also run where the success body changes (RESPONSE_BOUNDARIES), so every response schema
 * inside the target's range meets a real body.
 */
export function serverVariants(cases: ServerCase[], target: MicroversionRange): CaseVariant<ServerCase>[] {
  const out: CaseVariant<ServerCase>[] = [];
  for (const c of cases) {
    if (c.request.microversionHeader !== undefined) {
      out.push({ id: c.id, case: c });
      continue;
    }
    const points = microversionsFor(c.versions, target, c.tags.includes('response-shape') ? RESPONSE_BOUNDARIES : []);
    if (points.length === 0) out.push({ id: c.id, case: c, variant: 'unsupported' });
    for (const mv of points) out.push({ id: `${c.id}@${mv}`, case: c, variant: mv });
  }
  return out;
}

/** The microversion after `v` ("2.93" → "2.94"): the first one a release with max `v` refuses. */
export function nextMinor(v: string): string {
  const [major, minor] = parseVersion(v);
  return `${major}.${minor + 1}`;
}

/** Why a variant cannot run against a target with these facts (the adapter and `doctor` both use this). */
export function serverSkipReason(v: CaseVariant<ServerCase>, facts: NovaFacts): string | undefined {
  const c = v.case;
  const { range } = facts;
  if (v.variant === 'unsupported')
    return `outside the target's ${range.min}–${range.max}: the expectation holds for microversions ${describeRange(c.versions ?? {})}`;
  if (c.requires?.includes('token-auth') && facts.authMode === 'noauth')
    return "the target runs Nova's noauth2 pipeline, which authenticates nobody: it takes any token as user:project and answers a request without one with 204 and a token";
  if (c.requires?.includes('reader-credentials') && !facts.readerConfigured)
    return 'policy: no reader-only user configured (set OS_READER_USERNAME/OS_READER_PASSWORD/OS_READER_PROJECT_NAME, OS_READER_TOKEN or OS_READER_CLOUD: a user with only the reader role on the same project)';
  if (c.requires?.includes('alt-credentials')) {
    if (!facts.altConfigured && !facts.altServerId)
      return 'cross-project: no second project configured (this case needs a second project: set OS_ALT_USERNAME/OS_ALT_PASSWORD/OS_ALT_PROJECT_NAME, or OS_ALT_TOKEN or OS_ALT_CLOUD)';
    if (!facts.altServerId) return 'cross-project: the second project has no server (set NOVA_ALT_SERVER_IDS)';
  }
  return undefined;
}

/**
 * Distinctive non-default values for the editable fields, by the microversion that introduced the field. Before
 * a case runs, its server holds them in every field the case does not target, so an update that resets such a
 * field to its default ("" / null / MANUAL) as a side effect is a visible change, whatever state the server was
 * in. Documentation addresses (RFC 5737, RFC 3849): Nova cannot clear an access IP, so a server that had none
 * keeps these after the run.
 */
export const SEEDS: { field: string; since: string; value: string }[] = [
  { field: 'accessIPv4', since: '2.1', value: '192.0.2.201' },
  { field: 'accessIPv6', since: '2.1', value: '2001:db8::c9' },
  { field: 'OS-DCF:diskConfig', since: '2.1', value: 'AUTO' },
  { field: 'description', since: '2.19', value: 'update-conformance: kept unless the case changes it' },
  { field: 'hostname', since: '2.90', value: 'uc-kept' },
];

/** Where a seeded field shows in the server view. */
const SHOWN_AS: Record<string, string> = { hostname: 'OS-EXT-SRV-ATTR:hostname' };

/**
 * The seed update for a case at the target's max microversion: every seedable field the case does not target
 * that `shown` (a view of the server) shows with another value. A field `shown` does not show (no view yet, or
 * a microversion that hides the field) is seeded when `unshown` is 'seed' and left alone when it is 'skip'.
 */
export function seedFields(c: ServerCase, maxMicroversion: string, shown?: Obj, unshown: 'seed' | 'skip' = 'seed'): Obj {
  const seeds = SEEDS.filter((f) => {
    if (compareVersions(maxMicroversion, f.since) < 0 || c.fields.includes(f.field)) return false;
    const key = SHOWN_AS[f.field] ?? f.field;
    return shown && key in shown ? shown[key] !== f.value : unshown === 'seed';
  });
  return Object.fromEntries(seeds.map((f) => [f.field, f.value]));
}

/** "status ACTIVE, task state powering-off": what a server view says about a pending action. */
export function serverState(server: Obj | undefined): string {
  if (!server) return 'state unreadable';
  const task = server['OS-EXT-STS:task_state'];
  return `status ${String(server.status)}, task state ${typeof task === 'string' && task ? task : 'none'}`;
}

/** The server's state for a report, read at the target's max microversion (where every release shows the task state). */
async function stateNow(s: NovaSession, id: string): Promise<string> {
  const ex = await s.client.showServer(id, s.range.max);
  return serverState((ex.response.json as Obj | undefined)?.server as Obj | undefined);
}

/** Polls the server until it shows `status` (a stop or start takes the compute service a moment), at most NOVA_ACTION_WAIT_SECONDS. */
async function waitStatus(s: NovaSession, id: string, mv: string, status: string, exchanges: Exchange[]): Promise<boolean> {
  const deadline = Date.now() + s.actionWaitMs;
  for (;;) {
    const ex = await s.client.showServer(id, mv);
    if (((ex.response.json as Obj)?.server as Obj)?.status === status) return true;
    if (Date.now() > deadline) {
      exchanges.push(ex);
      return false;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The undo of a stop: os-start, waited for like the stop. A server the run cannot bring back (a stop still
 * pending answers 409, a start that never completes) is a leftover, named with its state.
 */
async function startAgain(s: NovaSession, id: string, mv: string, action: (body: Obj) => Promise<Exchange>): Promise<string | undefined> {
  const ex = await action({ 'os-start': null });
  if (ex.response.status === 202 && (await waitStatus(s, id, mv, 'ACTIVE', []))) return undefined;
  const why = ex.response.status === 202 ? `os-start did not complete within ${s.actionWaitMs / 1000} s` : `os-start answered ${ex.response.status}`;
  return `server ${id} left ${await stateNow(s, id)}: ${why} (the run could not restore it)`;
}

/** Whether a server view shows each of these editable fields with exactly this value. */
export function showsAll(server: Obj, fields: Obj): boolean {
  return Object.entries(fields).every(([field, value]) => {
    const key = SHOWN_AS[field] ?? field;
    return key in server && JSON.stringify(server[key]) === JSON.stringify(value);
  });
}

/**
 * The case's setup on its server: the server's own availability zone for `${availabilityZone}`, an ordinary
 * update (skipped when `shown`, a view the ledger proves current, already shows its values), the seed of distinctive
 * values (`seed`), a lock, a stop. Each step that changes more than editable fields registers its undo.
 */
async function setUp(
  s: NovaSession,
  c: ServerCase,
  serverId: string,
  mv: string,
  vars: Record<string, string>,
  exchanges: Exchange[],
  undo: Undo[],
  seed: () => Promise<void>,
  shown: Obj | undefined,
): Promise<void> {
  const setup = c.setup ?? {};
  const step = async (what: string, ex: Exchange, ok: number[]) => {
    exchanges.push(ex);
    if (!ok.includes(ex.response.status))
      throw new SetupError(`setup ${what} of ${serverId} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`, exchanges);
  };
  const action = (body: Obj) => s.client.send({ method: 'POST', path: `/servers/${serverId}/action`, body: JSON.stringify(body), microversion: mv });
  if (JSON.stringify([setup.server, c.request.body]).includes('${availabilityZone}')) {
    const ex = await s.client.showServer(serverId, mv);
    const zone = ((ex.response.json as Obj)?.server as Obj)?.['OS-EXT-AZ:availability_zone'];
    if (typeof zone !== 'string' || !zone) throw new SetupError(`server ${serverId} shows no OS-EXT-AZ:availability_zone`, [...exchanges, ex]);
    vars.availabilityZone = zone;
  }
  if (setup.server) {
    const wanted = resolvePlaceholders(setup.server, vars) as Obj;
    // The server as a read the ledger proves current shows every value already: the update would change nothing.
    if (!(shown && showsAll(shown, wanted))) await step('update', await s.client.updateServer(serverId, wanted, mv), [200]);
  }
  await seed();
  if (setup.lock) {
    await step('lock', await action({ lock: null }), [202]);
    undo.push(async () => {
      const ex = await action({ unlock: null });
      return ex.response.status < 300 ? undefined : `server ${serverId}: ${ex.request.method} ${ex.request.url} answered ${ex.response.status}`;
    });
  }
  // A server configured as already SHUTOFF (NOVA_SHUTOFF_SERVER_ID) needs no stop: targets without a compute
  // service cannot stop one.
  if (setup.stop && serverId !== s.shutoffServerId) {
    await step('os-stop', await action({ 'os-stop': null }), [202]);
    undo.push(() => startAgain(s, serverId, mv, action));
    if (!(await waitStatus(s, serverId, mv, 'SHUTOFF', exchanges)))
      throw new SetupError(
        `os-stop of server ${serverId} did not complete within ${s.actionWaitMs / 1000} s (${await stateNow(s, serverId)}): is the compute service running?`,
        exchanges,
      );
  }
}

export function serversUpdateAdapter(s: NovaSession, schemaTable: SchemaEntry[]): TargetAdapter<ServerCase> {
  const schemaAt = (mv: string) => schemaTable.find((e) => compareVersions(mv, e.min) >= 0 && compareVersions(mv, e.max) <= 0)?.schema;
  const traits: TargetTraits = {
    writeVolatile: ['/server/updated'],
    fieldPointer: (field) => `/server/${field}`,
    schemaFor(ex, v) {
      const status = ex.response.status;
      if (status < 200 || status >= 300) return FAULT_SCHEMA;
      const mv = echoedMicroversion(ex) ?? (v.variant && v.variant !== 'unsupported' ? v.variant : '2.1');
      return schemaAt(mv);
    },
    errorMessage(body) {
      const obj = body as Obj;
      if (!obj || typeof obj !== 'object') return undefined;
      const inner = Object.values(obj)[0] as Obj | undefined;
      return typeof inner?.message === 'string' ? inner.message : undefined;
    },
    upstreamErrorBody: isNovaErrorEnvelope,
  };

  // Each leased server's last GET (its view, microversion and variant). It counts only while the ledger proves it is
  // the last request the run sent about that server (engine/lifecycle/ledger.ts): then it spares the seed and setup
  // updates that would change nothing and, at the same microversion, the next case's GET before.
  const lastRead = new Map<string, { ex: Exchange; server: Obj; mv: string; by: string }>();
  const current = (id: string | undefined) => {
    const seen = id ? lastRead.get(id) : undefined;
    return seen && s.ledger.isLatest(id as string, seen.ex) ? seen : undefined;
  };
  // The token's project (Keystone's token body, OS_PROJECT_ID, or the endpoint's own suffix): the seed's URL form.
  const projectId = s.client.auth.projectId || endpointProjectId(s.client.endpoint);
  return {
    traits,
    skipReason: (v) => serverSkipReason(v, s.facts) ?? urlFormSkipReason(v.case.request.urlProject, projectId),
    async prepare(v): Promise<SubjectHandle> {
      const c = v.case;
      const req = c.request;
      const mv = v.variant ?? s.range.max;
      const readMv = mv === 'latest' ? s.range.max : mv;
      const setupExchanges: Exchange[] = [];
      const which = req.server ?? 'own';
      const pool = c.setup?.stop && s.shutoffPool ? s.shutoffPool : s.pool;
      // Preferably a server whose current view is at this microversion (its GET after is this case's GET before) and
      // already shows the setup's values (no setup update).
      const plainSetup = c.setup?.server && !JSON.stringify(c.setup.server).includes('${') ? c.setup.server : undefined;
      const preference = (id: string) => {
        const seen = current(id);
        return seen ? (seen.mv === readMv ? 2 : 0) + (plainSetup && showsAll(seen.server, plainSetup) ? 1 : 0) : 0;
      };
      const serverId = which === 'own' ? await pool.lease(preference) : undefined;
      const readClient: NovaClient | undefined = which === 'alt' ? s.alt : s.client;
      const readId = which === 'alt' ? s.altServerId : serverId;
      const vars: Record<string, string> = {
        microversion: mv === 'latest' ? s.range.max : mv,
        maxMicroversion: s.targetMax,
        aboveMaxMicroversion: nextMinor(s.targetMax),
        runId: s.runId,
      };
      // Undone in reverse order when the case is over (unlock, start), whatever its verdict.
      const undo: Undo[] = [];
      const release = async () => {
        const problems: string[] = [];
        for (const step of undo.reverse()) {
          const problem = await step();
          if (problem) problems.push(problem);
        }
        if (serverId) pool.giveBack(serverId);
        return problems;
      };
      const seedFirst = Boolean(c.setup?.lock || c.setup?.stop);
      // After the case's own setup update, so no update but the case's runs between the seed and the GET before;
      // before its lock or stop, which an update under test must meet as they are.
      const seedServer = async (id: string, shown: Obj | undefined, unshown: 'seed' | 'skip') => {
        const seed = seedFields(c, s.range.max, shown, unshown);
        // The setup's own values stand (the view may be from before the setup update).
        for (const field of Object.keys(c.setup?.server ?? {})) delete seed[field];
        if (Object.keys(seed).length === 0) return;
        const ex = await s.client.updateServer(id, seed, s.range.max);
        setupExchanges.push(ex);
        if (ex.response.status < 200 || ex.response.status > 299)
          throw new SetupError(`seeding ${id} with distinctive values answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`, setupExchanges);
      };
      try {
        if (serverId) {
          // Fields the server's last GET showed without their seed value get it now; the rest waits for the GET
          // before (see read). A case that locks or stops its server is seeded in full first: its update must meet
          // the lock or stop as they are, and so must nothing else.
          // The server as the ledger proves it is at the lease. The setup update changes only the fields it names
          // (anything else it changed shows in the GET before, which completes the seed again).
          const shown = current(serverId)?.server;
          await setUp(s, c, serverId, mv, vars, setupExchanges, undo, () => seedServer(serverId, shown, seedFirst ? 'seed' : 'skip'), shown);
        }
      } catch (err) {
        const leftovers = await release();
        if (err instanceof SetupError) err.leftovers.push(...leftovers);
        else if (leftovers.length) throw new SetupError(`${describeError(err)}; left behind: ${leftovers.join('; ')}`, setupExchanges);
        throw err;
      }
      // The first read is the GET before, which completes the seed of a case not seeded first.
      let pendingSeed = !seedFirst;
      const targetId = which === 'unknown' ? randomUUID() : (readId ?? '');
      vars.serverId = targetId;
      return {
        ownSubject: which !== 'unknown' && readClient !== undefined,
        vars,
        setupExchanges,
        read: async () => {
          const show = () => (readClient as NovaClient).showServer(readId ?? '', readMv);
          // The GET before may be the last read of this server, proven current, at this microversion.
          const held = pendingSeed ? current(serverId) : undefined;
          if (held && held.mv === readMv && Object.keys(seedFields(c, s.range.max, held.server, 'skip')).length === 0) {
            pendingSeed = false;
            return {
              ...held.ex,
              reused: `the GET of ${held.by}: no request about server ${serverId} was sent since (ledger), and it is leased to one case at a time`,
            };
          }
          if (held && serverId && compareVersions(held.mv, readMv) >= 0) {
            // The held view shows at least what this case can see (a higher microversion shows more of the seeded
            // fields): seed what it lacks, then read.
            await seedServer(serverId, held.server, 'skip');
            pendingSeed = false;
          }
          let ex = await show();
          let server = (ex.response.json as Obj | undefined)?.server as Obj | undefined;
          if (serverId && pendingSeed && ex.response.status === 200 && server) {
            // The GET before shows the fields this case can see: each of them without its seed value gets it, and
            // the server is read again (a field the case's microversion hides cannot show a side effect anyway).
            if (Object.keys(seedFields(c, s.range.max, server, 'skip')).length) {
              setupExchanges.push(ex);
              await seedServer(serverId, server, 'skip');
              ex = await show();
              server = (ex.response.json as Obj | undefined)?.server as Obj | undefined;
            }
          }
          pendingSeed = false;
          if (serverId && ex.response.status === 200 && server) lastRead.set(serverId, { ex, server, mv: readMv, by: v.id });
          return ex;
        },
        update: () => {
          const body = req.rawBody !== undefined ? req.rawBody : req.body === undefined ? undefined : JSON.stringify(resolvePlaceholders(req.body, vars));
          const token = req.auth === 'none' ? ('none' as const) : req.auth === 'bogus' ? { literal: `uc-bogus-${s.runId}-token` } : undefined;
          const sender = req.auth === 'reader' ? s.reader : s.client;
          if (!sender) throw new SetupError('no reader-only user configured');
          return sender.send({
            method: req.method ?? 'PUT',
            path: `/servers/${targetId}`,
            body,
            contentType: req.contentType,
            microversion: mv,
            rawVersionHeader: req.microversionHeader === undefined ? undefined : (resolvePlaceholders(req.microversionHeader, vars) as string),
            base: req.urlProject ? updateBase(req.urlProject, sender.endpoint, projectId) : undefined,
            legacyMicroversion: req.legacyMicroversionHeader,
            token,
          });
        },
        release,
      };
    },
  };
}
