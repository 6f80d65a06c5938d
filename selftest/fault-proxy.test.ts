/**
 * The fault-injecting proxy (backends/fault-proxy) on its own: every fault seen through the suite's own HTTP
 * client, the request matching, the loopback-only rule and the self-stopping limits.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseFault } from '../backends/fault-proxy/faults.ts';
import { type FaultProxy, startFaultProxy } from '../backends/fault-proxy/index.ts';
import { TransportError } from '../engine/errors.ts';
import { HttpClient } from '../engine/http/client.ts';
import { type Loopback, loopback } from './support/loopback.ts';
import { ROOT } from './support/run-cli.ts';

const TIMEOUT_MS = 400;
let upstream: Loopback;
const client = new HttpClient({ timeoutMs: TIMEOUT_MS });
const BODY = { kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

beforeAll(async () => {
  upstream = await loopback((req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end(JSON.stringify({ ...BODY, method: req.method, echo: body }));
  });
});
afterAll(async () => {
  await client.close();
  await upstream.close();
});

async function through(fault: string, req: { method?: string; path?: string; headers?: Record<string, string> } = {}) {
  const proxy = await startFaultProxy({ upstream: upstream.url, fault });
  const started = performance.now();
  try {
    const ex = await client.send({
      method: req.method ?? 'PATCH',
      url: `${proxy.url}${req.path ?? '/api/v1/namespaces/n/pods/p'}`,
      headers: req.headers,
      body: '{}',
    });
    return { ex, ms: performance.now() - started, proxy };
  } catch (err) {
    return { err, ms: performance.now() - started, proxy };
  } finally {
    await proxy.close();
  }
}

describe('each fault as the suite client sees it', () => {
  test('none: method, path, headers and body reach the upstream; the answer comes back unchanged', async () => {
    const before = upstream.requests.length;
    const { ex } = await through('none', { headers: { 'x-case': 'c1' } });
    expect(ex?.response.status).toBe(200);
    expect(ex?.response.json).toMatchObject({ ...BODY, method: 'PATCH', echo: '{}' });
    expect(ex?.response.headers['x-upstream']).toBe('yes');
    expect(upstream.requests.slice(before)).toEqual(['PATCH /api/v1/namespaces/n/pods/p']);
  });

  test('latency: the answer is delayed', async () => {
    const { ex, ms } = await through('latency:150');
    expect(ex?.response.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(140);
  });

  test('reset: a transport error, the upstream never sees the request', async () => {
    const before = upstream.requests.length;
    const { err } = await through('reset');
    expect(err).toBeInstanceOf(TransportError);
    expect(upstream.requests.length).toBe(before);
  });

  test('reset after upstream: the upstream processed it, the client gets a transport error', async () => {
    const before = upstream.requests.length;
    const { err } = await through('reset:after');
    expect(err).toBeInstanceOf(TransportError);
    expect(upstream.requests.length).toBe(before + 1);
  });

  test.for([
    ['status:500', 500, undefined],
    ['status:502', 502, undefined],
    ['status:503:retry=2', 503, '2'],
    ['status:429:retry=1', 429, '1'],
    ['status:429', 429, undefined],
  ] as const)('%s: that status, text body, Retry-After as asked', async ([spec, status, retry]) => {
    const { ex } = await through(spec);
    expect(ex?.response.status).toBe(status);
    expect(ex?.response.headers['retry-after']).toBe(retry);
    expect(ex?.response.json).toBeUndefined();
  });

  test('status with a JSON body reads as a JSON answer', async () => {
    const { ex } = await through('status:500:json');
    expect(ex?.response.json).toMatchObject({ code: 500 });
  });

  test('truncate (consistent Content-Length): half a JSON body that does not parse', async () => {
    const { ex } = await through('truncate:cut');
    expect(ex?.response.status).toBe(200);
    expect(ex?.response.json).toBeUndefined();
    expect(ex?.response.jsonError).toMatch(/not JSON \(application\/json\)/);
  });

  test('truncate (Content-Length of the full body): a transport error', async () => {
    const { err } = await through('truncate:full');
    expect(err).toBeInstanceOf(TransportError);
  });

  test('non-json: 200 text/plain', async () => {
    const { ex } = await through('non-json');
    expect(ex?.response.status).toBe(200);
    expect(ex?.response.jsonError).toMatch(/not JSON \(text\/plain/);
  });

  test('html: an HTML page', async () => {
    const { ex } = await through('html');
    expect(ex?.response.jsonError).toMatch(/^HTML instead of JSON \(text\/html/);
    const err502 = await through('html:502');
    expect(err502.ex?.response.status).toBe(502);
  });

  test('stall: headers, then nothing until the client gives up (its body timeout)', async () => {
    const { err, ms, proxy } = await through('stall');
    expect(err).toBeInstanceOf(TransportError);
    expect(String((err as TransportError).cause)).toMatch(/timeout/i);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
    expect(ms).toBeLessThan(TIMEOUT_MS * 5);
    expect(proxy.faulted).toBe(1);
  });

  test('stall is bounded by the proxy itself too', async () => {
    const proxy = await startFaultProxy({ upstream: upstream.url, fault: 'stall', stallMaxMs: 100 });
    const patient = new HttpClient({ timeoutMs: 5_000 });
    const started = performance.now();
    try {
      await expect(patient.send({ method: 'GET', url: proxy.url })).rejects.toBeInstanceOf(TransportError);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await patient.close();
      await proxy.close();
    }
  });

  test('close-mid-body: a transport error', async () => {
    const { err } = await through('close-mid-body');
    expect(err).toBeInstanceOf(TransportError);
  });

  test('echo-auth: the request credentials come back in a header and the JSON body', async () => {
    const { ex } = await through('echo-auth', { headers: { authorization: 'Bearer echo-me-123456' } });
    expect(ex?.response.headers['x-echo-credentials']).toContain('Bearer echo-me-123456');
    expect(ex?.response.json).toMatchObject({ echoedCredentials: 'authorization: Bearer echo-me-123456' });
    const { ex: page } = await through('echo-auth:503', { headers: { 'x-auth-token': 'tok-echo-654321' } });
    expect(page?.response.status).toBe(503);
    expect(page?.response.text).toContain('tok-echo-654321');
  });

  test('unknown faults and bad arguments are refused', () => {
    expect(() => parseFault('explode')).toThrow(/unknown fault/);
    expect(() => parseFault('status:99')).toThrow(/not an HTTP status/);
    expect(() => parseFault('latency:abc')).toThrow(/not a whole number/);
  });
});

describe('matching', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy({ upstream: upstream.url, fault: 'status:503', match: { methods: ['PATCH', 'PUT'], path: /\/pods\/[^/]+$/, every: 2 } });
  });
  afterAll(() => proxy.close());
  const send = (method: string, path: string) => client.send({ method, url: `${proxy.url}${path}`, body: method === 'GET' ? undefined : '{}' });

  test('only matching methods and paths, every 2nd of them', async () => {
    const statuses: number[] = [];
    for (const [m, p] of [
      ['GET', '/api/v1/namespaces/n/pods/p'],
      ['PATCH', '/api/v1/namespaces/n/pods/p'],
      ['PATCH', '/api/v1/namespaces/n/pods/p'],
      ['POST', '/api/v1/namespaces/n/pods'],
      ['PATCH', '/api/v1/namespaces/n/pods/p?dryRun=All'],
      ['PATCH', '/api/v1/namespaces/n/pods/p'],
    ] as const) {
      statuses.push((await send(m, p)).response.status);
    }
    expect(statuses).toEqual([200, 200, 503, 200, 200, 503]);
    expect(proxy.faulted).toBe(2);
    expect(proxy.requests).toBe(6);
  });

  test('setFault switches fault and match; limit caps the faulted requests; header and predicate matches', async () => {
    proxy.setFault('status:502', { limit: 1, headers: { 'openstack-api-version': /compute 2\.1$/ }, when: (r) => r.method === 'PUT' });
    const put = (v: string) => client.send({ method: 'PUT', url: `${proxy.url}/v2.1/servers/x`, headers: { 'openstack-api-version': v }, body: '{}' });
    expect((await put('compute 2.93')).response.status).toBe(200);
    expect((await put('compute 2.1')).response.status).toBe(502);
    expect((await put('compute 2.1')).response.status).toBe(200);
  });
});

describe('safety limits', () => {
  test.for([
    'http://10.0.0.1:80',
    'http://example.com',
    'https://192.168.1.1:6443',
    'ftp://127.0.0.1/',
    'not a url',
  ])('refuses a non-loopback upstream: %s', async (url) => {
    await expect(startFaultProxy({ upstream: url })).rejects.toThrow(/fault-proxy/);
  });

  test('accepts loopback spellings', async () => {
    for (const url of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1', 'http://127.3.2.1:1']) {
      const p = await startFaultProxy({ upstream: url });
      await p.close();
    }
  });

  test('listens on 127.0.0.1 only', async () => {
    const p = await startFaultProxy({ upstream: upstream.url });
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await p.close();
  });

  test('stops by itself after maxRequests: later requests are refused', async () => {
    const p = await startFaultProxy({ upstream: upstream.url, maxRequests: 3 });
    const fresh = new HttpClient({ timeoutMs: 1_000 });
    try {
      for (let i = 0; i < 3; i++) expect((await fresh.send({ method: 'GET', url: p.url })).response.status).toBe(200);
      await expect(p.stopped).resolves.toMatch(/request limit 3/);
      const after = await fresh.send({ method: 'GET', url: p.url }).then(
        (ex) => ex.response.status,
        (err: unknown) => (err instanceof TransportError ? 'refused' : String(err)),
      );
      expect([503, 'refused']).toContain(after);
    } finally {
      await fresh.close();
      await p.close();
    }
  });

  test('stops by itself after its lifetime', async () => {
    const p = await startFaultProxy({ upstream: upstream.url, lifetimeMs: 150 });
    await expect(p.stopped).resolves.toMatch(/lifetime/);
    const fresh = new HttpClient({ timeoutMs: 500 });
    await expect(fresh.send({ method: 'GET', url: p.url })).rejects.toBeInstanceOf(TransportError);
    await fresh.close();
  });

  test('standalone: prints its URL, injects the fault, stops by itself at --max-requests', async () => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'backends/fault-proxy/main.ts', '--upstream', upstream.url, '--fault', 'status:503:retry=1', '--max-requests', '2'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const killer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    try {
      let out = '';
      let err = '';
      proc.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      const url = await new Promise<string>((resolve, reject) => {
        proc.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /^FAULT_PROXY_URL=(\S+)$/m.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        proc.on('exit', () => reject(new Error(`exited early: ${out} ${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const fresh = new HttpClient({ timeoutMs: 2_000 });
      const first = await fresh.send({ method: 'GET', url });
      expect([first.response.status, first.response.headers['retry-after']]).toEqual([503, '1']);
      await fresh.send({ method: 'GET', url });
      await fresh.close();
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      expect(code).toBe(0);
      expect(err).toMatch(/stopped: request limit 2 reached \(2 requests, 2 faulted\)/);
    } finally {
      clearTimeout(killer);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });

  test('standalone: refuses a non-loopback upstream (exit 2, one line)', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'backends/fault-proxy/main.ts', '--upstream', 'http://192.0.2.10:80'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^fault-proxy: upstream http:\/\/192\.0\.2\.10:80 is not on loopback/);
  });

  test('close() ends stalled answers at once', async () => {
    const p = await startFaultProxy({ upstream: upstream.url, fault: 'stall' });
    const patient = new HttpClient({ timeoutMs: 10_000 });
    const started = performance.now();
    const pending = patient.send({ method: 'GET', url: p.url }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    expect(await pending).toBeInstanceOf(TransportError);
    expect(performance.now() - started).toBeLessThan(2_000);
    await patient.close();
  });
});
