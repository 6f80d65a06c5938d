/**
 * The embedded reference Nova over real HTTP: version documents, the Keystone stub and its catalog,
 * a rename, fault shapes (400/404/406/401/415), version echo, token expiry, switchable faults, and
 * hostile input that must never produce a 5xx or kill the server.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NOVA_FAULTS, type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the assertions walk untyped JSON bodies
type Obj = Record<string, any>;

describe('nova reference backend', () => {
  let ref: NovaReference;
  let origin: string;
  const call = async (method: string, url: string, opts: { body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? ref.users.memberA.token : opts.token;
    if (token) headers['x-auth-token'] = token;
    if (opts.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await request(url, { method: method as 'GET', headers, body: opts.body });
    const text = await res.body.text();
    let json: Obj | undefined;
    try {
      json = JSON.parse(text) as Obj;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  const put = (id: string, body: unknown, mv?: string, token?: string | null) =>
    call('PUT', `${ref.url}/servers/${id}`, { body: JSON.stringify(body), headers: mv ? { 'OpenStack-API-Version': `compute ${mv}` } : {}, token });

  beforeAll(async () => {
    ref = await startNovaReference({ tokenLifetimeSeconds: 1 });
    origin = new URL(ref.url).origin;
  });
  afterAll(async () => {
    await ref?.close();
  });

  test('binds loopback and serves version documents with min 2.1 and max 2.93', async () => {
    expect(new URL(ref.url).hostname).toBe('127.0.0.1');
    const root = await call('GET', `${origin}/`, { token: null });
    const v21 = root.json?.versions.find((v: Obj) => v.id === 'v2.1');
    expect(v21).toMatchObject({ min_version: '2.1', version: '2.93', status: 'CURRENT' });
    const doc = await call('GET', `${ref.url}/`, { token: null });
    expect(doc.status).toBe(200);
    expect(doc.json?.version).toMatchObject({ id: 'v2.1', min_version: '2.1', version: '2.93' });
  });

  test('keystone issues scoped tokens with a compute catalog, and they expire', async () => {
    const u = ref.users.memberA;
    const identity = await call('GET', ref.identityUrl, { token: null });
    expect(identity.json?.version?.id).toMatch(/^v3/);
    const body = {
      auth: {
        identity: { methods: ['password'], password: { user: { name: u.username, domain: { name: 'Default' }, password: u.password } } },
        scope: { project: { name: u.project, domain: { name: 'Default' } } },
      },
    };
    const res = await call('POST', `${ref.identityUrl}/auth/tokens`, { body: JSON.stringify(body), token: null });
    expect(res.status).toBe(201);
    const token = res.headers['x-subject-token'] as string;
    expect(token).toBeTruthy();
    expect(res.json?.token.project.id).toBe(u.projectId);
    expect(Date.parse(res.json?.token.expires_at)).toBeGreaterThan(Date.now());
    const compute = res.json?.token.catalog.find((s: Obj) => s.type === 'compute');
    expect(compute.endpoints.map((e: Obj) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
    expect(compute.endpoints.every((e: Obj) => e.url === ref.url && e.region_id === 'RegionOne')).toBe(true);
    const ok = await call('GET', `${ref.url}/servers/${ref.serverIds.a[0]}`, { token });
    expect(ok.status).toBe(200);
    // token method re-scopes; wrong password is refused
    const again = await call('POST', `${ref.identityUrl}/auth/tokens`, {
      body: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: u.projectId } } } }),
      token: null,
    });
    expect(again.status).toBe(201);
    body.auth.identity.password.user.password = 'wrong';
    expect((await call('POST', `${ref.identityUrl}/auth/tokens`, { body: JSON.stringify(body), token: null })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await call('GET', `${ref.url}/servers/${ref.serverIds.a[0]}`, { token });
    expect(expired.status).toBe(401);
  });

  test('renames a server: 200, full view, version echo, persisted, updated moves', async () => {
    const id = ref.serverIds.a[0] as string;
    const before = await call('GET', `${ref.url}/servers/${id}`);
    const res = await put(id, { server: { name: 'selftest-renamed' } }, '2.19');
    expect(res.status).toBe(200);
    expect(res.headers['openstack-api-version']).toBe('compute 2.19');
    expect(res.headers['x-openstack-nova-api-version']).toBe('2.19');
    expect(String(res.headers.vary)).toContain('OpenStack-API-Version');
    expect(res.json?.server).toMatchObject({ id, name: 'selftest-renamed', 'OS-DCF:diskConfig': 'MANUAL' });
    expect(res.json?.server).toHaveProperty('description');
    expect(res.json?.server.updated).not.toBe(before.json?.server.updated);
    const after = await call('GET', `${ref.url}/servers/${id}`);
    expect(after.json?.server.name).toBe('selftest-renamed');
    expect(after.json?.server.metadata).toEqual(before.json?.server.metadata);
  });

  test('response keys follow the microversion; admin-only keys only for admins', async () => {
    const id = ref.serverIds.a[1] as string;
    const at = async (mv: string, token?: string) => (await put(id, { server: {} }, mv, token)).json?.server as Obj;
    expect(await at('2.1')).not.toHaveProperty('locked');
    expect(await at('2.18')).not.toHaveProperty('description');
    const member = await at('2.93');
    expect(member).toHaveProperty('OS-EXT-SRV-ATTR:hostname');
    expect(member).not.toHaveProperty('OS-EXT-SRV-ATTR:host');
    expect(member).not.toHaveProperty('host_status');
    const admin = await at('2.93', ref.users.admin.token);
    expect(admin).toHaveProperty('OS-EXT-SRV-ATTR:host');
    expect(admin).toHaveProperty('host_status');
  });

  test('400 badRequest with jsonschema-like messages, nothing saved', async () => {
    const id = ref.serverIds.a[2] as string;
    const before = await call('GET', `${ref.url}/servers/${id}`);
    const res = await put(id, { server: { name: 'x', imageRef: 'i', flavorRef: '1', metadata: { a: 'b' } } });
    expect(res.status).toBe(400);
    expect(res.json?.badRequest.code).toBe(400);
    expect(res.json?.badRequest.message).toContain("Additional properties are not allowed ('flavorRef', 'imageRef', 'metadata' were unexpected)");
    expect((await put(id, { server: { name: '' } })).json?.badRequest.message).toBe("Invalid input for field/attribute name. Value: . '' is too short");
    expect((await put(id, { server: { accessIPv4: null } })).json?.badRequest.message).toBe(
      "Invalid input for field/attribute accessIPv4. Value: None. None is not of type 'string'",
    );
    expect((await put(id, { server: { description: 'x' } }, '2.18')).status).toBe(400);
    expect((await put(id, { server: { hostname: 'a' } }, '2.90')).json?.badRequest.message).toBe(
      "Invalid input for field/attribute hostname. Value: a. 'a' is too short",
    );
    const after = await call('GET', `${ref.url}/servers/${id}`);
    expect(after.json).toEqual(before.json);
  });

  test('404 for unknown ids and for another project (not 403)', async () => {
    const unknown = await put('00000000-0000-4000-8000-000000000000', { server: { name: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json?.itemNotFound.message).toBe('Instance 00000000-0000-4000-8000-000000000000 could not be found.');
    const other = await put(ref.serverIds.b[0] as string, { server: { name: 'x' } });
    expect(other.status).toBe(404);
    expect(other.json).toHaveProperty('itemNotFound');
    const altOwn = await put(ref.serverIds.b[0] as string, { server: { name: 'alt-rename' } }, undefined, ref.users.memberB.token);
    expect(altOwn.status).toBe(200);
  });

  test('microversion errors: 406 computeFault echoing the version, 400 without version headers', async () => {
    const id = ref.serverIds.a[3] as string;
    const high = await put(id, { server: { name: 'x' } }, '2.94');
    expect(high.status).toBe(406);
    expect(high.json?.computeFault).toEqual({ code: 406, message: 'Version 2.94 is not supported by the API. Minimum is 2.1 and maximum is 2.93.' });
    expect(high.headers['openstack-api-version']).toBe('compute 2.94');
    const bad = await call('PUT', `${ref.url}/servers/${id}`, { body: '{"server":{}}', headers: { 'OpenStack-API-Version': 'compute abc' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['openstack-api-version']).toBeUndefined();
    const latest = await call('PUT', `${ref.url}/servers/${id}`, { body: '{"server":{}}', headers: { 'OpenStack-API-Version': 'compute latest' } });
    expect(latest.headers['openstack-api-version']).toBe('compute 2.93');
    const none = await call('PUT', `${ref.url}/servers/${id}`, { body: '{"server":{}}' });
    expect(none.headers['openstack-api-version']).toBe('compute 2.1');
  });

  test('401 keystonemiddleware body, 415 for xml, plain 404 for PATCH', async () => {
    const id = ref.serverIds.a[3] as string;
    const noToken = await put(id, { server: { name: 'x' } }, undefined, null);
    expect(noToken.status).toBe(401);
    expect(noToken.json?.error).toMatchObject({ code: 401, title: 'Unauthorized' });
    expect((await put(id, { server: { name: 'x' } }, undefined, 'bogus')).status).toBe(401);
    const xml = await call('PUT', `${ref.url}/servers/${id}`, { body: '{"server":{}}', headers: { 'content-type': 'application/xml' } });
    expect(xml.json).toEqual({ badMediaType: { code: 415, message: 'Unsupported Content-Type' } });
    const patch = await call('PATCH', `${ref.url}/servers/${id}`, { body: '{"server":{}}' });
    expect(patch.status).toBe(404);
    expect(patch.headers['content-type']).toContain('text/plain');
  });

  test('hostile input never produces a 5xx and never kills the server', async () => {
    const id = ref.serverIds.a[4] as string;
    const deep = `${'['.repeat(50000)}${']'.repeat(50000)}`;
    const bodies: (string | Buffer)[] = [
      '{"server": ',
      '',
      '[]',
      'null',
      '"str"',
      '{"server": {"name": {"$gt": 1}}}',
      deep,
      `{"server": {"name": ${deep}}}`,
      Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      '{"server": {"name": "\\ud800"}}',
      JSON.stringify({ server: { name: 'x'.repeat(100000) } }),
    ];
    for (const body of bodies) {
      const res = await call('PUT', `${ref.url}/servers/${id}`, { body });
      expect(res.status, String(body).slice(0, 40)).toBeLessThan(500);
    }
    const huge = await call('PUT', `${ref.url}/servers/${id}`, { body: Buffer.alloc(2 * 1024 * 1024, 0x61) });
    expect(huge.status).toBe(413);
    expect(huge.json?.code).toBe('413 Request Entity Too Large');
    for (const [method, path] of [
      ['DELETE', '/v2.1/nonsense'],
      ['OPTIONS', '/v2.1/servers/x'],
      ['GET', '/v2.1/servers/%zz'],
      ['POST', '/identity/v3/auth/tokens'],
      ['GET', '/../../etc/passwd'],
    ] as const) {
      const res = await call(method, `${origin}${path}`, { body: method === 'POST' ? '{' : undefined });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => put(id, { server: { name: `concurrent-${i}` } })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const final = await call('GET', `${ref.url}/servers/${id}`);
    expect(final.json?.server.name).toMatch(/^concurrent-\d+$/);
  });

  test('creation mode: POST creates an ACTIVE server, list filters by name, DELETE answers 204', async () => {
    const created = await call('POST', `${ref.url}/servers`, {
      body: JSON.stringify({ server: { name: 'selftest-created', imageRef: '70a599e0-31e7-49b7-b260-868f441e862b', flavorRef: '1', networks: 'none' } }),
      headers: { 'OpenStack-API-Version': 'compute 2.37' },
    });
    expect(created.status).toBe(202);
    const id = created.json?.server.id as string;
    const shown = await call('GET', `${ref.url}/servers/${id}`);
    expect(shown.json?.server.status).toBe('ACTIVE');
    const list = await call('GET', `${ref.url}/servers?name=selftest-created`);
    expect(list.json?.servers.map((s: Obj) => s.id)).toEqual([id]);
    expect((await call('DELETE', `${ref.url}/servers/${id}`)).status).toBe(204);
    expect((await call('GET', `${ref.url}/servers/${id}`)).status).toBe(404);
  });

  test('switchable faults change behaviour and are documented', async () => {
    expect(NOVA_FAULTS.length).toBeGreaterThanOrEqual(6);
    const families = new Set(NOVA_FAULTS.map((f) => f.family));
    for (const f of ['status-code', 'error-body', 'response-schema', 'effect', 'immutability', 'headers']) expect(families).toContain(f);
    const id = ref.serverIds.a[5] as string;
    ref.setFaults(['other-project-403', 'accept-create-only-params']);
    try {
      expect((await put(ref.serverIds.b[1] as string, { server: { name: 'x' } })).status).toBe(403);
      expect((await put(id, { server: { metadata: { k: 'v' } } })).status).toBe(200);
    } finally {
      ref.setFaults([]);
    }
    expect((await put(id, { server: { metadata: { k: 'v' } } })).status).toBe(400);
  });
});
