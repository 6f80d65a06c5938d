import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerSecret } from '../engine/config/secrets.ts';
import { TransportError } from '../engine/errors.ts';
import { HttpClient } from '../engine/http/client.ts';
import { toEvidence } from '../engine/http/redact.ts';
import { type Loopback, loopback } from './support/loopback.ts';

describe('HttpClient against a loopback peer', () => {
  let peer: Loopback;
  const client = new HttpClient({ timeoutMs: 300 });
  beforeAll(async () => {
    peer = await loopback((req, res, body) => {
      if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echo: body }));
      if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>login</body></html>');
      if (req.url === '/truncated') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Pod","meta');
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
        return; // never ends: the body timeout must fire
      }
      if (req.url === '/fail-once') return res.writeHead(503).end('busy');
      res.writeHead(404).end();
    });
  });
  afterAll(async () => {
    await client.close();
    await peer.close();
  });

  test('parses JSON bodies', async () => {
    const ex = await client.send({ method: 'POST', url: `${peer.url}/json`, body: '{"x":1}' });
    expect(ex.response.status).toBe(200);
    expect(ex.response.json).toEqual({ ok: true, echo: '{"x":1}' });
  });

  test('says why a body is not JSON: HTML and truncated bodies', async () => {
    const html = await client.send({ method: 'GET', url: `${peer.url}/html` });
    expect(html.response.json).toBeUndefined();
    expect(html.response.jsonError).toMatch(/^HTML instead of JSON \(text\/html\)/);
    const cut = await client.send({ method: 'GET', url: `${peer.url}/truncated` });
    expect(cut.response.jsonError).toMatch(/^not JSON/);
  });

  test('a stalled body ends in a TransportError within the timeout', async () => {
    const started = Date.now();
    await expect(client.send({ method: 'GET', url: `${peer.url}/stall` })).rejects.toBeInstanceOf(TransportError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('connection refused is a TransportError naming the request', async () => {
    const err = await client.send({ method: 'PATCH', url: 'http://127.0.0.1:1/api/v1/x?token=abc' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toBe('PATCH http://127.0.0.1:1/api/v1/x failed');
  });

  test('never retries: a 503 is answered once and returned as is', async () => {
    const before = peer.requests.filter((r) => r.endsWith('/fail-once')).length;
    const ex = await client.send({ method: 'PATCH', url: `${peer.url}/fail-once`, body: '{}' });
    expect(ex.response.status).toBe(503);
    expect(peer.requests.filter((r) => r.endsWith('/fail-once')).length).toBe(before + 1);
  });

  test('evidence redacts auth headers, registered secrets and passwords', async () => {
    registerSecret('s3cr3t-token-value');
    const ex = await client.send({
      method: 'POST',
      url: `${peer.url}/json`,
      headers: { authorization: 'Bearer s3cr3t-token-value', 'x-auth-token': 'abcdef123456' },
      body: JSON.stringify({ auth: { password: 'hunter2-unregistered', note: 'token s3cr3t-token-value' } }),
    });
    const text = JSON.stringify(toEvidence(ex));
    expect(text).not.toContain('s3cr3t-token-value');
    expect(text).not.toContain('abcdef123456');
    expect(text).not.toContain('hunter2-unregistered');
    expect(toEvidence(ex).request.headers.authorization).toBe('Bearer ***');
  });
});
