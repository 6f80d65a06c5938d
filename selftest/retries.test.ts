/**
 * Retries of technical errors (engine/retry.ts), as a user meets them: both suites through backends/fault-proxy
 * against the reference backends (`main(['run'])`), the proxy answering 502 / 429 to the first few updates of
 * some variants. The retried variants pass on a later attempt and are flaky (every report says so, and the gate
 * counts them as what they last were); each attempt's exchanges are in the evidence; a persistent fault stops at
 * the bound; a conformance failure is never retried; an "unavailable" answer after which the subject changed is
 * not retried either (a retry would read the change as its "before").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { passwordAuthEnv } from '../backends/nova-reference/index.ts';
import type { CaseResult } from '../engine/results.ts';
import { attemptsDisagree, retryAfterMs, runWithRetries, transientCause, waitBefore } from '../engine/retry.ts';
import { type Proxied, startProxied } from './support/proxied.ts';
import { k8sLeftovers, novaDrift, novaState, readReport, reportDir, runMain } from './support/run-cli.ts';

const K8S_TOKEN = 'retries-k8s-token-0123456789abcdef';
const CASES = [
  'k8s.pods.patch.labels-add@*',
  'k8s.pods.patch.label-bad-key@*',
  'nova.servers.update.rename@2.1',
  'nova.servers.update.rename@2.93',
  'nova.servers.update.name-empty@2.1',
  'nova.servers.update.name-empty@2.93',
].join(',');
// Microversion 2.1 PUTs: the updates (and setup updates) of the @2.1 variants; seeds and the final restore use the max.
const NOVA_UPDATE = { methods: ['PUT'], path: /\/servers\/[^/]+$/, headers: { 'openstack-api-version': /^compute 2\.1$/ } };
const novaHit = (x: CaseResult) => x.suite === 'nova.servers.update' && x.id.endsWith('@2.1');
const K8S_UPDATE = { methods: ['PATCH'], path: /\/pods\/[^/]+$/, headers: { 'content-type': /json-patch\+json/ } };

let p: Proxied;

beforeAll(async () => {
  p = await startProxied(K8S_TOKEN, { maxRequests: 20_000, lifetimeMs: 240_000 });
});
afterAll(async () => {
  await p?.close();
});

async function run(name: string, extra: Record<string, string> = {}, cases = CASES) {
  const dir = reportDir(join('retries', name));
  const runId = `rt${name.replace(/[^a-z0-9]/g, '').slice(0, 8)}`;
  const out = await runMain(['run', '--case', cases], {
    K8S_SERVER: p.k8sProxy.url,
    K8S_TOKEN,
    ...passwordAuthEnv(p.nova, p.novaProxy.url),
    CONFORMANCE_RUN_ID: runId,
    CONFORMANCE_REPORT_DIR: dir,
    CONFORMANCE_TIMEOUT_MS: '3000',
    ...extra,
  });
  p.k8sProxy.setFault('none', {});
  p.novaProxy.setFault('none', {});
  // Nothing left behind, whatever was retried.
  expect(await k8sLeftovers(p.k8s, K8S_TOKEN, runId)).toEqual({ pods: [], namespaces: [] });
  expect(novaDrift(p.novaBefore, await novaState(p.nova))).toEqual([]);
  return { ...out, dir, report: readReport(dir), file: (f: string) => readFileSync(join(dir, f), 'utf8') };
}

const show = (rs: CaseResult[]) => rs.map((r) => `${r.id}: ${r.verdict} ${r.reason ?? ''} ${r.attempts?.map((a) => a.verdict).join('→') ?? ''}`).join('\n');

describe('through the fault proxy', () => {
  test('502 (a proxy page) and 429 with Retry-After on the first updates: retried, passed, flaky in every report', async () => {
    p.novaProxy.setFault('status:502:html', { ...NOVA_UPDATE, limit: 2 });
    p.k8sProxy.setFault('status:429:retry=1', { ...K8S_UPDATE, limit: 1 });
    const r = await run('502-429');
    const log = [...r.out, ...r.err].join('\n');
    const retried = r.report.results.filter((x) => x.attempts);
    // Three faulty answers in all (two 502s, one 429), each an earlier attempt of some variant (a setup update at 2.1 may take one).
    expect(retried.flatMap((x) => x.attempts?.filter((a) => a.verdict === 'error') ?? []).length, show(r.report.results)).toBe(3);
    expect(retried.some((x) => x.suite === 'k8s.pods.patch')).toBe(true);
    for (const x of retried) {
      expect(x.verdict, show([x])).toBe('pass');
      expect(x.attempts?.at(-1)?.verdict).toBe('pass');
      expect(x.flaky).toMatch(/^verdict changed between attempts: (error → )+pass$/);
      const first = x.attempts?.[0];
      // The first attempt's exchanges are kept, its faulty answer among them.
      const status = x.suite === 'k8s.pods.patch' ? 429 : 502;
      expect(first?.evidence.some((e) => e.response.status === status)).toBe(true);
      expect(first?.transient).toMatch(/answered (429|502)/);
      // Retry-After: 1 is honoured (1000 ms); without it the backoff starts at 500 ms.
      expect(first?.waitedMs).toBe(x.suite === 'k8s.pods.patch' ? 1000 : 500);
      expect(x.requests).toBeGreaterThan(first?.requests ?? 0);
    }
    const flaky = retried.length;
    // The gate counts each as its last verdict and says so.
    expect(r.code, log).toBe(0);
    // A --case selection: the headline says partial first, then the verdict.
    expect(r.out.at(-1)).toMatch(/^verdict: partial: \d+ of \d+ variants \(cases [^)]*\) — /);
    expect(r.out.at(-1)?.endsWith(`— conformant (${flaky} flaky, counted as ${flaky === 1 ? 'its' : 'their'} last verdict) (exit 0)`)).toBe(true);
    expect(r.out.join('\n')).toContain(`Flaky: ${flaky} variant(s), each counted as its last verdict:`);
    expect(r.file('summary.md')).toContain(`Flaky: ${flaky} variant(s)`);
    expect(r.file('report.html')).toContain('<span class="badge b-flaky">flaky</span>');
    expect(r.file('report.html')).toMatch(/attempt 1: <span class="badge b-error">error<\/span>/);
    expect(r.file('junit.xml')).toMatch(/<flakyError message="attempt 1: target unavailable: (502|429)/);
    expect(r.file('junit.xml')).toMatch(/<property name="flaky" value="counted as pass: verdict changed between attempts: error → (error → )?pass"\/>/);
    expect(JSON.parse(r.file('verdict.json')).counts.flaky).toBe(flaky);
  });

  test('a persistent 503 stops at the bound (CONFORMANCE_RETRIES=1): error, two attempts, not flaky, exit 3', async () => {
    p.novaProxy.setFault('status:503', NOVA_UPDATE);
    const r = await run('bound', { CONFORMANCE_RETRIES: '1', CONFORMANCE_RETRY_MAX_WAIT_MS: '100' });
    const hit = r.report.results.filter(novaHit);
    expect(hit.length).toBe(2);
    for (const x of hit) {
      expect(x.verdict, show([x])).toBe('error');
      expect(x.attempts?.map((a) => a.verdict)).toEqual(['error', 'error']);
      expect(x.attempts?.[0]?.waitedMs).toBe(100); // the backoff, capped
      expect(x.flaky).toBeUndefined();
    }
    expect(r.code).toBe(3);
  });

  test("a conformance failure (the target's own JSON 500) is never retried", async () => {
    p.novaProxy.setFault('status:500:json', NOVA_UPDATE);
    const r = await run('fail');
    const hit = r.report.results.filter(novaHit);
    expect(hit.length).toBe(2);
    for (const x of hit) {
      // rename@2.1's own setup update (a PUT at 2.1) meets the 500 first: a setup error, not transient either.
      expect(x.verdict, show([x])).toBe(x.id.includes('rename') ? 'error' : 'fail');
      expect(x.attempts).toBeUndefined();
    }
    expect(r.code).toBe(1);
  });

  test('502 after the target applied the update: the subject changed, so the error is not retried', async () => {
    p.k8sProxy.setFault('status:502:after', { ...K8S_UPDATE, limit: 1 });
    const r = await run('after', {}, 'k8s.pods.patch.labels-add@json-patch');
    const x = r.report.results.find((y) => y.id === 'k8s.pods.patch.labels-add@json-patch');
    expect(x?.verdict, show(r.report.results)).toBe('error');
    expect(x?.reason).toMatch(/unavailable: 502.*the subject changed all the same \(GET after\), so it is not retried/);
    expect(x?.attempts).toBeUndefined();
    expect(x?.transient).toBeUndefined();
    expect(x?.evidence.map((e) => e.role)).toContain('after');
    expect(r.code).toBe(3);
  });
});

describe('the retry rules', () => {
  const errored = (status: number, headers: Record<string, string> = {}): CaseResult => ({
    id: 'x@1',
    caseId: 'x',
    suite: 's',
    title: 't',
    kind: 'allowed',
    fields: [],
    tags: [],
    source: [],
    verdict: 'error',
    reason: `target unavailable: ${status}`,
    transient: `PUT answered ${status}`,
    failures: [],
    checks: [],
    evidence: [{ role: 'update', request: { method: 'PUT', url: 'u', headers: {} }, response: { status, headers, body: '' }, elapsedMs: 1 }],
    requests: 3,
    durationMs: 1,
  });
  const ex = (status: number, text: string) => ({ request: { method: 'PUT', url: 'u', headers: {} }, response: { status, headers: {}, text }, elapsedMs: 1 });

  test('transient: no answer, 429/502/503/504, an HTML page; not a JSON 500, not a 409', () => {
    expect(transientCause(undefined, ex(502, 'bad gateway'))).toBe('PUT answered 502');
    expect(transientCause(undefined, ex(429, '{}'))).toBe('PUT answered 429');
    expect(transientCause(undefined, ex(404, '<html>sign in</html>'))).toBe('PUT answered 404 with an HTML page');
    expect(transientCause(undefined, { ...ex(500, '{"x":1}'), response: { status: 500, headers: {}, text: '{"x":1}', json: { x: 1 } } })).toBeUndefined();
    expect(transientCause(undefined, ex(409, 'conflict'))).toBeUndefined();
    expect(transientCause(undefined, undefined)).toBeUndefined();
  });

  test('Retry-After (seconds or a date) is honoured up to the cap; otherwise the backoff doubles', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    const policy = { retries: 3, maxWaitMs: 5000, baseWaitMs: 500 };
    expect(waitBefore(1, errored(503), policy)).toBe(500);
    expect(waitBefore(3, errored(503), policy)).toBe(2000);
    expect(waitBefore(1, errored(429, { 'retry-after': '2' }), policy)).toBe(2000);
    expect(waitBefore(1, errored(429, { 'retry-after': '3600' }), policy)).toBe(5000);
  });

  test('a pass, a failure and a non-transient error end the attempts at once; attempts that disagree are flaky', async () => {
    for (const verdict of ['pass', 'fail'] as const) {
      let n = 0;
      const r = await runWithRetries(async () => ({ ...errored(503), verdict, transient: undefined, n: n++ }), { retries: 3, maxWaitMs: 0 });
      expect(n).toBe(1);
      expect(r.attempts).toBeUndefined();
    }
    let calls = 0;
    const r = await runWithRetries(async () => (calls++ < 2 ? errored(503) : { ...errored(503), verdict: 'fail' as const, transient: undefined }), {
      retries: 5,
      maxWaitMs: 0,
    });
    expect(calls).toBe(3);
    expect(r.verdict).toBe('fail');
    expect(r.flaky).toBe('verdict changed between attempts: error → error → fail');
    expect(r.requests).toBe(9);
    expect(attemptsDisagree(r.attempts ?? [])).toBe(r.flaky);
  });
});
