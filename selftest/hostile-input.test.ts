/**
 * Hostile input to the reference backends, over HTTP, property-based (fast-check, fixed seed, bounded runs):
 * malformed JSON, wrong types anywhere in otherwise valid bodies, deep nesting, huge bodies, unknown routes and
 * methods, concurrent conflicting updates. Invariants: the server keeps answering; never a 5xx (upstream
 * answers these with 4xx); a rejected update changes nothing; an accepted one leaves a resource that validates
 * against the response schemas (fixtures/*\/schemas); error bodies have the upstream error shape.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { SchemaRegistry } from '../engine/schemas.ts';
import { addK8sSchemas, POD_SCHEMA, STATUS_SCHEMA } from '../engine/targets/k8s/pods-patch.ts';
import { addNovaSchemas, FAULT_SCHEMA } from '../engine/targets/nova/servers-update.ts';
import { compareVersions } from '../engine/versions.ts';

/** Fixed, so `npm test` is reproducible; FUZZ_SEED / FUZZ_RUNS explore further by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const opts = (numRuns = RUNS) => ({ seed: SEED, numRuns: Math.max(1, Math.round((numRuns * RUNS) / 300)), endOnFailure: true });

type Obj = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json?: unknown;
}

/** Any method, any path, any bytes (fetch refuses some methods and paths): one request, bounded by a timeout. */
function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s (server hung?)`)));
    req.on('error', reject);
    req.end(body);
  });
}

// ── arbitraries shared by both backends ─────────────────────────────────────────────────────────────────

/** Any JSON value, small. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });

/** Every path (as keys) inside a JSON value, the root included. */
function pathsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) out.push(...pathsOf(x, [...prefix, i]));
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}

function setAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(v) as Obj;
  let cur = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
  return copy;
}

/** A valid body with one value (anywhere, the root included) replaced by an arbitrary JSON value. */
const mutated = (valid: unknown) => {
  const paths = pathsOf(valid);
  return fc.tuple(fc.integer({ min: 0, max: paths.length - 1 }), jsonValue).map(([i, value]) => JSON.stringify(setAt(valid, paths[i] ?? [], value)));
};

/** Not JSON: a valid body cut short or with bytes spliced in, random text, random bytes. */
const malformed = (valid: string) =>
  fc.oneof(
    fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
    fc
      .tuple(fc.integer({ min: 0, max: valid.length }), fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', 'NaN', 'undefined', "'"))
      .map(([n, junk]) => `${valid.slice(0, n)}${junk}${valid.slice(n)}`)
      .filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
    fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
  );

/** How deep and with what (arrays or objects) to nest a value; the text is built in the property, so a counterexample prints short. */
const deep = fc.record({ depth: fc.integer({ min: 1, max: 12_000 }), arrays: fc.boolean() });
const nested = ({ depth, arrays }: { depth: number; arrays: boolean }) =>
  arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'];
const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'v1',
    'v2.1',
    'namespaces',
    'default',
    'pods',
    'servers',
    'detail',
    'identity',
    'v3',
    'auth',
    'tokens',
    '..',
    '.',
    '%2e%2e',
    '%zz',
    '%00',
    '',
    '~',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~%:@!$&()*+,;='.split('')), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }).map(encodeURIComponent),
);
const route = fc.tuple(
  fc.constantFrom(...METHODS),
  fc.array(segment, { maxLength: 7 }),
  fc.option(fc.constantFrom('?pretty=true', '?dryRun=All', '?a=%zz', '?', `?fieldManager=${'x'.repeat(200)}`), { nil: '' }),
);

/**
 * The 500s kube-apiserver itself answers (plain Go errors, no Status reason), which the reference reproduces on
 * purpose (cases k8s.pods.patch.apply-unknown-field, resource-version-not-numeric; mergepatch.ErrNoMergeKey).
 */
const UPSTREAM_500 = [/^failed to create typed patch object \(\/v1, Kind=Pod\): /, /^strconv\.ParseUint: parsing /, /does not contain declared merge key: /];

function noFiveHundred(a: Answer, what: string, upstream500: RegExp[] = []): void {
  expect(a.status, what).toBeGreaterThanOrEqual(200);
  if (a.status < 500) return;
  const status = a.json as Obj | undefined;
  const faithful = a.status === 500 && status?.kind === 'Status' && status.reason === undefined && upstream500.some((re) => re.test(String(status.message)));
  expect(faithful, `${what} → ${a.status} ${a.text.slice(0, 300)}`).toBe(true);
}

// ── Kubernetes ──────────────────────────────────────────────────────────────────────────────────────────

describe('k8s reference backend under hostile input', () => {
  const TOKEN = 'hostile-k8s-token-0123456789';
  const NS = 'default';
  const POD = 'fuzz';
  const schemas = new SchemaRegistry();
  addK8sSchemas(schemas);
  let k8s: K8sReference;
  const auth = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };
  const podPath = `/api/v1/namespaces/${NS}/pods/${POD}`;
  const CT = {
    json: 'application/json-patch+json',
    merge: 'application/merge-patch+json',
    strategic: 'application/strategic-merge-patch+json',
    apply: 'application/apply-patch+yaml',
  };
  const get = () => call(k8s.url, 'GET', podPath, auth);
  const patch = (ct: string, body: string | Buffer, query = '') => call(k8s.url, 'PATCH', `${podPath}${query}`, { ...auth, 'content-type': ct }, body);

  /** The stored pod, which must always read back and validate against the Pod schema. */
  async function podNow(): Promise<Obj> {
    const a = await get();
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(schemas.validate(POD_SCHEMA, a.json), 'stored pod vs Pod schema').toEqual([]);
    return a.json as Obj;
  }

  /** One update: never a 5xx; an error is a Status and changes nothing; a success leaves a valid pod. */
  async function update(ct: string, body: string | Buffer, query = ''): Promise<Answer> {
    const before = await podNow();
    const a = await patch(ct, body, query);
    const what = `PATCH ${ct}${query} ${String(body).slice(0, 120)}`;
    noFiveHundred(a, what, UPSTREAM_500);
    if (a.status >= 400) {
      expect(schemas.validate(STATUS_SCHEMA, a.json), `${what}: error body vs Status schema: ${a.text.slice(0, 200)}`).toEqual([]);
      expect((a.json as Obj).code, what).toBe(a.status);
      expect(await podNow(), `${what}: a rejected update changed the pod`).toEqual(before);
    } else {
      expect(schemas.validate(POD_SCHEMA, a.json), `${what}: response vs Pod schema`).toEqual([]);
      await podNow();
    }
    return a;
  }

  beforeAll(async () => {
    k8s = await startK8sReference({ token: TOKEN });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, labels: { app: 'fuzz' } },
      spec: { containers: [{ name: 'c', image: 'nginx:1' }], activeDeadlineSeconds: 100_000 },
    };
    const a = await call(k8s.url, 'POST', `/api/v1/namespaces/${NS}/pods`, { ...auth, 'content-type': 'application/json' }, JSON.stringify(pod));
    expect(a.status, a.text).toBe(201);
  });
  afterAll(async () => {
    await k8s?.close();
  });

  const VALID_MERGE = {
    metadata: { labels: { a: 'b' }, annotations: { 'x.io/y': 'z' } },
    spec: {
      activeDeadlineSeconds: 50_000,
      containers: [{ name: 'c', image: 'nginx:2' }],
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }],
    },
  };
  const VALID_JSON_PATCH = [
    { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:3' },
    { op: 'add', path: '/metadata/labels/b', value: 'c' },
    { op: 'test', path: '/metadata/name', value: POD },
  ];

  test('malformed bodies: 4xx with a Status, nothing changed', async () => {
    const valid = JSON.stringify(VALID_MERGE);
    await fc.assert(
      fc.asyncProperty(malformed(valid), fc.constantFrom(CT.merge, CT.strategic, CT.json, CT.apply), async (body, ct) => {
        const a = await update(ct, body, ct === CT.apply ? '?fieldManager=fuzz' : '');
        if (ct !== CT.apply) expect(a.status, String(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      }),
      opts(),
    );
  });

  test('wrong types anywhere in valid merge / strategic / JSON patches', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated(VALID_MERGE).map((b) => [CT.merge, b] as const),
          mutated(VALID_MERGE).map((b) => [CT.strategic, b] as const),
          mutated(VALID_JSON_PATCH).map((b) => [CT.json, b] as const),
          mutated(VALID_MERGE).map((b) => [CT.apply, b] as const),
        ),
        async ([ct, body]) => {
          seen.add(Math.floor((await update(ct, body, ct === CT.apply ? '?fieldManager=fuzz&force=true' : '')).status / 100));
        },
      ),
      opts(),
    );
    expect([...seen].sort(), 'the fuzz reached both accepted and rejected updates').toEqual(expect.arrayContaining([2, 4]));
  });

  test('odd content types and query options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '',
          'text/plain',
          'application/xml',
          'application/json',
          'application/merge-patch+json; charset=latin1',
          'multipart/form-data; boundary=x',
          '*/*',
          'application/json-patch+json;;;',
        ),
        fc.constantFrom(
          '',
          '?dryRun=All',
          '?dryRun=Bogus',
          '?fieldValidation=Strict',
          '?fieldValidation=Nope',
          '?force=true',
          `?fieldManager=${'m'.repeat(200)}`,
          '?resourceVersion=abc',
        ),
        async (ct, query) => {
          await update(ct, JSON.stringify(VALID_MERGE), query);
        },
      ),
      opts(100),
    );
  });

  test('deep nesting: never a crash or a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(deep, fc.constantFrom(CT.merge, CT.strategic), fc.constantFrom('label', 'annotations', 'spec'), async (d, ct, where) => {
        const text = nested(d);
        const body =
          where === 'label' ? `{"metadata":{"labels":{"a":${text}}}}` : where === 'annotations' ? `{"metadata":{"annotations":${text}}}` : `{"spec":${text}}`;
        // Unknown fields in spec are dropped (fieldValidation=Warn): 200 is upstream's answer there.
        await update(ct, body);
      }),
      opts(60),
    );
  });

  test('bodies over the 3 MiB limit: 413', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3 * 1024 * 1024 + 1, max: 4 * 1024 * 1024 }), async (size) => {
        const body = `{"metadata":{"annotations":{"a":"${'x'.repeat(size)}"}}}`;
        const a = await update(CT.merge, body);
        expect(a.status).toBe(413);
      }),
      opts(4),
    );
  });

  test('unknown routes and methods: 4xx, the server keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.option(jsonValue, { nil: undefined }), async ([method, segs, query], body) => {
        const path = `/${segs.join('/')}${query}`;
        const a = await call(k8s.url, method, path, { ...auth, 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));
        noFiveHundred(a, `${method} ${path}`);
      }),
      opts(),
    );
    await podNow();
    expect((await call(k8s.url, 'GET', '/version', auth)).status).toBe(200);
  });

  test('concurrent conflicting updates: one winner under a resourceVersion precondition, a consistent result without', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 12 }), async (n) => {
        const rv0 = String(((await podNow()).metadata as Obj).resourceVersion);
        const guarded = await Promise.all(
          Array.from({ length: n }, (_, i) => patch(CT.merge, JSON.stringify({ metadata: { resourceVersion: rv0, labels: { race: `g${i}` } } }))),
        );
        expect(guarded.map((a) => a.status).sort()).toEqual([200, ...Array(n - 1).fill(409)]);
        const free = await Promise.all(Array.from({ length: n }, (_, i) => patch(CT.strategic, JSON.stringify({ metadata: { labels: { race: `f${i}` } } }))));
        expect(free.every((a) => a.status === 200)).toBe(true);
        const rvs = free.map((a) => Number(((a.json as Obj).metadata as Obj).resourceVersion));
        expect(new Set(rvs).size, 'every write has its own resourceVersion').toBe(n);
        const now = await podNow();
        const last = free[rvs.indexOf(Math.max(...rvs))]?.json as Obj;
        expect((now.metadata as Obj).labels, 'the stored pod is the last write').toEqual((last.metadata as Obj).labels);
        expect(Number((now.metadata as Obj).resourceVersion)).toBe(Math.max(...rvs));
      }),
      opts(25),
    );
  });
});

// ── Nova ────────────────────────────────────────────────────────────────────────────────────────────────

describe('nova reference backend under hostile input', () => {
  const schemas = new SchemaRegistry();
  const table = addNovaSchemas(schemas);
  const schemaAt = (mv: string) => table.find((e) => compareVersions(mv, e.min) >= 0 && compareVersions(mv, e.max) <= 0)?.schema;
  let nova: NovaReference;
  let id = '';
  let h: Record<string, string> = {};
  const MVS = ['compute 2.1', 'compute 2.19', 'compute 2.75', 'compute 2.90', 'compute 2.93', 'compute latest'];
  const path = () => `/v2.1/servers/${id}`;

  async function serverNow(): Promise<Obj> {
    const a = await call(nova.url, 'GET', path(), { ...h, 'openstack-api-version': 'compute 2.93' });
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(schemas.validate(schemaAt('2.93') as string, a.json), 'stored server vs 2.93 schema').toEqual([]);
    return a.json as Obj;
  }

  /** One update: never a 5xx; an error is a Nova fault and changes nothing; a success answers the schema of its microversion. */
  async function update(body: string | Buffer | undefined, headers: Record<string, string>, method = 'PUT'): Promise<Answer> {
    const before = await serverNow();
    const a = await call(nova.url, method, path(), { ...h, ...headers }, body);
    const what = `${method} ${JSON.stringify(headers)} ${String(body).slice(0, 120)}`;
    noFiveHundred(a, what);
    if (a.status >= 400) {
      if (a.json !== undefined) expect(schemas.validate(FAULT_SCHEMA, a.json), `${what}: fault body: ${a.text.slice(0, 200)}`).toEqual([]);
      expect(await serverNow(), `${what}: a rejected update changed the server`).toEqual(before);
    } else {
      const echoed = /compute (\d+\.\d+)/.exec(String(a.headers['openstack-api-version'] ?? ''))?.[1] ?? '2.1';
      expect(schemas.validate(schemaAt(echoed) as string, a.json), `${what}: response vs ${echoed} schema`).toEqual([]);
      await serverNow();
    }
    return a;
  }

  beforeAll(async () => {
    nova = await startNovaReference({});
    id = nova.serverIds.a[0] as string;
    h = { 'x-auth-token': nova.users.memberA.token, accept: 'application/json' };
  });
  afterAll(async () => {
    await nova?.close();
  });

  const VALID = {
    server: { name: 'fuzz', accessIPv4: '192.0.2.1', accessIPv6: '2001:db8::1', 'OS-DCF:diskConfig': 'AUTO', description: 'd', hostname: 'fuzz-host' },
  };
  const ct = { 'content-type': 'application/json' };

  test('malformed bodies: 400 badRequest, nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(malformed(JSON.stringify(VALID)), fc.constantFrom(...MVS), async (body, mv) => {
        const a = await update(body, { ...ct, 'openstack-api-version': mv });
        expect(a.status, String(body).slice(0, 80)).toBe(400);
      }),
      opts(),
    );
  });

  test('wrong types anywhere in a valid update, at every microversion boundary', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(mutated(VALID), fc.constantFrom(...MVS), async (body, mv) => {
        seen.add(Math.floor((await update(body, { ...ct, 'openstack-api-version': mv })).status / 100));
      }),
      opts(),
    );
    expect([...seen].sort(), 'the fuzz reached both accepted and rejected updates').toEqual(expect.arrayContaining([2, 4]));
  });

  test('odd headers: content types, microversion headers, tokens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/json; charset=latin1',
            'multipart/form-data',
            '',
            'application/vnd.openstack.compute+json',
          ),
          { nil: undefined },
        ),
        fc.option(
          fc.constantFrom(
            'compute 2.0',
            'compute 3.1',
            'compute 2.1000',
            'compute 02.1',
            'compute',
            'volume 2.5',
            'compute 2.93, compute 2.1',
            'compute 2.\u00e9',
          ),
          {
            nil: undefined,
          },
        ),
        fc.constantFrom('own', 'none', 'garbage', 'other-project'),
        async (type, mv, token) => {
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (mv !== undefined) headers['openstack-api-version'] = mv;
          if (token === 'none') headers['x-auth-token'] = '';
          if (token === 'garbage') headers['x-auth-token'] = 'x'.repeat(300);
          if (token === 'other-project') headers['x-auth-token'] = nova.users.memberB.token;
          await update(JSON.stringify({ server: { name: 'odd-headers' } }), headers);
        },
      ),
      opts(100),
    );
  });

  test('deep nesting: 400, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(deep, fc.constantFrom('name', 'description', 'server', 'root'), async (d, where) => {
        const text = nested(d);
        const body = where === 'root' ? text : where === 'server' ? `{"server":${text}}` : `{"server":{"${where}":${text}}}`;
        const a = await update(body, { ...ct, 'openstack-api-version': 'compute 2.93' });
        expect(a.status).toBe(400);
      }),
      opts(60),
    );
  });

  test("bodies over the 112 KiB limit: 413, webob's JSON error page (oslo sizelimit, as real Zed answers)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 114_689, max: 4 * 1024 * 1024 }), async (size) => {
        const a = await update(JSON.stringify({ server: { name: 'x'.repeat(size) } }), ct);
        expect(a.status).toBe(413);
        expect((a.json as Obj | undefined)?.code).toBe('413 Request Entity Too Large');
      }),
      opts(6),
    );
  });

  test('unknown routes and methods (compute and identity): 4xx, the server keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.option(jsonValue, { nil: undefined }), async ([method, segs, query], body) => {
        const p = `/${segs.join('/')}${query}`;
        const a = await call(nova.url, method, p, { ...h, ...ct }, body === undefined ? undefined : JSON.stringify(body));
        noFiveHundred(a, `${method} ${p}`);
      }),
      opts(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated({
            auth: {
              identity: { methods: ['password'], password: { user: { name: 'member-a', domain: { name: 'Default' }, password: 'x' } } },
              scope: { project: { name: 'p', domain: { name: 'Default' } } },
            },
          }),
          malformed('{"auth":{}}'),
        ),
        async (body) => {
          const a = await call(nova.url, 'POST', '/identity/v3/auth/tokens', ct, body);
          noFiveHundred(a, `POST /identity/v3/auth/tokens ${String(body).slice(0, 100)}`);
        },
      ),
      opts(),
    );
    await serverNow();
  });

  test('concurrent conflicting updates: every one answered, the stored server is one of them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 16 }), fc.constantFrom(...MVS), async (n, mv) => {
        const names = Array.from({ length: n }, (_, i) => `race-${i}-${Math.random().toString(36).slice(2, 6)}`);
        const answers = await Promise.all(
          names.map((name) => call(nova.url, 'PUT', path(), { ...h, ...ct, 'openstack-api-version': mv }, JSON.stringify({ server: { name } }))),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(n).fill(200));
        expect(names).toContain(((await serverNow()).server as Obj).name);
      }),
      opts(25),
    );
  });
});
