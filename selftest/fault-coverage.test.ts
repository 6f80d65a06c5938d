/**
 * A check that has never been seen to fail is not a check. Against each faithful reference backend every
 * case must pass; and for every case some switchable fault of that backend must make it fail. The table
 * (case × faults that kill it) is written to reports/fault-coverage.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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

for (const target of TARGETS) {
  const name = target.suite;
  const open = () => openReferenceTarget(target);
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
      const idle = [...killsPerFault].filter(([, n]) => n === 0).map(([f]) => f);
      expect(idle, 'faults that no case catches').toEqual([]);
      // One full run per fault: it grows with faults × variants, not with one request's latency.
    }, 600_000);
  });
}
