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
});
