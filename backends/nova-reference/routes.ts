/**
 * Compute API handlers of the reference backend (Nova Zed semantics). Each returns a `Reply`;
 * `server.ts` does the HTTP plumbing. The order of the checks follows Nova's paste pipeline and
 * `wsgi.Resource`: auth (keystonemiddleware) → router (unrouted → plain 404) → microversion
 * (400/406) → Content-Type (415) → body parse (400 Malformed request body) → URL project id (400)
 * → schema (400) → instance lookup (404) → update → 200 with the server view.
 */

import type { NovaFault } from './faults.ts';
import { keystoneUnauthorizedBody, novaFaultBody } from './faults.ts';
import type { Keystone, TokenInfo } from './keystone.ts';
import { atLeast, type Microversion, mvToString, negotiate, versionHeaders } from './microversion.ts';
import { FLAVORS, novaTime, type ServerRecord, type ServerStore } from './store.ts';
import { canonicalIPv6, editableKeys, isValidName, type SchemaQuirks, updateSchema, validate } from './validation.ts';
import { serverLinks, serverView, type ViewContext } from './views.ts';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `text` is set. */
  body?: unknown;
  text?: string;
}

export interface RequestInfo {
  method: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body bytes (already size-checked). */
  body: Buffer;
  origin: string;
}

export interface ComputeDeps {
  store: ServerStore;
  keystone: Keystone;
  faults: () => ReadonlySet<NovaFault>;
  maxMicroversion: Microversion;
  /**
   * false: a deployment whose compute service never acts (not an API defect, so not a fault): os-stop is accepted
   * and leaves the server ACTIVE in task state powering-off; os-start then answers 409, as Nova's
   * check_instance_state does for a server not stopped (openstack/nova nova/compute/api.py@26.2.2 start).
   */
  computeActs: boolean;
}

const SUPPORTED_CONTENT_TYPES = new Set(['application/json', 'application/vnd.openstack.compute+json']);

export const PLAIN_404: Reply = {
  status: 404,
  headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
  text: '404 Not Found\n\nThe resource could not be found.\n\n   ',
};

function header(h: RequestInfo['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Applies the error-body faults to a Nova fault reply. */
export function faultReply(status: number, message: string, faults: ReadonlySet<NovaFault>, extraHeaders: Record<string, string> = {}): Reply {
  if (faults.has('error-not-json')) {
    return { status, headers: { ...extraHeaders, 'Content-Type': 'text/plain; charset=UTF-8' }, text: `${status} ${message}` };
  }
  const body = faults.has('wrong-fault-key') ? { computeFault: { code: status, message } } : novaFaultBody(status, message);
  return { status, headers: { ...extraHeaders, 'Content-Type': 'application/json; charset=UTF-8' }, body };
}

export function unauthorizedReply(keystone: Keystone, identityUrl: string, faults: ReadonlySet<NovaFault>): Reply {
  void keystone;
  const headers = { 'WWW-Authenticate': `Keystone uri="${identityUrl}"` };
  if (faults.has('error-not-json')) return { status: 401, headers: { ...headers, 'Content-Type': 'text/plain; charset=UTF-8' }, text: '401 Unauthorized' };
  return { status: 401, headers: { ...headers, 'Content-Type': 'application/json' }, body: keystoneUnauthorizedBody() };
}

interface Route {
  urlProjectId?: string;
  /** servers | servers/detail | servers/{id} | servers/{id}/action */
  kind: 'collection' | 'detail' | 'member' | 'action';
  serverId?: string;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Matches `/v2.1[/{project_id}]/servers[/detail|/{id}]`; the project id is `[0-9a-f-]+` as in Nova's
 * ProjectMapper (upper case matches no route). Faults: `url-project-any-case`, `no-project-url`, `project-url-only`.
 */
export function matchRoute(path: string, faults: ReadonlySet<NovaFault> = new Set()): Route | undefined {
  const project = faults.has('url-project-any-case') ? '[0-9a-fA-F-]+' : '[0-9a-f-]+';
  const m = new RegExp(`^/v2\\.1(?:/(${project}))?/servers(?:/([^/]+)(/action)?)?/?$`).exec(path);
  if (!m) return undefined;
  const urlProjectId = m[1];
  if (urlProjectId !== undefined && faults.has('no-project-url')) return undefined;
  if (urlProjectId === undefined && faults.has('project-url-only')) return undefined;
  const tail = m[2] ? safeDecode(m[2]) : undefined;
  if (tail === undefined) return { urlProjectId, kind: 'collection' };
  if (m[3]) return { urlProjectId, kind: 'action', serverId: tail };
  if (tail === 'detail') return { urlProjectId, kind: 'detail' };
  return { urlProjectId, kind: 'member', serverId: tail };
}

function isAdmin(t: TokenInfo): boolean {
  return t.roles.includes('admin');
}

/**
 * `os_compute_api:servers:update`: from 2023.1 (max microversion 2.95) Nova enforces the new defaults (project
 * member or admin); Zed's default ORs in the deprecated admin_or_owner rule, so any role on the project passes.
 */
function mayUpdate(deps: ComputeDeps, t: TokenInfo, faults: ReadonlySet<NovaFault>): boolean {
  const newDefaults = atLeast(deps.maxMicroversion, '2.95') !== faults.has('policy-defaults-swapped');
  return !newDefaults || isAdmin(t) || t.roles.includes('member');
}

/** The server actions the cases' setup uses: lock/unlock (API only) and os-stop/os-start (here at once). */
function serverAction(
  deps: ComputeDeps,
  token: TokenInfo,
  id: string,
  body: unknown,
  fault: (s: number, m: string) => Reply,
  vh: Record<string, string>,
): Reply {
  const found = findServer(deps, token, id);
  if (found === undefined || found === 'other-project') return fault(404, `Instance ${id} could not be found.`);
  const name = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body)[0] : undefined;
  const arg = name ? (body as Record<string, unknown>)[name] : undefined;
  const next: ServerRecord = { ...found, updated: novaTime() };
  if (name === 'lock') {
    next.locked = true;
    const reason = arg && typeof arg === 'object' ? (arg as Record<string, unknown>).locked_reason : undefined;
    next.lockedReason = typeof reason === 'string' ? reason : null;
  } else if (name === 'unlock') {
    next.locked = false;
    next.lockedReason = null;
  } else if (!deps.computeActs && (name === 'os-stop' || name === 'os-start')) {
    if (found.taskState) return fault(409, `Cannot '${name.slice(3)}' instance ${id} while it is in task_state ${found.taskState}`);
    if (name === 'os-start' && found.vmState !== 'stopped') return fault(409, `Cannot 'start' instance ${id} while it is in vm_state ${found.vmState}`);
    if (name === 'os-stop') next.taskState = 'powering-off';
  } else if (name === 'os-stop' || name === 'os-start') {
    const stop = name === 'os-stop';
    Object.assign(next, { status: stop ? 'SHUTOFF' : 'ACTIVE', vmState: stop ? 'stopped' : 'active', powerState: stop ? 4 : 1 });
  } else return fault(400, `There is no such action: ${String(name)}`);
  deps.store.put(next);
  return { status: 202, headers: { ...vh } };
}

/** Instance lookup as `common.get_instance`: project-scoped for non-admins. */
function findServer(deps: ComputeDeps, t: TokenInfo, id: string): ServerRecord | 'other-project' | undefined {
  const rec = deps.store.get(id);
  if (!rec) return undefined;
  if (isAdmin(t) || rec.projectId === t.project?.id) return rec;
  return 'other-project';
}

type Body = { ok: true; value: unknown } | { ok: false; reply: Reply };

export function handleCompute(req: RequestInfo, route: Route, token: TokenInfo, deps: ComputeDeps): Reply {
  const faults = deps.faults();
  const method = req.method.toUpperCase();
  const allowed =
    route.kind === 'member'
      ? ['GET', 'PUT', 'DELETE']
      : route.kind === 'collection' || route.kind === 'action'
        ? [...(route.kind === 'collection' ? ['GET'] : []), 'POST']
        : ['GET'];
  if (!allowed.includes(method)) {
    if (route.kind === 'member' && faults.has('unrouted-405')) return faultReply(405, 'The method specified is not allowed for this resource.', faults);
    return PLAIN_404;
  }

  // Microversion.
  const neg = negotiate(req.headers, deps.maxMicroversion, {
    defaultToLatest: faults.has('default-to-latest'),
    rejectLatest: faults.has('reject-latest'),
    ignoreLegacy: faults.has('ignore-legacy-header'),
    swapErrors: faults.has('version-errors-swapped'),
    legacyWins: faults.has('legacy-header-wins'),
    acceptNext: faults.has('accept-next-microversion'),
    maxExclusive: faults.has('max-microversion-exclusive'),
  });
  const vhQuirks = { omit: faults.has('no-version-header'), noServiceName: faults.has('wrong-version-echo') };
  if (!neg.ok) {
    const vh = neg.status === 406 ? versionHeaders(neg.echo, vhQuirks) : {};
    return faultReply(neg.status, neg.message, faults, vh);
  }
  const mv = neg.version;
  const vh = versionHeaders(mv, vhQuirks);
  const fault = (status: number, message: string): Reply => faultReply(status, message, faults, vh);

  // Content-Type (Request.get_content_type): absent or text/plain → JSON; unsupported → 415.
  const rawCt = header(req.headers, 'content-type');
  if (rawCt !== undefined) {
    const ct = rawCt.split(';')[0]?.trim().toLowerCase() ?? '';
    if (ct && ct !== 'text/plain' && !SUPPORTED_CONTENT_TYPES.has(ct) && !faults.has('accept-any-content-type')) {
      return fault(415, 'Unsupported Content-Type');
    }
    if ((ct === '' || ct === 'text/plain') && faults.has('reject-missing-content-type') && (method === 'PUT' || method === 'POST')) {
      return fault(415, 'Unsupported Content-Type');
    }
  } else if (faults.has('reject-missing-content-type') && (method === 'PUT' || method === 'POST')) {
    return fault(415, 'Unsupported Content-Type');
  }

  // Body (PUT/POST only): empty → None; malformed → 400.
  let body: Body = { ok: true, value: undefined };
  if (method === 'PUT' || method === 'POST') body = parseBody(req.body, faults, fault);
  if (!body.ok) return body.reply;

  // URL project id must be the token's.
  const sameProject = (a: string, b: string | undefined) => (faults.has('url-project-any-case') ? a.toLowerCase() === b?.toLowerCase() : a === b);
  if (route.urlProjectId !== undefined && !faults.has('url-project-unchecked') && !sameProject(route.urlProjectId, token.project?.id)) {
    return fault(400, `Malformed request URL: URL's project_id '${route.urlProjectId}' doesn't match Context's project_id '${token.project?.id ?? 'None'}'`);
  }

  const view: ViewContext = { origin: req.origin, urlProjectId: route.urlProjectId, admin: isAdmin(token) };
  const json = (status: number, payload: unknown, extra: Record<string, string> = {}): Reply => ({
    status,
    headers: { ...vh, ...extra, 'Content-Type': 'application/json' },
    body: payload,
  });

  if (route.kind === 'action') return serverAction(deps, token, route.serverId ?? '', body.value, fault, vh);
  if (route.kind === 'member') {
    const id = route.serverId ?? '';
    if (method === 'PUT') return updateServer(deps, token, id, body.value, mv, view, faults, fault, json);
    const found = findServer(deps, token, id);
    if (found === undefined || found === 'other-project') return fault(404, `Instance ${id} could not be found.`);
    if (method === 'DELETE') {
      deps.store.delete(found.id);
      return { status: 204, headers: { ...vh } };
    }
    return json(200, { server: serverView(found, mv, view) });
  }
  if (route.kind === 'collection' && method === 'POST') return createServer(deps, token, body.value, mv, view, fault, json);
  // GET list / detail (project-scoped; name is a regex filter as in Nova).
  let list = deps.store.list(token.project?.id);
  const nameFilter = req.query.get('name');
  if (nameFilter !== null) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(nameFilter);
    } catch {
      re = undefined;
    }
    list = list.filter((s) => (re ? re.test(s.name) : s.name.includes(nameFilter)));
  }
  if (route.kind === 'detail') return json(200, { servers: list.map((s) => serverView(s, mv, view)) });
  return json(200, { servers: list.map((s) => ({ id: s.id, links: serverLinks(view, s.id), name: s.name })) });
}

function parseBody(raw: Buffer, faults: ReadonlySet<NovaFault>, fault: (s: number, m: string) => Reply): Body {
  if (raw.length === 0) {
    if (faults.has('malformed-json-500'))
      return {
        ok: false,
        reply: fault(500, 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.'),
      };
    return { ok: true, value: null };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, reply: fault(400, 'Malformed request body') };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    if (faults.has('malformed-json-500'))
      return {
        ok: false,
        reply: fault(500, 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.'),
      };
    return { ok: false, reply: fault(400, 'Malformed request body') };
  }
}

function schemaQuirks(faults: ReadonlySet<NovaFault>): SchemaQuirks {
  return {
    lenientName: faults.has('lenient-name'),
    strictNameLength: faults.has('strict-name-length'),
    asciiOnlyNames: faults.has('ascii-only-names'),
    lenientIp: faults.has('lenient-ip'),
    lenientDiskConfig: faults.has('lenient-disk-config'),
    lenientDescription: faults.has('lenient-description'),
    lenientHostname: faults.has('lenient-hostname'),
    noFqdnHostname: faults.has('no-fqdn-hostname'),
    ipv4LeadingZeros: faults.has('ipv4-leading-zeros'),
    lenientPinnedAzLength: faults.has('lenient-pinned-az-length'),
    ignoreMicroversion: faults.has('ignore-microversion'),
    acceptCreateOnly: faults.has('accept-create-only-params'),
  };
}

/** Fault ignore-non-string-fields: numbers and booleans in the typed string fields vanish before validation. */
function dropNonStrings(payload: unknown): unknown {
  const srv = (payload as { server?: unknown } | null)?.server;
  if (!srv || typeof srv !== 'object' || Array.isArray(srv)) return payload;
  const kept = Object.entries(srv).filter(
    ([k, v]) =>
      !(
        ['accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig', 'hostname', 'pinned_availability_zone'].includes(k) &&
        (typeof v === 'number' || typeof v === 'boolean')
      ),
  );
  return { ...(payload as object), server: Object.fromEntries(kept) };
}

/** Applies validated update fields to a copy of the record (ServersController.update + translate_attributes). */
function applyUpdate(rec: ServerRecord, fields: Record<string, unknown>, faults: ReadonlySet<NovaFault>): ServerRecord {
  const next: ServerRecord = { ...rec, metadata: { ...rec.metadata } };
  if (typeof fields.name === 'string' || typeof fields.name === 'number') next.name = String(fields.name).trim();
  if ('description' in fields) next.description = fields.description === null || fields.description === undefined ? null : String(fields.description);
  if (typeof fields.hostname === 'string') next.hostname = fields.hostname;
  if ('accessIPv4' in fields) next.accessIPv4 = typeof fields.accessIPv4 === 'string' ? fields.accessIPv4 : '';
  if ('accessIPv6' in fields) {
    const v = typeof fields.accessIPv6 === 'string' ? fields.accessIPv6 : '';
    next.accessIPv6 = faults.has('no-ip-normalization') ? v : canonicalIPv6(v);
  }
  const dc = fields['OS-DCF:diskConfig'] ?? (faults.has('lenient-disk-config') ? fields.diskConfig : undefined);
  if (typeof dc === 'string') next.autoDiskConfig = dc.toUpperCase() === 'AUTO';
  if (faults.has('accept-create-only-params')) {
    const md = fields.metadata;
    if (md && typeof md === 'object' && !Array.isArray(md)) {
      for (const [k, v] of Object.entries(md as Record<string, unknown>)) next.metadata[k] = String(v);
    }
    if (typeof fields.key_name === 'string') next.keyName = fields.key_name;
  }
  return next;
}

/** Whether an update changed the record: field by field, the nested ones (metadata, addresses) by their JSON. */
function changed(a: ServerRecord, b: ServerRecord): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = Object.keys(y);
  if (keys.length !== Object.keys(x).length) return true;
  return keys.some((k) => x[k] !== y[k] && (typeof x[k] !== 'object' || typeof y[k] !== 'object' || JSON.stringify(x[k]) !== JSON.stringify(y[k])));
}

function updateServer(
  deps: ComputeDeps,
  token: TokenInfo,
  id: string,
  body: unknown,
  mv: Microversion,
  view: ViewContext,
  faults: ReadonlySet<NovaFault>,
  fault: (s: number, m: string) => Reply,
  json: (status: number, payload: unknown) => Reply,
): Reply {
  const q = schemaQuirks(faults);
  let payload = body;
  if (faults.has('lenient-body-shape')) {
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    const srv = isObj(payload) ? (payload as Record<string, unknown>).server : undefined;
    payload = { server: isObj(srv) ? srv : {} };
  }
  if (faults.has('ignore-non-string-fields')) payload = dropNonStrings(payload);
  const err = validate(updateSchema(mv, q), payload);
  if (err) {
    if (faults.has('partial-apply')) partialApply(deps, token, id, payload, mv, q, faults);
    return fault(400, err.message);
  }
  const found = findServer(deps, token, id);
  if (found === undefined) return fault(404, `Instance ${id} could not be found.`);
  if (found === 'other-project') {
    if (faults.has('other-project-403')) return fault(403, "Policy doesn't allow os_compute_api:servers:update to be performed.");
    return fault(404, `Instance ${id} could not be found.`);
  }
  if (!mayUpdate(deps, token, faults)) return fault(403, "Policy doesn't allow os_compute_api:servers:update to be performed.");
  if (faults.has('update-checks-lock') && found.locked) return fault(409, `Instance ${id} is locked`);
  if (faults.has('update-checks-state') && found.status === 'SHUTOFF') return fault(409, `Cannot 'update' instance ${id} while it is in vm_state stopped`);
  const fields = (payload as { server: Record<string, unknown> }).server;
  let next = applyUpdate(found, fields, faults);
  if (atLeast(mv, '2.104') && 'pinned_availability_zone' in fields) {
    const wanted = fields.pinned_availability_zone as string | null;
    const pinned = found.pinnedAvailabilityZone;
    if (wanted !== null && !faults.has('pin-any-zone')) {
      if (pinned !== null && wanted !== pinned)
        return fault(409, 'Cannot change pinned availability zone directly. Unpin first by setting pinned_availability_zone to null.');
      if (pinned === null && wanted !== found.availabilityZone)
        return fault(409, `Server can only be pinned to its current availability zone '${found.availabilityZone}', but '${wanted}' was requested.`);
    }
    next.pinnedAvailabilityZone = wanted;
  }
  if (faults.has('touch-other-field')) next.metadata['uc-touched'] = String(Date.now());
  if (faults.has('reset-access-ipv4') && !('accessIPv4' in fields)) next = { ...next, accessIPv4: '' };
  if (changed(found, next)) next = { ...next, updated: novaTime() };
  if (!faults.has('drop-allowed-change')) deps.store.put(next);
  const shown = faults.has('response-before-write') ? found : next;
  const server = serverView(shown, mv, view);
  if (faults.has('extra-response-key')) {
    server.pinned_availability_zone = null;
    if (!atLeast(mv, '2.19')) server.description = shown.description;
  }
  if (faults.has('missing-response-key')) {
    delete server.links;
    if (atLeast(mv, '2.19')) delete server.description;
  }
  if (faults.has('update-204-no-body')) return { status: 204, headers: {} };
  return json(200, { server });
}

/** Fault partial-apply: saves whichever editable fields pass validation on their own. */
function partialApply(deps: ComputeDeps, token: TokenInfo, id: string, body: unknown, mv: Microversion, q: SchemaQuirks, faults: ReadonlySet<NovaFault>): void {
  const found = findServer(deps, token, id);
  if (!found || found === 'other-project') return;
  const srv = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).server : undefined;
  if (!srv || typeof srv !== 'object' || Array.isArray(srv)) return;
  const good: Record<string, unknown> = {};
  for (const key of editableKeys(mv, q)) {
    if (!Object.hasOwn(srv, key)) continue;
    const one = { server: { [key]: (srv as Record<string, unknown>)[key] } };
    if (!validate(updateSchema(mv, q), one)) good[key] = one.server[key];
  }
  const next = applyUpdate(found, good, faults);
  if (changed(found, next)) deps.store.put({ ...next, updated: novaTime() });
}

function createServer(
  deps: ComputeDeps,
  token: TokenInfo,
  body: unknown,
  mv: Microversion,
  view: ViewContext,
  fault: (s: number, m: string) => Reply,
  json: (status: number, payload: unknown, extra?: Record<string, string>) => Reply,
): Reply {
  const srv = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).server : undefined;
  if (!srv || typeof srv !== 'object' || Array.isArray(srv)) {
    return fault(
      400,
      body && typeof body === 'object' && !Array.isArray(body) ? "'server' is a required property" : `${JSON.stringify(body)} is not of type 'object'`,
    );
  }
  const s = srv as Record<string, unknown>;
  if (typeof s.name !== 'string' || !isValidName(s.name) || s.name.length > 255) {
    return fault(400, "Invalid input for field/attribute name. 'name' is a required printable string of 1-255 characters");
  }
  if (typeof s.flavorRef !== 'string' && typeof s.flavorRef !== 'number') return fault(400, "'flavorRef' is a required property");
  if (typeof s.imageRef !== 'string' || s.imageRef === '') return fault(400, 'Missing imageRef attribute');
  const flavorRef = String(s.flavorRef).replace(/^.*\//, '');
  if (!FLAVORS.some((f) => f.id === flavorRef)) return fault(400, `Flavor ${flavorRef} could not be found.`);
  // Editable fields sent at creation go through the update rules.
  const editable: Record<string, unknown> = {};
  for (const k of ['accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig', 'description', 'hostname']) if (k in s) editable[k] = s[k];
  const err = validate(updateSchema(mv), { server: editable });
  if (err) return fault(400, err.message);
  const md = s.metadata && typeof s.metadata === 'object' && !Array.isArray(s.metadata) ? (s.metadata as Record<string, unknown>) : {};
  const rec = deps.store.create({
    projectId: token.project?.id ?? '',
    userId: token.user.id,
    name: s.name,
    imageRef: s.imageRef,
    flavorRef,
    accessIPv4: typeof editable.accessIPv4 === 'string' ? editable.accessIPv4 : undefined,
    accessIPv6: typeof editable.accessIPv6 === 'string' ? canonicalIPv6(editable.accessIPv6) : undefined,
    autoDiskConfig: editable['OS-DCF:diskConfig'] === 'AUTO',
    description: typeof editable.description === 'string' ? editable.description : null,
    hostname: typeof editable.hostname === 'string' ? editable.hostname : undefined,
    metadata: Object.fromEntries(Object.entries(md).map(([k, v]) => [k, String(v)])),
    keyName: typeof s.key_name === 'string' ? s.key_name : null,
  });
  const links = serverLinks(view, rec.id);
  return json(
    202,
    {
      server: {
        id: rec.id,
        links,
        'OS-DCF:diskConfig': rec.autoDiskConfig ? 'AUTO' : 'MANUAL',
        security_groups: [{ name: 'default' }],
        adminPass: 'uc-admin-pass',
      },
    },
    { Location: links[0]?.href ?? '' },
  );
}

export { mvToString };
