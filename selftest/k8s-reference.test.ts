/**
 * Direct HTTP checks of the embedded Kubernetes reference backend (backends/k8s-reference): a handful of
 * upstream behaviours the k8s.pods.patch fixtures rely on, plus hostile input and the standalone entry.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8S_FAULTS, type K8sReference, parseFaults, startK8sReference } from '../backends/k8s-reference/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'selftest-token';
const NS = 'selftest';

type Json = Record<string, unknown>;

let ref: K8sReference;

async function call(
  method: string,
  path: string,
  opts: { body?: string; contentType?: string; token?: string | null } = {},
): Promise<{ status: number; json: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.contentType) headers['content-type'] = opts.contentType;
  const res = await fetch(`${ref.url}${path}`, { method, headers, body: opts.body });
  const text = await res.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

const podPath = (name: string) => `/api/v1/namespaces/${NS}/pods/${name}`;
const MP = 'application/merge-patch+json';
const JP = 'application/json-patch+json';

async function createPod(name: string): Promise<Json> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'selftest' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
  };
  const r = await call('POST', `/api/v1/namespaces/${NS}/pods`, { body: JSON.stringify(pod), contentType: 'application/json' });
  expect(r.status).toBe(201);
  return r.json;
}

const meta = (o: Json) => o.metadata as Json;
const spec = (o: Json) => o.spec as Json;

describe('k8s reference backend', () => {
  beforeAll(async () => {
    ref = await startK8sReference({ token: TOKEN });
    const r = await call('POST', '/api/v1/namespaces', { body: JSON.stringify({ metadata: { name: NS } }), contentType: 'application/json' });
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    await ref?.close();
  });

  it('answers /version and requires the bearer token', async () => {
    const v = await call('GET', '/version');
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ major: '1', minor: '34', gitVersion: 'v1.34.0-reference' });
    const anon = await call('GET', '/version', { token: null });
    expect(anon.status).toBe(401);
    expect(anon.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('creates a pod with upstream-like defaults', async () => {
    const pod = await createPod('defaults');
    expect(pod).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(meta(pod)).toMatchObject({ name: 'defaults', namespace: NS, generation: 1 });
    expect(meta(pod).resourceVersion).toMatch(/^\d+$/);
    expect(meta(pod).selfLink).toBeUndefined();
    expect(spec(pod)).toMatchObject({
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      securityContext: {},
    });
    expect((spec(pod).containers as Json[])[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' });
    expect((spec(pod).tolerations as Json[]).map((t) => t.key)).toEqual(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('applies a merge patch, bumps the resourceVersion, and skips the write for a no-op', async () => {
    const pod = await createPod('merge');
    const rv0 = Number(meta(pod).resourceVersion);
    const r = await call('PATCH', podPath('merge'), { body: JSON.stringify({ metadata: { labels: { a: 'b' } } }), contentType: MP });
    expect(r.status).toBe(200);
    expect((meta(r.json).labels as Json).a).toBe('b');
    const rv1 = Number(meta(r.json).resourceVersion);
    expect(rv1).toBeGreaterThan(rv0);
    const again = await call('PATCH', podPath('merge'), { body: JSON.stringify({ metadata: { labels: { a: 'b' } } }), contentType: MP });
    expect(again.status).toBe(200);
    expect(Number(meta(again.json).resourceVersion)).toBe(rv1);
    const image = await call('PATCH', podPath('merge'), {
      body: JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }]),
      contentType: JP,
    });
    expect(image.status).toBe(200);
    expect(meta(image.json).generation).toBe(2);
  });

  it('answers a failed json-patch test op with the generic 422 Status', async () => {
    await createPod('testop');
    const r = await call('PATCH', podPath('testop'), {
      body: JSON.stringify([{ op: 'test', path: '/metadata/labels/app', value: 'WRONG' }]),
      contentType: JP,
    });
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('rejects a forbidden spec change with 422 causes and leaves the pod alone', async () => {
    const pod = await createPod('forbidden');
    const r = await call('PATCH', podPath('forbidden'), { body: JSON.stringify({ spec: { restartPolicy: 'Never' } }), contentType: MP });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', details: { name: 'forbidden', kind: 'Pod' } });
    expect((r.json.details as Json).causes).toContainEqual(expect.objectContaining({ field: 'spec', reason: 'FieldValueForbidden' }));
    const after = await call('GET', podPath('forbidden'));
    expect(after.json).toEqual(pod);
  });

  it('answers 415 for an unsupported Content-Type', async () => {
    await createPod('ct');
    const r = await call('PATCH', podPath('ct'), { body: '{}', contentType: 'application/json' });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({ reason: 'UnsupportedMediaType', message: '415: Unsupported Media Type', code: 415 });
  });

  it('answers 409 Conflict for a stale resourceVersion', async () => {
    const pod = await createPod('conflict');
    const stale = meta(pod).resourceVersion as string;
    await call('PATCH', podPath('conflict'), { body: JSON.stringify({ metadata: { labels: { a: 'b' } } }), contentType: MP });
    const r = await call('PATCH', podPath('conflict'), {
      body: JSON.stringify({ metadata: { resourceVersion: stale, labels: { a: 'c' } } }),
      contentType: MP,
    });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ reason: 'Conflict', details: { name: 'conflict', kind: 'pods' } });
    expect(r.json.message).toContain('the object has been modified');
  });

  it('answers 413 for more than 10000 json-patch ops and for bodies over 3 MiB', async () => {
    await createPod('big');
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    const r = await call('PATCH', podPath('big'), { body: JSON.stringify(ops), contentType: JP });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ reason: 'RequestEntityTooLarge' });
    const huge = JSON.stringify({ metadata: { annotations: { a: 'x'.repeat(3 * 1024 * 1024) } } });
    const h = await call('PATCH', podPath('big'), { body: huge, contentType: MP });
    expect(h.status).toBe(413);
  });

  it('honours dryRun=All and rejects other dryRun values', async () => {
    const pod = await createPod('dry');
    const r = await call('PATCH', `${podPath('dry')}?dryRun=All`, { body: JSON.stringify({ metadata: { labels: { dry: 'run' } } }), contentType: MP });
    expect(r.status).toBe(200);
    expect((meta(r.json).labels as Json).dry).toBe('run');
    const after = await call('GET', podPath('dry'));
    expect(after.json).toEqual(pod);
    const bad = await call('PATCH', `${podPath('dry')}?dryRun=Foo`, { body: '{}', contentType: MP });
    expect(bad.status).toBe(422);
    expect((bad.json.details as Json).causes).toContainEqual(expect.objectContaining({ field: 'dryRun', reason: 'FieldValueNotSupported' }));
  });

  it('warns about unknown fields by default and rejects them under Strict', async () => {
    await createPod('unknown');
    const warn = await call('PATCH', podPath('unknown'), { body: JSON.stringify({ spec: { foo: 1 } }), contentType: MP });
    expect(warn.status).toBe(200);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
    const strict = await call('PATCH', `${podPath('unknown')}?fieldValidation=Strict`, { body: JSON.stringify({ spec: { foo: 1 } }), contentType: MP });
    expect(strict.status).toBe(422);
  });

  it('never answers 500 for hostile bodies', async () => {
    await createPod('hostile');
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`;
    const bodies: [string, string][] = [
      ['{', MP],
      ['null', MP],
      ['[1,2]', MP],
      ['"x"', 'application/strategic-merge-patch+json'],
      ['{"spec": 5}', MP],
      ['{"spec": {"containers": "x"}}', MP],
      ['{"metadata": {"labels": {"a": 1}}}', MP],
      ['{"metadata": {"labels": [1]}}', 'application/strategic-merge-patch+json'],
      ['{"spec": {"activeDeadlineSeconds": "10"}}', MP],
      ['{"spec": {"activeDeadlineSeconds": 1e400}}', MP],
      ['[{"op": "add"}]', JP],
      ['[{"op": "frobnicate", "path": "/x"}]', JP],
      ['[5]', JP],
      ['[{"op": "add", "path": "/__proto__/x", "value": 1}]', JP],
      [deep, JP],
      [deep, MP],
      ['\u0000\u0001garbage', MP],
    ];
    for (const [body, contentType] of bodies) {
      const r = await call('PATCH', podPath('hostile'), { body, contentType });
      expect(r.status, `${contentType} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${contentType} ${body.slice(0, 40)}`).toBeLessThan(500);
      expect(r.json.kind).toBe('Status');
    }
    // `__proto__` is just an unknown field: accepted with a Warning, nothing polluted
    const proto = await call('PATCH', podPath('hostile'), { body: '{"__proto__": {"polluted": true}}', contentType: MP });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('warning')).toContain('__proto__');
    const protoLabel = await call('PATCH', podPath('hostile'), { body: '{"metadata": {"labels": {"__proto__": "x"}}}', contentType: MP });
    expect(protoLabel.status).toBe(422);
    expect(({} as Json).polluted).toBeUndefined();
    const unknownRoute = await call('GET', '/api/v1/namespaces/selftest/widgets');
    expect(unknownRoute.status).toBe(404);
    const wrongMethod = await call('POST', podPath('hostile'), { body: '{}', contentType: 'application/json' });
    expect(wrongMethod.status).toBe(405);
    const missing = await call('PATCH', podPath('nope'), { body: '{}', contentType: MP });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
  });

  it('lists and deletes pods by label selector', async () => {
    await createPod('list-a');
    const list = await call('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dselftest`);
    expect(list.status).toBe(200);
    expect((list.json.items as Json[]).length).toBeGreaterThan(0);
    const before = ref.podCount();
    const del = await call('DELETE', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dselftest`);
    expect(del.status).toBe(200);
    expect(ref.podCount()).toBe(before - (del.json.items as Json[]).length);
  });

  it('switches faults on and off', async () => {
    await createPod('faulty');
    ref.setFaults(['wrong-error-status']);
    const r = await call('PATCH', podPath('faulty'), { body: JSON.stringify({ spec: { restartPolicy: 'Never' } }), contentType: MP });
    ref.setFaults([]);
    expect(r.status).toBe(400);
    expect(K8S_FAULTS.length).toBeGreaterThanOrEqual(7);
    expect(new Set(K8S_FAULTS.map((f) => f.family))).toEqual(
      new Set(['status-code', 'error-body', 'response-schema', 'effect', 'immutability', 'no-write', 'headers']),
    );
  });

  it('parses K8S_REFERENCE_FAULTS and refuses unknown names', () => {
    expect(parseFaults('accept-forbidden, no-causes,,accept-forbidden')).toEqual(['accept-forbidden', 'no-causes']);
    expect(parseFaults(undefined)).toEqual([]);
    expect(() => parseFaults('no-such-fault')).toThrow(/unknown k8s reference fault/);
  });

  it('starts standalone, prints K8S_SERVER/K8S_TOKEN and honours K8S_REFERENCE_FAULTS', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'backends/k8s-reference/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, K8S_REFERENCE_FAULTS: 'pod-missing-kind' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let buf = '';
        const timer = setTimeout(() => reject(new Error(`no startup lines: ${buf}`)), 20000);
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          if (/K8S_TOKEN=\S+\n/.test(buf)) {
            clearTimeout(timer);
            resolve(buf);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${buf}`)));
      });
      const server = /K8S_SERVER=(\S+)/.exec(out)?.[1] ?? '';
      const token = /K8S_TOKEN=(\S+)/.exec(out)?.[1] ?? '';
      expect(server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const auth = { authorization: `Bearer ${token}` };
      await fetch(`${server}/api/v1/namespaces`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: 'x' } }),
      });
      const created = await fetch(`${server}/api/v1/namespaces/x/pods`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } }),
      });
      const body = (await created.json()) as Json;
      expect(created.status).toBe(201);
      expect(body.kind).toBeUndefined(); // pod-missing-kind is on
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 30000);
});
