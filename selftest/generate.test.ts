/**
 * Generated cases (engine/generate): reproducible for a seed, valid against fixtures/case.schema.json, passing
 * against the faithful reference backends, and shrunk by fast-check to a smaller counterexample under a fault.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ConformanceCase } from '../engine/cases/types.ts';
import { FAMILIES, type GeneratedSuite, generateCaseList, generatedVariant, shrinkFailure, validateGenerated } from '../engine/generate/index.ts';
import { explain } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import { targetNamed } from '../engine/targets/index.ts';
import { type OpenTarget, openK8sReferenceTarget, openReferenceTarget } from './support/targets.ts';

const SUITES: GeneratedSuite[] = ['k8s', 'nova'];

describe('generation', () => {
  test.each(SUITES)('%s: the same seed gives the same cases, another seed other ones', (suite) => {
    const a = generateCaseList({ suite, seed: 7, count: 60 });
    const b = generateCaseList({ suite, seed: 7, count: 60 });
    const c = generateCaseList({ suite, seed: 8, count: 60 });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test.each(SUITES)('%s: any case can be rebuilt on its own (stream offset) and every family takes part', (suite) => {
    const all = generateCaseList({ suite, seed: 3, count: 700 });
    expect(generateCaseList({ suite, seed: 3, start: 650, count: 50 })).toEqual(all.slice(650));
    const families = new Set(all.map((c) => /\.gen-(.+)-\d+$/.exec(c.id)?.[1]));
    expect([...families].sort()).toEqual(FAMILIES[suite].map((f) => f.name).sort());
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
  });

  test.each(SUITES)('%s: generated cases are valid cases (fixtures/case.schema.json) that cite their rule', (suite) => {
    const cases = generateCaseList({ suite, seed: 11, count: 400 });
    expect(validateGenerated(suite, cases)).toEqual([]);
    const prefix = suite === 'k8s' ? 'k8s.pods.patch.gen-' : 'nova.servers.update.gen-';
    for (const c of cases) {
      expect(c.id.startsWith(prefix)).toBe(true);
      expect(c.source.some((s) => /kubernetes\/|nova /.test(s))).toBe(true);
      expect(c.source.some((s) => s.includes('seed 11'))).toBe(true);
    }
  });

  test('a case that breaks the schema is reported', () => {
    const [c] = generateCaseList({ suite: 'k8s', seed: 1, count: 1 });
    const broken = { ...c, tags: ['not-a-tag'] } as ConformanceCase;
    expect(validateGenerated('k8s', [broken]).join('\n')).toMatch(/gen-label-value-0/);
  });
});

// Nova at the newest reference release (2.104), so the 2.94+ families run too.
const NEWEST_NOVA = { min: '2.1', max: '2.104' };
for (const [suite, open, fault, family, range] of [
  ['k8s', openK8sReferenceTarget, 'accept-forbidden', 'label-value-invalid', undefined],
  ['nova', () => openReferenceTarget(targetNamed('nova'), NEWEST_NOVA.max), 'lenient-name', 'name-invalid', NEWEST_NOVA],
] as const) {
  describe(`${suite}: generated cases against the reference backend`, () => {
    let t: OpenTarget;
    beforeAll(async () => {
      t = await open();
    });
    afterAll(async () => {
      await t?.close();
    });

    test('a batch passes against the faithful backend', async () => {
      t.setFaults([]);
      const cases = generateCaseList({ suite, seed: 5, count: 3 * FAMILIES[suite].length });
      const results = await Promise.all(cases.map((c) => runCase(generatedVariant(c, range), t.adapter, t.schemas)));
      const bad = results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${explain(r)}`);
      expect(bad).toEqual([]);
    });

    test(`under ${fault}, ${family} fails and shrinks to a smaller counterexample`, async () => {
      t.setFaults([fault]);
      try {
        const report = await shrinkFailure(family, 42, (c) => runCase(generatedVariant(c, range), t.adapter, t.schemas), { numRuns: 20 });
        expect(report.failed).toBe(true);
        expect(report.minimal?.result.verdict).toBe('fail');
        expect(report.minimal?.result.failures[0]?.check).toBe('status-code');
        expect(report.shrinks).toBeGreaterThan(0);
        const size = (v: unknown) => JSON.stringify(v).length;
        expect(size(report.minimal?.input)).toBeLessThan(size(report.original?.input));
        // The shrunk case is an ordinary, valid case.
        expect(validateGenerated(suite, [report.minimal?.case as ConformanceCase])).toEqual([]);
      } finally {
        t.setFaults([]);
      }
    });
  });
}
