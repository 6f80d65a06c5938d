/** What the reports say about failures: patterns that group them, JUnit bodies that carry the evidence. */
import { describe, expect, test } from 'vitest';
import type { CaseResult } from '../engine/results.ts';
import { renderJunit } from '../reporters/junit.ts';
import type { RunReport } from '../reporters/model.ts';
import { failurePattern, groupFailures } from '../reporters/patterns.ts';

const result = (id: string, kind: 'allowed' | 'forbidden', check: 'status-code' | 'immutability', received: string): CaseResult => ({
  id,
  caseId: id.split('@')[0] ?? id,
  variant: id.split('@')[1],
  suite: 'k8s.pods.patch',
  title: 't',
  kind,
  fields: ['spec.x'],
  tags: [],
  source: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5573 ValidatePodUpdate'],
  verdict: 'fail',
  failures: [{ check, title: 'Unexpected HTTP status', expected: '422', received }],
  checks: [],
  diff: [{ op: 'replace', path: '/spec/x', value: 7 }],
  evidence: [
    {
      role: 'update',
      request: { method: 'PATCH', url: 'https://k/api/v1/namespaces/n/pods/p', headers: { authorization: 'Bearer ***' }, body: '{"spec":{"x":7}}' },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"kind":"Pod"}' },
      elapsedMs: 3,
    },
  ],
  requests: 3,
  durationMs: 5,
});

describe('failure patterns', () => {
  test('a forbidden update answered 2xx reads as "forbidden updates accepted", an allowed one refused as "allowed updates rejected"', () => {
    expect(failurePattern(result('a@merge-patch', 'forbidden', 'status-code', '200'))).toBe('forbidden updates accepted');
    expect(failurePattern(result('b@merge-patch', 'allowed', 'status-code', '422'))).toBe('allowed updates rejected');
    expect(failurePattern(result('c@merge-patch', 'forbidden', 'status-code', '400'))).toBe('rejected with another status than upstream');
  });
  test('groups: largest first, every failed variant in exactly one group', () => {
    const rs = [
      result('a@1', 'forbidden', 'status-code', '200'),
      result('a@2', 'forbidden', 'status-code', '200'),
      result('b@1', 'allowed', 'immutability', 'x'),
    ];
    const groups = groupFailures(rs);
    expect(groups.map((g) => [g.pattern, g.results.length])).toEqual([
      ['forbidden updates accepted', 2],
      ['fields outside the update changed', 1],
    ]);
  });
});

describe('JUnit failure bodies', () => {
  test('carry the redacted update request and response and the before→after diff', () => {
    const report: RunReport = {
      tool: { name: 'update-conformance', version: '0' },
      runId: 'r1',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      interrupted: false,
      targets: [],
      results: [result('k8s.pods.patch.x@merge-patch', 'forbidden', 'status-code', '200')],
      runErrors: [],
    };
    const xml = renderJunit(report);
    const body = /<failure [^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? '';
    expect(body).toContain('update request (secrets redacted): PATCH https://k/api/v1/namespaces/n/pods/p');
    expect(body).toContain('authorization: Bearer ***');
    expect(body).toContain('{&quot;spec&quot;:{&quot;x&quot;:7}}'.replace(/&quot;/g, '"'));
    expect(body).toContain('update response: HTTP 200');
    expect(body).toContain('replace /spec/x = 7');
  });
});

describe('grouping technical errors keeps identifiers readable', () => {
  const errored = (id: string, reason: string): CaseResult => ({ ...result(id, 'allowed', 'status-code', '0'), verdict: 'error', reason, failures: [] });
  test('a UUID, a run-scoped name and a number read as placeholders, not digit by digit', () => {
    const a = errored('nova.a@2.1', 'server 3fa85f64-5717-4562-b3fc-2c963f66afa6 was not SHUTOFF within 60 s (task state powering-off)');
    const b = errored('nova.b@2.1', 'server 0b9e4f2a-1c3d-4e5f-8a7b-9c0d1e2f3a4b was not SHUTOFF within 90 s (task state powering-off)');
    expect(failurePattern(a)).toBe('technical errors: server <uuid> was not SHUTOFF within N s');
    expect(failurePattern(b)).toBe(failurePattern(a));
    expect(failurePattern(a)).not.toMatch(/NafN|N[a-f]N/);
    expect(failurePattern(errored('k8s.c@merge-patch', 'pod uc-3f9a1c-17 could not be created: 409'))).toBe(
      'technical errors: pod <name> could not be created',
    );
    expect(groupFailures([a, b])).toHaveLength(1);
  });
  test('an HTTP status and a quoted value stay what they are: the status is the cause, the value is one thing', () => {
    expect(failurePattern(errored('x@1', 'GET before answered 503, expected 200 (fault-proxy)'))).toBe(
      'technical errors: GET before answered 503, expected 200',
    );
    expect(failurePattern(errored('x@1', 'setup update of server "web-01" answered 502'))).toBe('technical errors: setup update of server "…" answered 502');
    // Different statuses are different causes: two groups.
    expect(groupFailures([errored('x@1', 'GET before answered 503'), errored('y@1', 'GET before answered 502')])).toHaveLength(2);
  });
});
