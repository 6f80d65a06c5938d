/** Version-scoped expectations (engine/cases/scope.ts): the target's upstream release picks the expectation. */
import { describe, expect, test } from 'vitest';
import { scopeVariants } from '../engine/cases/scope.ts';
import type { CaseVariant, ConformanceCase } from '../engine/cases/types.ts';
import { casesOf, targetNamed } from '../engine/targets/index.ts';

const base: ConformanceCase = {
  id: 'x.y.z.case',
  title: 'a case with a release-scoped expectation',
  kind: 'forbidden',
  fields: ['f'],
  tags: [],
  request: {},
  expect: { status: 422, error: { reason: 'Invalid', causes: [{ field: 'a.b', reason: 'FieldValueInvalid' }] } },
  expectBy: [
    { upstream: { min: '1.37' }, because: 'the cause moved to a[0].b', expect: { error: { causes: [{ field: 'a[0].b', reason: 'FieldValueRequired' }] } } },
  ],
  source: ['test'],
};
const variants: CaseVariant[] = [{ id: base.id, case: base }];

describe('scopeVariants', () => {
  test('below the range the case keeps its own expectation', () => {
    expect(scopeVariants(variants, '1.36')[0]?.scoped).toBeUndefined();
  });
  test('inside the range the entry replaces those members, keeps the rest, and says why', () => {
    const v = scopeVariants(variants, '1.37')[0];
    expect(v?.scoped?.expect.status).toBe(422);
    expect(v?.scoped?.expect.error?.causes).toEqual([{ field: 'a[0].b', reason: 'FieldValueRequired' }]);
    expect(v?.scoped?.because).toBe('upstream 1.37–latest: the cause moved to a[0].b');
  });
  test('an unknown upstream version changes nothing', () => {
    expect(scopeVariants(variants, undefined)).toBe(variants);
  });
  test('the Pod case whose cause changed in 1.37 is scoped, and only from 1.37', () => {
    const k8s = targetNamed('k8s');
    const owner = casesOf(k8s).filter((c) => c.id === 'k8s.pods.patch.owner-reference-no-uid');
    const at = (minor: string) => scopeVariants(k8s.variants(owner, { serverVersion: minor, gitVersion: '' }), minor)[0]?.scoped;
    expect(at('1.36')).toBeUndefined();
    expect(at('1.37')?.expect.error?.causes?.[0]?.field).toBe('metadata.ownerReferences[0].uid');
  });
  test('pod-level resources: 200 and dropped on 1.33 (alpha gate), 422 from 1.34', () => {
    const k8s = targetNamed('k8s');
    const add = casesOf(k8s).filter((c) => c.id === 'k8s.pods.patch.pod-resources-add');
    const at = (minor: string) => scopeVariants(k8s.variants(add, { serverVersion: minor, gitVersion: '' }), minor)[0];
    expect(at('1.33')?.scoped?.expect).toMatchObject({ status: 200, effect: [{ pointer: '/spec/resources', absent: true }] });
    expect(at('1.33')?.scoped?.because).toMatch(/PodLevelResources/);
    expect(at('1.34')?.scoped).toBeUndefined();
    expect(at('1.34')?.case.expect.status).toBe(422);
  });
});

describe('Nova: the release is known by its max microversion', () => {
  const nova = targetNamed('nova');
  const facts = (max: string, more: object = {}) => ({
    range: { min: '2.1', max },
    targetMax: max,
    altConfigured: true,
    altServerId: 'alt',
    readerConfigured: true,
    authMode: 'keystone',
    ...more,
  });
  const reader = casesOf(nova).filter((c) => c.id === 'nova.servers.update.reader-forbidden');
  const at = (max: string) => scopeVariants(nova.variants(reader, facts(max)), nova.upstreamVersion(facts(max)))[0];
  test("a reader may update on Zed's old policy defaults (2.93) and gets 403 from 2023.1 (2.95) on", () => {
    expect(at('2.93')?.scoped?.expect.status).toBe(200);
    expect(at('2.93')?.scoped?.because).toMatch(/enforce_new_defaults/);
    expect(at('2.95')?.scoped).toBeUndefined();
    expect(at('2.104')?.case.expect.status).toBe(403);
  });
  test('the token cases are skipped with the reason against noauth2, and the reader case without a reader', () => {
    const pick = (id: string) =>
      nova.variants(
        casesOf(nova).filter((c) => c.id === id),
        facts('2.93'),
      )[0] as CaseVariant;
    const noToken = pick('nova.servers.update.no-token');
    expect(nova.skipReason(noToken, facts('2.93', { authMode: 'noauth' }))).toMatch(/noauth2/);
    expect(nova.skipReason(noToken, facts('2.93'))).toBeUndefined();
    expect(nova.skipReason(pick('nova.servers.update.reader-forbidden'), facts('2.93', { readerConfigured: false }))).toMatch(/OS_READER_USERNAME/);
  });
  test('response-shape cases run once per response schema inside the range; the others only at the request boundaries', () => {
    const ids = (id: string) =>
      nova
        .variants(
          casesOf(nova).filter((c) => c.id === id),
          facts('2.104'),
        )
        .map((v) => v.variant);
    expect(ids('nova.servers.update.empty-server-object')).toEqual([
      '2.1',
      '2.9',
      '2.18',
      '2.19',
      '2.26',
      '2.47',
      '2.63',
      '2.71',
      '2.73',
      '2.74',
      '2.75',
      '2.89',
      '2.90',
      '2.96',
      '2.98',
      '2.100',
      '2.104',
    ]);
    expect(ids('nova.servers.update.rename-single-char')).toEqual(['2.1', '2.18', '2.19', '2.74', '2.75', '2.89', '2.90', '2.104']);
  });
});
