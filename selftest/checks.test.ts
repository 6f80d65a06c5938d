/** Every check, seen to pass and seen to fail, with the exact failure it reports. */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES_DIR } from '../engine/cases/load.ts';
import type { CaseVariant, ConformanceCase, Expectation } from '../engine/cases/types.ts';
import { CHECKS, type CheckContext, type CheckOutcome } from '../engine/checks/index.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { SchemaRegistry } from '../engine/schemas.ts';

const schemas = new SchemaRegistry();
schemas.add({ $id: 'urn:t:obj', type: 'object', required: ['kind'], properties: { kind: { const: 'Pod' } } });

/** A JSON answer says so (Content-Type application/json) unless `headers` give another. */
function exchange(status: number, json?: unknown, headers: Record<string, string> = {}): Exchange {
  if (json !== undefined) headers = { 'content-type': 'application/json', ...headers };
  return {
    request: { method: 'PATCH', url: 'http://127.0.0.1/x', headers: {} },
    response: { status, headers, text: json === undefined ? '' : JSON.stringify(json), json, jsonError: json === undefined ? 'empty body' : undefined },
    elapsedMs: 1,
  };
}

function ctx(expect: Expectation, update: Exchange, before?: unknown, after?: unknown, fields = ['f']): CheckContext {
  const c: ConformanceCase = { id: 'k8s.pods.patch.t', title: 'test case', kind: 'allowed', fields, tags: [], request: {}, expect, source: ['test'] };
  const variant: CaseVariant = { id: c.id, case: c };
  return {
    variant,
    expect,
    update,
    before,
    after,
    schemas,
    vars: { microversion: '2.19' },
    traits: {
      writeVolatile: ['/metadata/resourceVersion'],
      versionPointer: '/metadata/resourceVersion',
      schemaFor: () => 'urn:t:obj',
      errorMessage: (b) => (b as { message?: string })?.message,
      fieldPointer: (f) => `/${f.split('.').join('/')}`,
    },
  };
}

const failsOf = (o: CheckOutcome) => (o.kind === 'fail' ? o.failures.map((f) => `${f.title}|${f.pointer ?? ''}|${f.expected}|${f.received}`) : o.kind);

describe('status-code', () => {
  test('passes on the expected status or one of a set', () => {
    expect(CHECKS['status-code'](ctx({ status: 200 }, exchange(200, {})))).toEqual({ kind: 'pass' });
    expect(CHECKS['status-code'](ctx({ status: [400, 422] }, exchange(422, {})))).toEqual({ kind: 'pass' });
  });
  test('fails naming expected and received', () => {
    expect(failsOf(CHECKS['status-code'](ctx({ status: [400, 422] }, exchange(200, {}))))).toEqual(['Unexpected HTTP status||400 or 422|200']);
  });
});

describe('response-schema', () => {
  test('passes a valid body, fails an invalid or non-JSON one', () => {
    expect(CHECKS['response-schema'](ctx({ status: 200 }, exchange(200, { kind: 'Pod' })))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS['response-schema'](ctx({ status: 200 }, exchange(200, { kind: 'Status' }))))).toEqual([
      'Response violates schema|/kind|urn:t:obj|/kind: must be equal to constant',
    ]);
    expect(failsOf(CHECKS['response-schema'](ctx({ status: 200 }, exchange(200))))).toEqual(['Response body is not JSON||JSON matching urn:t:obj|empty body']);
  });
  test('a schema read from a file is named by its repository path, not its $id', () => {
    const fileSchemas = new SchemaRegistry();
    const id = fileSchemas.addFile(join(FIXTURES_DIR, 'k8s', 'schemas', 'pod.schema.json'));
    const c = { ...ctx({ status: 200 }, exchange(200, { kind: 'Pod' })), schemas: fileSchemas };
    c.traits = { ...c.traits, schemaFor: () => id };
    const [failure] = failsOf(CHECKS['response-schema'](c)) as string[];
    expect(failure).toMatch(/^Response violates schema\|[^|]*\|fixtures\/k8s\/schemas\/pod\.schema\.json\|/);
    expect(failure).not.toContain(id);
  });
});

describe('error-body', () => {
  const status = {
    kind: 'Status',
    code: 422,
    reason: 'Invalid',
    message: 'Pod "p" is invalid: spec.x',
    details: { causes: [{ field: 'spec.x', reason: 'FieldValueInvalid' }] },
  };
  test('passes a matching Status body', () => {
    const e: Expectation = { status: 422, error: { reason: 'Invalid', causes: [{ field: 'spec.x' }], messageIncludes: ['spec.x'] } };
    expect(CHECKS['error-body'](ctx(e, exchange(422, status)))).toEqual({ kind: 'pass' });
  });
  test('fails on wrong reason, missing cause, code mismatch and message', () => {
    const e: Expectation = { status: 422, error: { reason: 'Forbidden', causes: [{ field: 'spec.y' }], messageIncludes: ['nope'] } };
    const out = failsOf(CHECKS['error-body'](ctx(e, exchange(422, { ...status, code: 400 }))));
    expect(out).toHaveLength(4);
    expect(out[0]).toBe('Wrong Status reason|/reason|Forbidden|"Invalid"');
  });
  test('reason null means the key must be absent', () => {
    expect(failsOf(CHECKS['error-body'](ctx({ status: 500, error: { reason: null } }, exchange(500, { code: 500, reason: 'InternalError' }))))).toEqual([
      'Wrong Status reason|/reason|no reason|"InternalError"',
    ]);
  });
  test('checks a Nova fault key and its code', () => {
    const e: Expectation = { status: 400, error: { fault: 'badRequest' } };
    expect(CHECKS['error-body'](ctx(e, exchange(400, { badRequest: { code: 400, message: 'x' } })))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS['error-body'](ctx(e, exchange(400, { computeFault: { code: 400, message: 'x' } }))))).toEqual([
      'Wrong fault key||badRequest|computeFault',
    ]);
  });
  test('compares Status details name (placeholders filled in) and kind exactly', () => {
    const e: Expectation = { status: 422, error: { reason: 'Invalid', details: { name: '${podName}', kind: 'Pod' } } };
    const c = (body: unknown) => ({ ...ctx(e, exchange(422, body)), vars: { podName: 'p' } });
    expect(CHECKS['error-body'](c({ ...status, details: { ...status.details, name: 'p', kind: 'Pod' } }))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS['error-body'](c({ ...status, details: { name: 'q' } })))).toEqual([
      'Wrong Status details.name|/details/name|p|"q"',
      'Wrong Status details.kind|/details/kind|Pod|(absent)',
    ]);
  });
  test('does not apply to a success', () => {
    expect(CHECKS['error-body'](ctx({ status: 422, error: { reason: 'Invalid' } }, exchange(200, {}))).kind).toBe('not-applicable');
  });
});

describe('effect', () => {
  const e: Expectation = { status: 200, effect: [{ pointer: '/spec/image', value: 'b' }] };
  test('passes when response and GET after show the change', () => {
    expect(CHECKS.effect(ctx(e, exchange(200, { spec: { image: 'b' } }), { spec: { image: 'a' } }, { spec: { image: 'b' } }))).toEqual({ kind: 'pass' });
  });
  test('fails when the change is not persisted', () => {
    expect(failsOf(CHECKS.effect(ctx(e, exchange(200, { spec: { image: 'b' } }), { spec: { image: 'a' } }, { spec: { image: 'a' } })))).toEqual([
      'Allowed change not visible in GET after|/spec/image|"b"|"a"',
    ]);
  });
  test('a dry run must not persist', () => {
    const dry: Expectation = { status: 200, effect: [{ pointer: '/spec/image', value: 'b' }], persisted: false };
    expect(CHECKS.effect(ctx(dry, exchange(200, { spec: { image: 'b' } }), { spec: { image: 'a' } }, { spec: { image: 'a' } }))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS.effect(ctx(dry, exchange(200, { spec: { image: 'b' } }), { spec: { image: 'a' } }, { spec: { image: 'b' } })))).toEqual([
      'Dry run was persisted|/spec/image|GET after equals GET before|replace /spec/image',
    ]);
  });
  test('absent means the member must be gone', () => {
    const gone: Expectation = { status: 200, effect: [{ pointer: '/metadata/labels/a', absent: true }] };
    expect(CHECKS.effect(ctx(gone, exchange(200, { metadata: { labels: {} } }), {}, { metadata: { labels: {} } }))).toEqual({ kind: 'pass' });
    expect(CHECKS.effect(ctx(gone, exchange(200, { metadata: { labels: { a: 'x' } } }), {}, { metadata: { labels: {} } })).kind).toBe('fail');
  });
});

describe('immutability', () => {
  const before = { metadata: { resourceVersion: '1', labels: { a: 'x' } }, spec: { image: 'a', grace: 30 } };
  test('an accepted update may change its effect and the write-volatile pointers only', () => {
    const e: Expectation = { status: 200, effect: [{ pointer: '/spec/image', value: 'b' }] };
    const after = { metadata: { resourceVersion: '2', labels: { a: 'x' } }, spec: { image: 'b', grace: 30 } };
    expect(CHECKS.immutability(ctx(e, exchange(200, after), before, after))).toEqual({ kind: 'pass' });
    const touched = { ...after, spec: { image: 'b', grace: 31 } };
    expect(failsOf(CHECKS.immutability(ctx(e, exchange(200, touched), before, touched)))).toEqual(['Field outside the update changed|/spec/grace|30|31']);
  });
  test('a rejected update that changed anything is a partial apply', () => {
    const after = { metadata: { resourceVersion: '2', labels: { a: 'x' } }, spec: { image: 'a', grace: 30 } };
    expect(failsOf(CHECKS.immutability(ctx({ status: 422 }, exchange(422, {}), before, after)))).toEqual([
      'Partial apply: rejected update changed the resource|/metadata/resourceVersion|"1"|"2"',
    ]);
  });
  test('an applied forbidden change names the field the update targeted, not "outside the update"', () => {
    const after = { metadata: { resourceVersion: '2', labels: { a: 'x' } }, spec: { image: 'a', grace: 60 } };
    expect(failsOf(CHECKS.immutability(ctx({ status: 422 }, exchange(200, after), before, after, ['spec.grace'])))).toEqual([
      'Forbidden change applied|/spec/grace|30|60',
    ]);
    const collateral = { ...after, metadata: { resourceVersion: '2', labels: {} } };
    expect(failsOf(CHECKS.immutability(ctx({ status: 422 }, exchange(200, collateral), before, collateral, ['spec.grace'])))).toEqual([
      'Forbidden change applied|/spec/grace|30|60',
      'Field outside the update changed|/metadata/labels/a|"x"|(removed)',
    ]);
  });
  test('a subject gone after an answered update is an immutability failure that says so', () => {
    const out = CHECKS.immutability({ ...ctx({ status: 422 }, exchange(200, {}), before, undefined), gone: true });
    expect(failsOf(out)).toEqual([
      'Subject gone after the update||the subject still there (GET after answers 200)|GET after answered 404 (the update answered 200)',
    ]);
  });
  test('removed members are reported as removed', () => {
    const after = { metadata: { resourceVersion: '1', labels: {} }, spec: { image: 'a', grace: 30 } };
    expect(failsOf(CHECKS.immutability(ctx({ status: 400 }, exchange(400, {}), before, after)))[0]).toContain('|/metadata/labels/a|"x"|(removed)');
  });
});

describe('no-write and headers', () => {
  test('no-write compares the resource version', () => {
    const e: Expectation = { status: 200, noWrite: true };
    expect(CHECKS['no-write'](ctx(e, exchange(200, {}), { metadata: { resourceVersion: '5' } }, { metadata: { resourceVersion: '5' } }))).toEqual({
      kind: 'pass',
    });
    expect(failsOf(CHECKS['no-write'](ctx(e, exchange(200, {}), { metadata: { resourceVersion: '5' } }, { metadata: { resourceVersion: '6' } })))).toEqual([
      'No-op update wrote a new version|/metadata/resourceVersion|"5"|"6"',
    ]);
  });
  test('headers expand ${vars} and compare case-insensitively', () => {
    const e: Expectation = { status: 200, headers: [{ name: 'OpenStack-API-Version', equals: 'compute ${microversion}' }] };
    expect(CHECKS.headers(ctx(e, exchange(200, {}, { 'openstack-api-version': 'compute 2.19' })))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS.headers(ctx(e, exchange(200, {}, { 'openstack-api-version': 'compute 2.1' }))))).toEqual([
      'Header OpenStack-API-Version not as expected||"compute 2.19"|"compute 2.1"',
    ]);
    expect(CHECKS.headers(ctx({ status: 200, headers: [{ name: 'Warning', absent: true }] }, exchange(200, {}, { warning: '299 - x' }))).kind).toBe('fail');
  });
  test('every JSON answer, success or error, has the JSON media type (parameters allowed)', () => {
    expect(CHECKS.headers(ctx({ status: 200 }, exchange(200, {}, { 'content-type': 'application/json; charset=utf-8' })))).toEqual({ kind: 'pass' });
    expect(failsOf(CHECKS.headers(ctx({ status: 200 }, exchange(200, {}, { 'content-type': 'text/plain' }))))).toEqual([
      'JSON answer without a JSON media type||Content-Type application/json|"text/plain"',
    ]);
    expect(failsOf(CHECKS.headers(ctx({ status: 422 }, exchange(422, { kind: 'Status' }, { 'content-type': 'text/plain; charset=utf-8' }))))).toEqual([
      'JSON answer without a JSON media type||Content-Type application/json|"text/plain; charset=utf-8"',
    ]);
    // No JSON body, or a case whose upstream answer is not JSON: nothing to say about the media type.
    expect(CHECKS.headers(ctx({ status: 404 }, exchange(404))).kind).toBe('not-applicable');
    expect(CHECKS.headers(ctx({ status: 404, notJson: true }, exchange(404, {}, { 'content-type': 'text/plain' }))).kind).toBe('not-applicable');
  });
});
