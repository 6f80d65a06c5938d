import type { Inventory, InventoryRule } from './inventory.ts';

/** What a case (or a result) says it exercises. */
export interface Exercise {
  id: string;
  fields: string[];
  rules?: string[];
}

/** Something the inventory lists that nothing exercised, and why. */
export interface Uncovered {
  /** A rule unit (`<id>`, or `<id>:accepted|rejected` of a limit) or a field path. */
  name: string;
  /** The stated reason (the rule's `uncovered`, the field's exemption), or why it is not exercised here. */
  reason?: string;
}

export interface Tally {
  covered: number;
  total: number;
  uncovered: Uncovered[];
}

/** A suite's coverage of its upstream inventory. `inventory: false`: the target has none yet (nothing counted). */
export interface SuiteCoverage {
  suite: string;
  inventory: boolean;
  rules: Tally;
  fields: Tally;
  /** Contract faults: a rule with neither a case nor a reason, a case naming an unknown rule, … (fail the self-tests). */
  problems: string[];
}

const SIDES = ['accepted', 'rejected'] as const;

/** What counts: one unit per rule, two for a limit rule (its largest accepted and first rejected value). */
export function ruleUnits(rule: InventoryRule): string[] {
  return rule.limit ? SIDES.map((s) => `${rule.id}:${s}`) : [rule.id];
}

/** A case's rule reference that names no unit, said as the fix. */
function badReference(ref: string, rules: Map<string, InventoryRule>): string | undefined {
  const [id = '', side] = ref.split(':');
  const rule = rules.get(id);
  if (!rule) return `names unknown rule ${id}`;
  if (rule.limit && !side) return `names limit rule ${id} without its side (${id}:accepted or ${id}:rejected)`;
  if (!rule.limit && side) return `names ${ref}, but ${id} has no limit (name it without :${side})`;
  return undefined;
}

/**
 * Joins an inventory with what exercised it. `all` is every case of the suite; `exercised` the ones that count
 * (for a run: the variants that ran and were decided). A unit the suite's cases reach but `exercised` does not
 * is uncovered "not exercised in this run"; one no case reaches carries the inventory's reason, or none (a
 * problem).
 */
export function computeCoverage(suite: string, inventory: Inventory | undefined, all: Exercise[], exercised: Exercise[] = all): SuiteCoverage {
  const empty = (): Tally => ({ covered: 0, total: 0, uncovered: [] });
  if (!inventory) return { suite, inventory: false, rules: empty(), fields: empty(), problems: [] };
  const problems: string[] = [];
  const rules = new Map(inventory.rules.map((r) => [r.id, r] as const));
  if (inventory.suite && inventory.suite !== suite) problems.push(`rules.yaml is for suite ${inventory.suite}, not ${suite}`);
  for (const c of inventory.hasRules ? all : []) {
    for (const ref of c.rules ?? []) {
      const bad = badReference(ref, rules);
      if (bad) problems.push(`case ${c.id} ${bad}`);
    }
  }
  const reached = new Set(all.flatMap((c) => c.rules ?? []));
  const hit = new Set(exercised.flatMap((c) => c.rules ?? []));
  const ruleTally = empty();
  for (const rule of inventory.rules) {
    for (const unit of ruleUnits(rule)) {
      ruleTally.total++;
      if (hit.has(unit)) ruleTally.covered++;
      else if (reached.has(unit)) ruleTally.uncovered.push({ name: unit, reason: 'not exercised in this run (skipped or not selected)' });
      else {
        ruleTally.uncovered.push({ name: unit, reason: rule.uncovered });
        if (!rule.uncovered) problems.push(`rule ${unit} has no case and no stated reason (add a case naming it, or "uncovered: <why>")`);
      }
    }
  }
  const fieldTally = empty();
  const exemptions = new Map(inventory.fieldExemptions.map((e) => [e.field, e.reason] as const));
  const fields = inventory.fields ?? [];
  const known = new Set(fields);
  for (const f of exemptions.keys()) if (!known.has(f)) problems.push(`fieldExemptions names ${f}, which fields/fields.json does not list`);
  const fieldsReached = new Set(all.flatMap((c) => c.fields));
  const fieldsHit = new Set(exercised.flatMap((c) => c.fields));
  for (const f of fields) {
    fieldTally.total++;
    if (fieldsHit.has(f)) fieldTally.covered++;
    else if (fieldsReached.has(f)) fieldTally.uncovered.push({ name: f, reason: 'not exercised in this run (skipped or not selected)' });
    else {
      fieldTally.uncovered.push({ name: f, reason: exemptions.get(f) });
      if (!exemptions.has(f)) problems.push(`field ${f} is neither changed by a case nor exempt (add a case listing it, or a fieldExemptions entry)`);
    }
  }
  return { suite, inventory: true, rules: ruleTally, fields: fieldTally, problems };
}

/** `rules 68/107 · fields 20/80` (or that the suite has no inventory yet). */
export function describeCoverage(c: SuiteCoverage): string {
  if (!c.inventory) return 'no upstream rule inventory yet (fixtures/<target>/rules.yaml)';
  const pct = (t: Tally) => (t.total ? ` (${Math.floor((100 * t.covered) / t.total)}%)` : '');
  return `rules ${c.rules.covered}/${c.rules.total}${pct(c.rules)} · fields ${c.fields.covered}/${c.fields.total}${pct(c.fields)}`;
}

/** `name (reason)`, or `name (no reason given)`. */
export function describeUncovered(u: Uncovered): string {
  return `${u.name} (${u.reason ?? 'no case, no reason given'})`;
}
