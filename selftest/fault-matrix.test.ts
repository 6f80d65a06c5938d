/**
 * Faults between the suite and its target: both suites run as a user runs them (`main(['run'])`, configured
 * through the environment) against the reference backends behind the fault proxy, once per fault. The fault
 * hits only the update requests of some variants (k8s: JSON-patch PATCHes; Nova: PUTs at microversion 2.1),
 * so preflight, setup of the others, GETs and cleanup go through. Per fault: the run ends within a bound
 * derived from the timeout, the hit variants are `error` with a reason (never `fail`), the others pass, the
 * exit code is 3 (0 when nothing was hit, 1 for the one answer that is the target's own JSON), the reports
 * are written and nothing is left on the targets. The table goes to reports/fault-matrix.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FaultProxy } from '../backends/fault-proxy/index.ts';
import type { K8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv } from '../backends/nova-reference/index.ts';
import type { CaseResult } from '../engine/results.ts';
import { type Proxied, startProxied } from './support/proxied.ts';
import { counts, k8sLeftovers, missingReports, novaDrift, novaState, ROOT, readReport, reportDir, runMain } from './support/run-cli.ts';

const TIMEOUT_MS = 1500;
const CONCURRENCY = 4;
const K8S_TOKEN = 'fault-matrix-k8s-token-0123456789';

/** A few stable variants per suite; the `hit` ones get the fault. */
const CASES = [
  'k8s.pods.patch.labels-add@*',
  'k8s.pods.patch.label-bad-key@*',
  'k8s.pods.patch.image-replace@*',
  'nova.servers.update.rename@2.1',
  'nova.servers.update.rename@2.93',
  'nova.servers.update.empty-server-object@2.1',
  'nova.servers.update.empty-server-object@2.93',
  'nova.servers.update.name-empty@2.1',
  'nova.servers.update.name-empty@2.93',
];
const hit = (id: string) => id.endsWith('@json-patch') || id.endsWith('@2.1');
/** The variants above whose case expects the update to be refused. */
const REFUSED = /label-bad-key|name-empty/;
/** Its setup update (a PUT at 2.1 too) may meet the fault first: then a setup error, whatever the fault's answer. */
const setupHit = (id: string) => id === 'nova.servers.update.rename@2.1';
const SETUP_REASON = /^setup update of \S+ answered \d+|failed \(/;

type Expected = 'error' | 'pass' | 'fail';
interface Row {
  fault: string;
  /** What the hit variants must be (by variant, when it depends on the status the case expects). */
  expect: Expected | ((id: string) => Expected);
  code: number;
  /** The reason of a hit variant must say this. */
  reason?: RegExp;
  /** The update's answer arrived, so it is in the evidence. */
  answered?: boolean;
  note: string;
}

const ROWS: Row[] = [
  { fault: 'none', expect: 'pass', code: 0, note: 'baseline' },
  { fault: 'latency:300', expect: 'pass', code: 0, note: 'slower, within the timeout: nothing to decide differently' },
  { fault: 'reset', expect: 'error', code: 3, reason: /failed \(/, note: 'connection reset before an answer' },
  // Issue 12: a status other than the expected one is the target's decision, with or without a JSON body.
  { fault: 'status:500', expect: 'fail', code: 1, answered: true, note: '500 with a text body: a definitive wrong answer' },
  { fault: 'status:502', expect: 'error', code: 3, reason: /unavailable: 502/, answered: true, note: 'bad gateway' },
  { fault: 'status:503', expect: 'error', code: 3, reason: /unavailable: 503/, answered: true, note: 'unavailable' },
  { fault: 'status:503:retry=1', expect: 'error', code: 3, reason: /unavailable: 503/, answered: true, note: 'unavailable, Retry-After: 1' },
  { fault: 'status:429', expect: 'error', code: 3, reason: /unavailable: 429/, answered: true, note: 'rate limited' },
  { fault: 'status:429:retry=1', expect: 'error', code: 3, reason: /unavailable: 429/, answered: true, note: 'rate limited, Retry-After: 1' },
  { fault: 'truncate:cut', expect: 'error', code: 3, reason: /not JSON/, answered: true, note: 'half the body, Content-Length of the half' },
  { fault: 'truncate:full', expect: 'error', code: 3, reason: /failed \(/, note: 'half the body, Content-Length of the whole' },
  {
    fault: 'non-json',
    // 200 where 200 is due but no JSON: undecidable; 200 where the case expects a refusal: a failure.
    expect: (id) => (REFUSED.test(id) ? 'fail' : 'error'),
    code: 1,
    reason: /not JSON \(text\/plain/,
    answered: true,
    note: '200 text/plain',
  },
  { fault: 'html', expect: 'error', code: 3, reason: /HTML instead of JSON/, answered: true, note: '200 HTML sign-in page' },
  { fault: 'html:404', expect: 'error', code: 3, reason: /HTML instead of JSON/, answered: true, note: '404 HTML error page' },
  { fault: 'stall', expect: 'error', code: 3, reason: /failed \(.*(Timeout|timeout)/, note: 'headers, then silence until the timeout' },
  { fault: 'close-mid-body', expect: 'error', code: 3, reason: /failed \(/, note: 'connection closed mid-body' },
  { fault: 'status:500:json', expect: 'fail', code: 1, answered: true, note: "contrast: a JSON answer is the target's decision" },
];

let k8s: K8sReference;
let nova: NovaReference;
let k8sProxy: FaultProxy;
let novaProxy: FaultProxy;
let novaBefore: Awaited<ReturnType<typeof novaState>>;
let baselineMs = 0;
let baselineIds: string[] = [];
const table: string[] = [];

function envFor(name: string, runId: string): Record<string, string> {
  return {
    K8S_SERVER: k8sProxy.url,
    K8S_TOKEN,
    ...passwordAuthEnv(nova, novaProxy.url),
    CONFORMANCE_RUN_ID: runId,
    CONFORMANCE_REPORT_DIR: reportDir(join('fault-matrix', name)),
    CONFORMANCE_TIMEOUT_MS: String(TIMEOUT_MS),
    CONFORMANCE_CONCURRENCY: String(CONCURRENCY),
    // One attempt per variant: this matrix is about how a single faulty answer is judged (retries: selftest/retries.test.ts).
    CONFORMANCE_RETRIES: '0',
  };
}

let proxied: Proxied | undefined;

beforeAll(async () => {
  proxied = await startProxied(K8S_TOKEN, { maxRequests: 50_000, lifetimeMs: 300_000, stallMaxMs: 10_000 });
  ({ k8s, nova, k8sProxy, novaProxy, novaBefore } = proxied);
});

afterAll(async () => {
  await proxied?.close();
  if (table.length) {
    const lines = [
      '# Fault matrix',
      '',
      `Both suites through backends/fault-proxy against the reference backends (written by selftest/fault-matrix.test.ts). Timeout ${TIMEOUT_MS} ms, concurrency ${CONCURRENCY}.`,
      `Hit: the update requests of the JSON-patch variants (k8s) and of the microversion-2.1 variants (Nova); everything else passes through. Baseline run: ${Math.round(baselineMs)} ms.`,
      '',
      '| fault | what | hit variants | pass | fail | error | skip | exit | time | leaks (pods / servers) |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
      ...table,
      '',
    ];
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    writeFileSync(join(ROOT, 'reports', 'fault-matrix.md'), lines.join('\n'));
  }
});

describe('a fault between the suite and the target is a technical error, never a conformance failure', () => {
  test.for(ROWS.map((r) => [r.fault, r] as const))('%s', async ([, row]) => {
    const name = row.fault.replace(/[^a-z0-9]+/gi, '-');
    const runId = `fm${name.replace(/-/g, '').slice(0, 8)}${Math.random().toString(36).slice(2, 4)}`.toLowerCase().slice(0, 12);
    const env = envFor(name, runId);
    k8sProxy.setFault(row.fault, { methods: ['PATCH'], path: /\/pods\/[^/]+$/, headers: { 'content-type': /json-patch\+json/ } });
    novaProxy.setFault(row.fault, { methods: ['PUT'], path: /\/servers\/[^/]+$/, headers: { 'openstack-api-version': /^compute 2\.1$/ } });
    const faultedBefore = k8sProxy.faulted + novaProxy.faulted;

    const run = await runMain(['run', '--case', CASES.join(',')], env);
    k8sProxy.setFault('none', {});
    novaProxy.setFault('none', {});
    const faulted = k8sProxy.faulted + novaProxy.faulted - faultedBefore;
    const dir = env.CONFORMANCE_REPORT_DIR as string;
    const log = [...run.out, ...run.err].join('\n');

    // Reports are written whatever happened.
    expect(missingReports(dir), log).toEqual([]);
    const report = readReport(dir);
    const results = report.results;
    const c = counts(results);
    const hitResults = results.filter((r) => hit(r.id));
    const others = results.filter((r) => !hit(r.id));

    // Nothing is left behind on either target.
    const left = await k8sLeftovers(k8s, K8S_TOKEN, runId);
    const drift = novaDrift(novaBefore, await novaState(nova));

    const hitText = hitResults.length ? `${hitResults.length} → ${[...new Set(hitResults.map((r) => r.verdict))].join('/')}` : '0';
    table.push(
      `| \`${row.fault}\` | ${row.note} | ${hitText} | ${c.pass} | ${c.fail} | ${c.error} | ${c.skip} | ${run.code} | ${(run.ms / 1000).toFixed(1)} s | ${left.pods.length + left.namespaces.length} / ${drift.length} |`,
    );
    if (row.fault === 'none') baselineMs = run.ms;

    const show = (rs: CaseResult[]) => rs.map((r) => `${r.id}: ${r.verdict} ${r.reason ?? r.failures[0]?.title ?? ''}`).join('\n');
    // Every scenario runs the same variants as the baseline: some hit by the fault, some not.
    if (row.fault === 'none') baselineIds = results.map((r) => r.id).sort();
    expect(results.map((r) => r.id).sort(), log).toEqual(baselineIds);
    expect(hitResults.length).toBeGreaterThanOrEqual(4);
    expect(others.length).toBeGreaterThanOrEqual(4);
    expect(row.expect === 'pass' || faulted > 0, 'the proxy injected the fault').toBe(true);
    // No hang: at most one timeout per wave of hit variants beyond the baseline (plus slack for a loaded machine).
    const waves = Math.ceil(hitResults.length / CONCURRENCY) + 1;
    expect(run.ms, 'run duration').toBeLessThan(Math.max(baselineMs, 3_000) * 3 + waves * (TIMEOUT_MS + 300) + 5_000);
    expect(
      others.filter((r) => r.verdict !== 'pass'),
      show(others),
    ).toEqual([]);
    const expected = (id: string): Expected => {
      const want = typeof row.expect === 'function' ? row.expect(id) : row.expect;
      return setupHit(id) && want === 'fail' ? 'error' : want;
    };
    expect(
      hitResults.filter((r) => r.verdict !== expected(r.id)),
      show(hitResults),
    ).toEqual([]);
    for (const r of hitResults.filter((x) => x.verdict === 'error')) {
      const reason = r.reason ?? '';
      if (setupHit(r.id)) expect(SETUP_REASON.test(reason) || (row.reason ?? /./).test(reason), `${r.id}: ${reason}`).toBe(true);
      else expect(reason, r.id).toMatch(row.reason ?? /./);
      // A setup failure keeps no evidence yet (engine gap, see the report); the update's faulty answer is kept.
      if (row.answered && !setupHit(r.id)) expect(r.evidence.length, `${r.id} keeps the faulty answer as evidence`).toBeGreaterThan(0);
      // The console line of the variant carries the reason (its first line).
      const first = (r.reason ?? '').split('\n')[0] ?? '';
      expect(
        run.out.some((l) => l.includes(r.id) && l.includes(first)),
        r.id,
      ).toBe(true);
    }
    expect(run.code, log).toBe(row.code);
    expect(left).toEqual({ pods: [], namespaces: [] });
    expect(k8s.podCount()).toBe(0);
    expect(drift).toEqual([]);
  });
});
