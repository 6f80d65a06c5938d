/**
 * Compute before any update: reachable, a compute v2.1 endpoint, credentials accepted; discovery of the
 * microversion range and the second project's server; and `doctor`'s checks of servers and permissions.
 */
import type { RunConfig } from '../../config/run.ts';
import { AuthError, ConfigError, describeError, SetupError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { errorMessageOf, notTheApi, unreachable } from '../../http/unreachable.ts';
import type { Obj } from '../../json.ts';
import { compareVersions } from '../../versions.ts';
import type { Checklist } from '../target.ts';
import type { NovaClient } from './client.ts';
import type { NovaTargetConfig } from './config.ts';
import { novaClient, novaHttp, withNovaClient } from './connect.ts';
import { BOUNDARIES, type MicroversionRange } from './microversions.ts';
import { SEEDS, serverState } from './servers-update.ts';

export interface NovaFacts {
  /** The microversions the run uses: the target's range, capped by OS_COMPUTE_API_VERSION. */
  range: MicroversionRange;
  /** The target's own max before the cap. */
  targetMax: string;
  /** Second-project credentials are configured. */
  altConfigured: boolean;
  /** A server of the second project, for the cross-project cases. */
  altServerId?: string;
  /** A reader-only user of the main project is configured (OS_READER_*). */
  readerConfigured: boolean;
  /**
   * How the target authenticates: `keystone` (keystonemiddleware: 401 without a valid token), `noauth` (Nova's
   * noauth2 pipeline: any "user:project" token is taken as is, and a request without one gets 204 and a token).
   */
  authMode: AuthMode;
}

export type AuthMode = 'keystone' | 'noauth' | 'unknown';

/**
 * A request without any token tells the pipelines apart: keystonemiddleware answers 401, Nova's noauth2
 * (nova/api/openstack/auth.py NoAuthMiddlewareBase) answers 204 with an `X-Auth-Token: user:project` header.
 */
export async function authModeOf(client: NovaClient): Promise<AuthMode> {
  const ex = await client.send({ method: 'GET', path: '/servers', token: 'none' });
  if (ex.response.status === 401) return 'keystone';
  if (ex.response.status === 204 && ex.response.headers['x-auth-token']) return 'noauth';
  return 'unknown';
}

const AUTH_MODE_WORDS: Record<AuthMode, string> = {
  keystone: 'Keystone (a request without a token answers 401)',
  noauth: "Nova's noauth2 (a request without a token answers 204 with a token): the token cases are skipped",
  unknown: 'neither Keystone nor noauth2 answered a request without a token as expected',
};

/** Before any update: reachable and authenticated (`reachNova`), and every server the settings name is there. */
export async function preflightNova(nova: NovaTargetConfig, run: RunConfig): Promise<string> {
  const line = await reachNova(nova, run);
  await withNovaClient(nova, run.timeoutMs, async (client, http) => {
    // A version document is easy to serve: the servers collection must answer as Nova's before any variant runs.
    const list = await client.send({ method: 'GET', path: '/servers', microversion: '2.1' });
    const servers = (list.response.json as Obj | undefined)?.servers;
    if (list.response.status === 403) {
      throw new ConfigError(
        'OS_USERNAME',
        `may not list the project's servers (403 ${errorMessageOf(list.response.json)})`.trim(),
        'use a member of the project',
      );
    }
    if (list.response.status !== 200 || !Array.isArray(servers)) {
      const variable = nova.endpointOverride ? 'OS_COMPUTE_ENDPOINT_OVERRIDE' : 'OS_AUTH_URL';
      const got = list.response.jsonError ? undefined : 'JSON without a "servers" list';
      throw notTheApi(variable, client.endpoint, list, 'a compute v2.1 API', 'GET /servers', got);
    }
    const missing = await missingServers(client, nova.serverIds);
    if (missing.length) {
      throw new ConfigError('NOVA_SERVER_IDS', `not found in the configured project: ${missing.join(', ')}`, 'give ids of servers of that project');
    }
    if (nova.alt && nova.altServerIds.length) {
      const alt = await novaClient(nova, http, 'OS_ALT');
      const altMissing = await missingServers(alt, nova.altServerIds);
      if (altMissing.length) {
        throw new ConfigError('NOVA_ALT_SERVER_IDS', `not found in the second project: ${altMissing.join(', ')}`, 'give ids of servers of the second project');
      }
    }
  });
  return line;
}

/** The ids (with the status they answered) that the client cannot read; read 8 at a time, listed in order. */
async function missingServers(client: NovaClient, ids: string[]): Promise<string[]> {
  const statuses: number[] = [];
  for (let i = 0; i < ids.length; i += 8) {
    const batch = ids.slice(i, i + 8).map(async (id) => (await client.showServer(id, '2.1')).response.status);
    statuses.push(...(await Promise.all(batch)));
  }
  return ids.flatMap((id, i) => (statuses[i] === 200 ? [] : [`${id} (${statuses[i]})`]));
}

/** Reachable, a compute v2.1 endpoint, credentials accepted; one line for the console. */
async function reachNova(nova: NovaTargetConfig, run: RunConfig): Promise<string> {
  const http = novaHttp(nova, run.timeoutMs);
  const computeVariable = nova.endpointOverride ? 'OS_COMPUTE_ENDPOINT_OVERRIDE' : 'OS_AUTH_URL';
  try {
    let client: NovaClient;
    try {
      client = await novaClient(nova, http);
    } catch (err) {
      if (err instanceof AuthError) throw err.toConfigError();
      if (err instanceof SetupError)
        throw new ConfigError(
          'OS_REGION_NAME',
          `the catalog has no ${nova.interface} compute endpoint${nova.regionName ? ` in region ${nova.regionName}` : ''}`,
          'set OS_REGION_NAME/OS_INTERFACE or OS_COMPUTE_ENDPOINT_OVERRIDE',
        );
      throw unreachable('OS_AUTH_URL', 'OS_CACERT', nova.credentials.authUrl ?? '', err);
    }
    let range: MicroversionRange;
    try {
      range = await client.versionRange();
    } catch (err) {
      if (err instanceof AuthError) throw err.toConfigError();
      if (err instanceof SetupError) throw new ConfigError(computeVariable, err.message, 'point it at a compute v2.1 endpoint');
      throw unreachable(computeVariable, 'OS_CACERT', client.endpoint, err);
    }
    return `compute ${range.min}–${range.max} at ${client.endpoint}`;
  } finally {
    await http.close();
  }
}

/** The range the run will use (the target's, capped by OS_COMPUTE_API_VERSION). */
async function rangeOf(client: NovaClient, cfg: NovaTargetConfig): Promise<{ range: MicroversionRange; targetMax: string }> {
  const discovered = await client.versionRange();
  const cap = cfg.apiVersionCap;
  const max = cap && compareVersions(cap, discovered.max) < 0 ? cap : discovered.max;
  return { range: { min: discovered.min, max }, targetMax: discovered.max };
}

/** The first server the second project can see (unless NOVA_ALT_SERVER_IDS names one). */
async function altServerOf(cfg: NovaTargetConfig, http: HttpClient): Promise<string | undefined> {
  if (cfg.altServerIds[0] || !cfg.alt) return cfg.altServerIds[0];
  const alt = await novaClient(cfg, http, 'OS_ALT');
  const ex = await alt.send({ method: 'GET', path: '/servers', microversion: '2.1' });
  const servers = ((ex.response.json as Obj)?.servers ?? []) as Obj[];
  return typeof servers[0]?.id === 'string' ? servers[0].id : undefined;
}

export function discoverNova(cfg: NovaTargetConfig, run: RunConfig): Promise<NovaFacts> {
  return withNovaClient(cfg, run.timeoutMs, async (client, http) => {
    // Independent reads: asked at the same time.
    const [range, altServerId, authMode] = await Promise.all([rangeOf(client, cfg), altServerOf(cfg, http), authModeOf(client)]);
    return { ...range, altConfigured: Boolean(cfg.alt), altServerId, readerConfigured: Boolean(cfg.reader), authMode };
  });
}

export async function doctorNova(nova: NovaTargetConfig, run: RunConfig, list: Checklist): Promise<NovaFacts | undefined> {
  try {
    list.ok('nova reachable and authenticated', `${await reachNova(nova, run)} (${nova.origin}, auth ${nova.credentials.authType})`);
  } catch (err) {
    list.fail('nova reachable and authenticated', describeError(err));
    for (const c of ['nova microversions', 'nova servers', 'nova permissions'])
      list.blocked(c, 'the compute endpoint was not reachable with these credentials');
    return undefined;
  }
  const http = novaHttp(nova, run.timeoutMs);
  let facts: NovaFacts | undefined;
  try {
    const client = await novaClient(nova, http);
    const { range, targetMax } = await rangeOf(client, nova);
    facts = {
      range,
      targetMax,
      altConfigured: Boolean(nova.alt),
      altServerId: nova.altServerIds[0],
      readerConfigured: Boolean(nova.reader),
      authMode: await authModeOf(client),
    };
    list.note(`– nova authentication: ${AUTH_MODE_WORDS[facts.authMode]}`);
    const cap = nova.apiVersionCap;
    if (cap && compareVersions(cap, range.min) < 0) {
      list.fail('nova microversions', `OS_COMPUTE_API_VERSION=${cap} is below the target's minimum ${range.min} — raise it or unset it`);
    } else {
      const points = [...new Set([...BOUNDARIES.filter((b) => compareVersions(b, range.min) >= 0 && compareVersions(b, range.max) <= 0), range.max])];
      list.ok(
        'nova microversions',
        `target ${range.min}–${targetMax}${range.max !== targetMax ? `, capped at ${range.max} by OS_COMPUTE_API_VERSION` : ''}; cases run at ${points.join(', ')} (within each case's range)`,
      );
    }
    await checkServers(nova, client, list);
    facts.altServerId = await checkAltProject(nova, http, list);
  } catch (err) {
    list.fail('nova', describeError(err));
  } finally {
    await http.close();
  }
  return facts;
}

async function checkServers(nova: NovaTargetConfig, client: NovaClient, list: Checklist): Promise<void> {
  if (nova.create) {
    const flavor = await client.send({ method: 'GET', path: `/flavors/${encodeURIComponent(nova.create.flavorRef)}`, microversion: '2.1' });
    const image = await client.send({ method: 'GET', path: `/images/${encodeURIComponent(nova.create.imageRef)}`, microversion: '2.1' });
    const problems: string[] = [];
    if (flavor.response.status !== 200) problems.push(`flavor ${nova.create.flavorRef} answered ${flavor.response.status} (NOVA_FLAVOR_REF)`);
    if (image.response.status !== 200) problems.push(`image ${nova.create.imageRef} answered ${image.response.status} (NOVA_IMAGE_REF)`);
    if (problems.length) list.fail('nova servers', `${problems.join('; ')} — give an existing flavor and image`);
    else
      list.ok(
        'nova servers',
        `the run will create its servers from flavor ${nova.create.flavorRef} and image ${nova.create.imageRef} (creation itself is not tried)`,
      );
    list.blocked('nova permissions', 'no existing server to update in creation mode');
    return;
  }
  const missing = await missingServers(client, nova.serverIds);
  if (missing.length) {
    list.fail('nova servers', `not found in the configured project: ${missing.join(', ')} — fix NOVA_SERVER_IDS`);
    list.blocked('nova permissions', 'a server of NOVA_SERVER_IDS is missing');
    return;
  }
  const kept = SEEDS.filter((f) => f.field.startsWith('accessIP')).map((f) => `${f.field}=${f.value}`);
  list.ok(
    'nova servers',
    `${nova.serverIds.length} server(s) of NOVA_SERVER_IDS found (their editable fields are restored after a run, except that Nova cannot clear an access IP: a server that had none keeps ${kept.join(' and ')})`,
  );
  await warnShutoff(nova, client, list);
  const first = nova.serverIds[0] ?? '';
  const put = await client.updateServer(first, {}, '2.1');
  if (put.response.status === 200) list.ok('nova permissions', `may update servers (a no-op PUT {"server":{}} on ${first} at 2.1 answered 200)`);
  else {
    const why = errorMessageOf(put.response.json);
    list.fail(
      'nova permissions',
      `a no-op PUT {"server":{}} on ${first} at 2.1 answered ${put.response.status}${why ? ` ${why}` : ''} — the credentials need os_compute_api:servers:update`,
    );
  }
}

/**
 * The SHUTOFF case needs a stopped server: without NOVA_SHUTOFF_SERVER_ID it stops one leased server and starts it
 * again, which only a working compute service can do; a named one must already be SHUTOFF.
 */
async function warnShutoff(nova: NovaTargetConfig, client: NovaClient, list: Checklist): Promise<void> {
  const id = nova.shutoffServerId;
  if (!id) {
    list.note(
      `– WARNING: the SHUTOFF case stops one leased server of NOVA_SERVER_IDS (os-stop) and starts it again; where the compute service cannot act the stop never completes, and after NOVA_ACTION_WAIT_SECONDS (${nova.actionWaitMs / 1000} s) the run reports that server with its state as a leftover it could not restore — set NOVA_SHUTOFF_SERVER_ID to a server that is already SHUTOFF`,
    );
    return;
  }
  const server = (await client.showServer(id, '2.1')).response.json as { server?: Obj } | undefined;
  if (server?.server?.status !== 'SHUTOFF')
    list.note(
      `– WARNING: NOVA_SHUTOFF_SERVER_ID ${id} is not SHUTOFF (${serverState(server?.server)}): the SHUTOFF case would meet it as it is — stop it first`,
    );
}

/** Checks the second project; returns its server for the cross-project cases, if there is one. */
async function checkAltProject(nova: NovaTargetConfig, http: HttpClient, list: Checklist): Promise<string | undefined> {
  if (!nova.alt) {
    list.note(
      '– nova second project: no second project configured (OS_ALT_USERNAME/OS_ALT_PASSWORD/OS_ALT_PROJECT_NAME, OS_ALT_TOKEN or OS_ALT_CLOUD): the cross-project cases will be skipped',
    );
    return nova.altServerIds[0];
  }
  try {
    const serverId = await altServerOf(nova, http);
    if (!serverId) {
      list.fail('nova second project', 'the second project has no server (set NOVA_ALT_SERVER_IDS): the cross-project cases would be skipped');
      return undefined;
    }
    const alt = await novaClient(nova, http, 'OS_ALT');
    const ex = await alt.showServer(serverId, '2.1');
    if (ex.response.status !== 200) {
      list.fail('nova second project', `its server ${serverId} answered ${ex.response.status} — fix NOVA_ALT_SERVER_IDS`);
      return serverId;
    }
    list.ok('nova second project', `authenticated; server ${serverId} for the cross-project cases`);
    return serverId;
  } catch (err) {
    list.fail('nova second project', describeError(err));
    return undefined;
  }
}
