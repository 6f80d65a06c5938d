/**
 * A suite's coverage of its upstream rule inventory (fixtures/<target>/rules.yaml, fields/fields.json): from its
 * case file for `list --coverage` and the self-tests, from what a run decided for the reports.
 */
import type { CaseResult } from '../results.ts';
import { casesOf } from '../targets/open.ts';
import type { AnyTarget } from '../targets/target.ts';
import { computeCoverage, type SuiteCoverage } from './coverage.ts';
import { loadInventory } from './inventory.ts';

export { computeCoverage, describeCoverage, describeUncovered, ruleUnits, type SuiteCoverage, type Tally, type Uncovered } from './coverage.ts';
export { type Inventory, type InventoryRule, loadInventory } from './inventory.ts';

/** A malformed inventory does not stop a run: its coverage says what is wrong instead. */
function guarded(suite: string, count: () => SuiteCoverage): SuiteCoverage {
  try {
    return count();
  } catch (err) {
    const none = { covered: 0, total: 0, uncovered: [] };
    return { suite, inventory: false, rules: none, fields: { ...none, uncovered: [] }, problems: [(err as Error).message] };
  }
}

/** What the suite's cases cover, whatever a run selects. */
export function suiteCoverage(target: AnyTarget): SuiteCoverage {
  return guarded(target.suite, () => computeCoverage(target.suite, loadInventory(target.name), casesOf(target)));
}

/** What a run's decided variants (passed or failed) exercised, per suite that ran. */
export function runCoverage(targets: readonly AnyTarget[], results: CaseResult[]): SuiteCoverage[] {
  return targets
    .filter((t) => results.some((r) => r.suite === t.suite))
    .map((t) =>
      guarded(t.suite, () => {
        const decided = results.filter((r) => r.suite === t.suite && (r.verdict === 'pass' || r.verdict === 'fail'));
        return computeCoverage(
          t.suite,
          loadInventory(t.name),
          casesOf(t),
          decided.map((r) => ({ id: r.caseId, fields: r.fields, rules: r.rules })),
        );
      }),
    );
}
