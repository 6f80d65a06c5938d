/**
 * A check that has never been seen to fail is not a check. Against each faithful reference backend every
 * case must pass; and for every case some switchable fault of that backend must make it fail. The table
 * (case × faults that kill it) is written to reports/fault-coverage.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { referenceReleases } from '../cli/embedded.ts';
import type { CaseVariant } from '../engine/cases/types.ts';
import { type CaseResult, explain } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import { TARGETS } from '../engine/targets/index.ts';
import { type OpenTarget, openReferenceTarget } from './support/targets.ts';

async function runAll(t: OpenTarget, variants: CaseVariant[], concurrency = 8): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(variants.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < variants.length) {
        const i = next++;
        results[i] = await runCase(variants[i] as CaseVariant, t.adapter, t.schemas);
      }
    }),
  );
  return results;
}

const coverage: string[] = [
  '# Fault coverage',
  '',
  'Each case variant and the reference-backend faults that make it fail (written by selftest/fault-coverage.test.ts).',
  '',
];

// Kills per fault, summed over the releases a reference backend imitates: a fault in a newer release's rule
// (2.104's pinned zone) has nothing to kill against an older release.
const killsByTarget = new Map<string, Map<string, number>>();

for (const target of TARGETS)
  for (const release of referenceReleases(target)) {
    const name = release ? `${target.suite} (release ${release})` : target.suite;
    const open = () => openReferenceTarget(target, release);
    describe(`${name} against its reference backend`, () => {
      let t: OpenTarget;
      let faithful: CaseResult[] = [];
      beforeAll(async () => {
        t = await open();
        t.setFaults([]);
        faithful = await runAll(t, t.variants);
      });
      afterAll(async () => {
        await t?.close();
      });

      test('every case passes against the faithful backend', () => {
        const bad = faithful.filter((r) => r.verdict === 'fail' || r.verdict === 'error').map((r) => `${r.id}: ${explain(r)}`);
        expect(bad).toEqual([]);
        expect(faithful.filter((r) => r.verdict === 'pass').length).toBeGreaterThan(0);
      });

      test('every case fails under at least one fault', async () => {
        // Only variants that pass against the faithful backend can show a fault (skips cannot run here).
        const runnable = t.variants.filter((_, i) => faithful[i]?.verdict === 'pass');
        const killedBy = new Map<string, string[]>(runnable.map((v) => [v.id, []]));
        const killsPerFault = new Map<string, number>();
        for (const fault of t.faults) {
          t.setFaults([fault.name]);
          const results = await runAll(t, runnable);
          let kills = 0;
          for (const r of results) {
            if (r.verdict === 'fail') {
              killedBy.get(r.id)?.push(fault.name);
              kills++;
            }
          }
          killsPerFault.set(fault.name, kills);
          const total = killsByTarget.get(target.suite) ?? new Map<string, number>();
          total.set(fault.name, (total.get(fault.name) ?? 0) + kills);
          killsByTarget.set(target.suite, total);
        }
        t.setFaults([]);
        coverage.push(`## ${name}`, '', '| fault | family | variants killed |', '|---|---|---:|');
        for (const f of t.faults) coverage.push(`| ${f.name} | ${f.family} | ${killsPerFault.get(f.name) ?? 0} |`);
        coverage.push('', '| case variant | killed by |', '|---|---|');
        for (const [id, faults] of killedBy) coverage.push(`| ${id} | ${faults.join(', ') || '**none**'} |`);
        coverage.push('');
        mkdirSync('reports', { recursive: true });
        writeFileSync('reports/fault-coverage.md', coverage.join('\n'));
        const survivors = [...killedBy].filter(([, f]) => f.length === 0).map(([id]) => id);
        expect(survivors).toEqual([]);
        // Every fault × every variant, per release: minutes on a busy 2-core machine.
      }, 900_000);
    });
  }

describe('every fault of a reference backend', () => {
  for (const target of TARGETS) {
    test(`${target.suite}: kills some case variant against at least one release`, () => {
      const kills = killsByTarget.get(target.suite);
      expect(kills, 'the coverage runs above did not run').toBeDefined();
      const idle = [...(kills ?? [])].filter(([, n]) => n === 0).map(([f]) => f);
      expect(idle, 'faults that no case catches').toEqual([]);
    });
  }
});
