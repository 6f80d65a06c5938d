/**
 * Deployments unlike ours (issue 21, item 3): an auth gateway in front of the API answers the token cases with
 * its own 401 (judged on the status, the body a note; a body in upstream's envelope is still checked in full);
 * a compute service that never acts leaves the SHUTOFF case's server stopping (a leftover named with its state).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GATEWAY_BAD_TOKEN, GATEWAY_NO_TOKEN } from '../backends/fault-proxy/auth-gateway.ts';
import { type FaultProxy, startFaultProxy } from '../backends/fault-proxy/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import { FRONT_LAYER_STATUSES, frontLayerNote } from '../engine/checks/front-layer.ts';
import { CHECKS, type CheckContext, type TargetTraits } from '../engine/checks/index.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { isNovaErrorEnvelope } from '../engine/targets/nova/servers-update.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN_CASES = 'nova.servers.update.*-token';

function answer(status: number, text: string, contentType = 'application/json'): Exchange {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    request: { method: 'PUT', url: 'http://127.0.0.1:1/v2.1/servers/x', headers: {}, body: '{}' },
    response: { status, headers: { 'content-type': contentType }, text, json, jsonError: json === undefined ? 'not JSON' : undefined },
    elapsedMs: 1,
  } as Exchange;
}

const novaTraits: TargetTraits = {
  writeVolatile: [],
  schemaFor: () => undefined,
  errorMessage: (b) => (Object.values(b as object)[0] as { message?: string } | undefined)?.message,
  fieldPointer: (f) => `/server/${f}`,
  upstreamErrorBody: isNovaErrorEnvelope,
};

describe('what counts as a layer in front of the API', () => {
  test("a 401 the case expects, with a body outside Nova's error envelope, is a front layer's", () => {
    for (const body of ['{"message":"Unauthorized"}', '{"error":"invalid_token"}', '<html><body>401</body></html>', '', '401 Unauthorized']) {
      const note = frontLayerNote(answer(401, body, body.startsWith('<') ? 'text/html' : 'application/json'), [401], novaTraits);
      expect(note, body).toMatch(/^401 from a layer in front of the API \(its body is not upstream's error body: .*\): judged on the status/);
    }
  });

  test("a body in upstream's envelope is upstream's, right or wrong, and the body checks judge it", () => {
    for (const body of [
      '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}',
      '{"unauthorized":{"code":401,"message":"no"}}',
      '{"error":{"code":401,"message":"denied by policy"}}',
    ])
      expect(frontLayerNote(answer(401, body), [401], novaTraits), body).toBeUndefined();
    // A wrong body in the envelope fails: no note excuses it.
    const wrong = answer(401, '{"error":{"code":401,"message":"denied by policy"}}');
    const ctx = {
      expect: { status: 401, error: { fault: 'error', messageIncludes: ['requires authentication'] } },
      update: wrong,
      traits: novaTraits,
    } as unknown as CheckContext;
    expect(CHECKS['error-body'](ctx).kind).toBe('fail');
  });

  test('only an expected status of the front-layer set, and only for a target that knows its envelope', () => {
    const gateway = '{"message":"Unauthorized"}';
    expect(frontLayerNote(answer(401, gateway), [200], novaTraits)).toBeUndefined();
    expect(frontLayerNote(answer(400, gateway), [400], novaTraits)).toBeUndefined();
    expect(frontLayerNote(answer(403, gateway), [403], novaTraits)).toBeUndefined();
    expect(frontLayerNote(answer(401, gateway), [401], { ...novaTraits, upstreamErrorBody: undefined })).toBeUndefined();
    expect([...FRONT_LAYER_STATUSES]).toEqual([401, 407, 413, 414, 431]);
    // With the note the body checks stand aside and say why; without it the same body fails them.
    const ctx = (frontLayer?: string) =>
      ({ expect: { status: 401, error: { fault: 'error' } }, update: answer(401, gateway), traits: novaTraits, frontLayer }) as unknown as CheckContext;
    expect(CHECKS['error-body'](ctx('a gateway')).kind).toBe('not-applicable');
    expect(CHECKS['error-body'](ctx()).kind).toBe('fail');
  });
});

describe('Nova behind an API gateway of its own (fault proxy auth-gateway)', () => {
  let nova: NovaReference;
  let gateway: FaultProxy;
  beforeAll(async () => {
    nova = await startNovaReference({});
    // The gateway guards the compute API; Keystone stays reachable through it unchanged.
    gateway = await startFaultProxy({
      upstream: new URL(nova.url).origin,
      fault: 'auth-gateway',
      match: { path: /^\/v2\.1/ },
      authUrl: nova.identityUrl,
      lifetimeMs: 120_000,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await nova?.close();
  });

  test('the gateway answers 401 with its own body; a resolved token passes', async () => {
    const put = (token?: string) =>
      fetch(`${gateway.url}/v2.1/servers/${nova.serverIds.a[0]}`, { headers: token ? { 'x-auth-token': token } : {} }).then(async (r) => [
        r.status,
        await r.text(),
      ]);
    expect(await put()).toEqual([401, `${JSON.stringify({ message: GATEWAY_NO_TOKEN })}\n`]);
    expect(await put('uc-not-a-token')).toEqual([401, `${JSON.stringify({ message: GATEWAY_BAD_TOKEN })}\n`]);
    expect((await put(nova.users.memberA.token))[0]).toBe(200);
  });

  test('the token cases pass on the status, each with a note in the console and every report', async () => {
    const dir = reportDir('deployments-gateway');
    const run = await runMain(['run', '--case', TOKEN_CASES, '--report-dir', dir], passwordAuthEnv(nova, gateway.url));
    const report = readReport(dir);
    expect(run.code, [...run.out, ...run.err].join('\n')).toBe(0);
    expect(report.results.map((r) => [r.id, r.verdict]).sort()).toEqual([
      ['nova.servers.update.bogus-token@2.1', 'pass'],
      ['nova.servers.update.no-token@2.1', 'pass'],
    ]);
    for (const r of report.results) {
      expect(r.notes).toEqual([
        expect.stringMatching(
          /^401 from a layer in front of the API \(its body is not upstream's error body: application\/json \{"message":"[^"]+"\}\): judged on the status, the body is not checked$/,
        ),
      ]);
      expect(r.checks.filter((c) => c.outcome === 'not-applicable').map((c) => c.id)).toEqual(expect.arrayContaining(['response-schema', 'error-body']));
      expect(r.checks.find((c) => c.id === 'immutability')?.outcome).toBe('pass');
    }
    expect(run.out.join('\n')).toMatch(/note on nova\.servers\.update\.no-token@2\.1 \(pass\): 401 from a layer in front of the API/);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/## Notes \(2 variants\)/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<strong>Note:<\/strong> 401 from a layer in front of the API/);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<property name="note" value="401 from a layer in front of the API/);
  });

  test("without the gateway the same cases meet keystonemiddleware's body and check it in full (no note)", async () => {
    const dir = reportDir('deployments-no-gateway');
    const run = await runMain(['run', '--case', TOKEN_CASES, '--report-dir', dir], passwordAuthEnv(nova));
    expect(run.code).toBe(0);
    for (const r of readReport(dir).results) {
      expect(r.notes).toBeUndefined();
      expect(r.checks.find((c) => c.id === 'error-body')?.outcome).toBe('pass');
    }
  });
});

describe('a compute service that never acts (the SHUTOFF case without NOVA_SHUTOFF_SERVER_ID)', () => {
  let nova: NovaReference;
  beforeAll(async () => {
    nova = await startNovaReference({ computeActs: false });
  });
  afterAll(async () => {
    await nova?.close();
  });

  test('doctor warns beforehand that the case stops one leased server', async () => {
    const run = await runMain(['doctor'], passwordAuthEnv(nova));
    expect(run.out.join('\n')).toMatch(
      /WARNING: the SHUTOFF case stops one leased server of NOVA_SERVER_IDS .* set NOVA_SHUTOFF_SERVER_ID to a server that is already SHUTOFF/,
    );
  });

  test('the stop is waited for within the bound, then the server is a leftover named with its state (exit 3)', async () => {
    const dir = reportDir('deployments-no-compute');
    const run = await runMain(['run', '--case', 'nova.servers.update.rename-shutoff-server', '--report-dir', dir], {
      ...passwordAuthEnv(nova),
      NOVA_ACTION_WAIT_SECONDS: '1',
    });
    expect(run.code, run.out.join('\n')).toBe(3);
    const [r] = readReport(dir).results;
    expect(r?.verdict).toBe('error');
    const id = /server ([0-9a-f-]{36})/.exec(r?.reason ?? '')?.[1];
    expect(nova.serverIds.a).toContain(id);
    expect(r?.reason).toBe(`os-stop of server ${id} did not complete within 1 s (status ACTIVE, task state powering-off): is the compute service running?`);
    const leftover = `server ${id} left status ACTIVE, task state powering-off: os-start answered 409 (the run could not restore it)`;
    expect(r?.leaks).toEqual([leftover]);
    expect(run.out).toContain(`run error: leak in ${r?.id}: ${leftover}`);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(leftover);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(leftover);
  });
});
