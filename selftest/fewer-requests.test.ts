/**
 * Fewer requests per variant (issue 21, item 4): a read the target already gave stands in for the next one only
 * when the engine can prove it still holds. Nova: the GET after of one case is the GET before of the next case
 * on the same server, at the same microversion, while the ledger shows no request about that server since (a
 * setup update, a seed, an action, another client's request all break it). Kubernetes: a created pod's POST
 * answer is its first read.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import type { CaseVariant } from '../engine/cases/types.ts';
import { loadConfig } from '../engine/config/index.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { SubjectLedger } from '../engine/lifecycle/ledger.ts';
import { Pool } from '../engine/lifecycle/pool.ts';
import type { CaseResult } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import { type OpenedSuite, openSuite, targetNamed } from '../engine/targets/index.ts';
import { openK8sReferenceTarget } from './support/targets.ts';

const read = (): Exchange => ({ request: { method: 'GET', url: 'u', headers: {} }, response: { status: 200, headers: {}, text: '{}' }, elapsedMs: 0 });

describe('SubjectLedger', () => {
  test('a read holds while it is the last request sent about its subject', () => {
    const ledger = new SubjectLedger();
    const ex = read();
    ledger.answered('s1', ledger.sent('s1'), ex);
    expect(ledger.isLatest('s1', ex)).toBe(true);
    ledger.sent('s2');
    expect(ledger.isLatest('s1', ex)).toBe(true);
    expect(ledger.isLatest('s2', ex)).toBe(false);
    ledger.sent('s1');
    expect(ledger.isLatest('s1', ex)).toBe(false);
    expect(ledger.isLatest('s1', read())).toBe(false);
  });
});

describe('Pool preference', () => {
  test('a lease takes the free item it prefers most, a given-back item goes to the waiter that prefers it most', async () => {
    const pool = new Pool(['a', 'b', 'c']);
    expect(await pool.lease((x) => (x === 'b' ? 1 : 0))).toBe('b');
    expect(await pool.lease()).toBe('a');
    expect(await pool.lease()).toBe('c');
    const first = pool.lease((x) => (x === 'c' ? 1 : 0));
    const second = pool.lease((x) => (x === 'a' ? 1 : 0));
    pool.giveBack('a');
    expect(await second).toBe('a');
    pool.giveBack('b');
    expect(await first).toBe('b');
  });
});

describe('Nova: the GET after of one case is the GET before of the next, when the ledger proves it', () => {
  let nova: NovaReference;
  let suite: OpenedSuite;
  const run = async (id: string): Promise<CaseResult> => {
    const v = suite.variants.find((x) => x.id === id) as CaseVariant;
    expect(v, id).toBeDefined();
    return runCase(v, suite.adapter, suite.schemas, { fullEvidence: true });
  };
  const beforeRead = (r: CaseResult) => r.evidence.find((e) => e.role === 'before');
  beforeAll(async () => {
    nova = await startNovaReference({});
    // One server: every case below runs on it, one after the other.
    const env = {
      ...passwordAuthEnv(nova),
      NOVA_SERVER_IDS: nova.serverIds.a[0] as string,
      CONFORMANCE_RUN_ID: 'stfewer',
      CONFORMANCE_REPORT_DIR: 'reports/selftest',
    };
    suite = await openSuite(targetNamed('nova'), loadConfig(env));
  });
  afterAll(async () => {
    await suite?.close();
    await nova?.close();
  });

  test('reused only while nothing was sent about the server, at the same microversion', async () => {
    const first = await run('nova.servers.update.reject-security-groups@2.1');
    expect(first.verdict).toBe('pass');
    expect(beforeRead(first)?.reused).toBeUndefined();

    // Same microversion, setup already shown by the last GET: no setup update, no GET before.
    const second = await run('nova.servers.update.reject-user-data@2.1');
    expect(second.verdict).toBe('pass');
    expect(beforeRead(second)?.reused).toMatch(
      /^the GET of nova\.servers\.update\.reject-security-groups@2\.1: no request about server .* was sent since \(ledger\)/,
    );
    expect(second.requests).toBe(2);
    const rename = await run('nova.servers.update.rename@2.1');
    expect(rename.verdict).toBe('pass');
    expect(beforeRead(rename)?.reused).toMatch(/reject-user-data@2\.1/);

    // The rename left another name: the setup update is sent, and the GET before is read again.
    const third = await run('nova.servers.update.reject-metadata@2.1');
    expect(third.verdict).toBe('pass');
    expect(third.evidence.filter((e) => e.role === 'setup').map((e) => e.request.method)).toContain('PUT');
    expect(beforeRead(third)?.reused).toBeUndefined();

    // Another microversion: read again.
    const other = await run('nova.servers.update.reject-key-name@2.18');
    expect(beforeRead(other)?.reused).toBeUndefined();

    // A lock and its unlock are requests about the server: the next case reads again.
    const locked = suite.variants.find((x) => (x.case.setup as { lock?: boolean } | undefined)?.lock && x.variant === '2.18');
    expect(locked).toBeDefined();
    await runCase(locked as CaseVariant, suite.adapter, suite.schemas);
    expect(beforeRead(await run('nova.servers.update.reject-networks@2.18'))?.reused).toBeUndefined();
  });

  test('a defect the reused read must still show: an update that writes while rejecting it fails', async () => {
    await run('nova.servers.update.reject-image-ref@2.1');
    nova.setFaults(['partial-apply']);
    try {
      const r = await run('nova.servers.update.name-empty@2.1');
      expect(beforeRead(r)?.reused).toBeDefined();
      expect(r.verdict).toBe('fail');
    } finally {
      nova.setFaults([]);
    }
  });
});

describe("Kubernetes: a created pod's POST answer is its first read", () => {
  test('the GET before is the setup answer, marked and not counted', async () => {
    const t = await openK8sReferenceTarget();
    try {
      const v = t.variants.find((x) => x.id === 'k8s.pods.patch.image-replace@json-patch') ?? t.variants.find((x) => !x.case.setup);
      const r = await runCase(v as CaseVariant, t.adapter, t.schemas, { fullEvidence: true });
      expect(r.verdict).toBe('pass');
      const b = r.evidence.find((e) => e.role === 'before');
      expect(b?.reused).toMatch(/^the answer of POST uc-.* in the setup: the pod is this case's own and no request about it was sent since$/);
      expect(b?.response.status).toBe(201);
      expect(r.requests).toBe(r.evidence.length - 1);
    } finally {
      await t.close();
    }
  });
});
