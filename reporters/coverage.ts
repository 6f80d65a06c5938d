import { describeCoverage, describeUncovered, type SuiteCoverage, type Uncovered } from '../engine/coverage/coverage.ts';

/** Uncovered names joined for one line: the first `max`, then how many more. */
function named(list: Uncovered[], max: number, withReason: boolean): string {
  const shown = list.slice(0, max).map((u) => (withReason ? describeUncovered(u) : u.name));
  return `${shown.join(', ')}${list.length > max ? `, … ${list.length - max} more` : ''}`;
}

/**
 * A suite's coverage in a few lines (console, `list --coverage`): the counts, then what is uncovered by name
 * (`max` of each; every one with its reason in summary.md and report.html).
 */
export function coverageLines(c: SuiteCoverage, max = 8, withReason = false): string[] {
  const lines = [`${c.suite} coverage: ${describeCoverage(c)}`];
  if (c.rules.uncovered.length) lines.push(`  uncovered rules: ${named(c.rules.uncovered, max, withReason)}`);
  if (c.fields.uncovered.length) lines.push(`  uncovered fields: ${named(c.fields.uncovered, max, withReason)}`);
  for (const p of c.problems.slice(0, max)) lines.push(`  inventory problem: ${p}`);
  if (c.problems.length > max) lines.push(`  … ${c.problems.length - max} more inventory problems (list --coverage)`);
  return lines;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The coverage section of summary.md: counts per suite, then every uncovered rule and field with its reason. */
export function coverageMarkdown(coverage: SuiteCoverage[] | undefined): string[] {
  if (!coverage?.length) return [];
  const lines = ['## Upstream coverage', '', '| suite | rules covered | fields covered |', '|---|---:|---:|'];
  for (const c of coverage) {
    lines.push(
      c.inventory
        ? `| ${c.suite} | ${c.rules.covered}/${c.rules.total} | ${c.fields.covered}/${c.fields.total} |`
        : `| ${c.suite} | no inventory | no inventory |`,
    );
  }
  lines.push('');
  for (const c of coverage) {
    const uncovered = [...c.rules.uncovered.map((u) => ['rule', u] as const), ...c.fields.uncovered.map((u) => ['field', u] as const)];
    if (uncovered.length) {
      lines.push(`<details><summary>${c.suite}: ${uncovered.length} uncovered</summary>`, '');
      for (const [kind, u] of uncovered) lines.push(`- ${kind} \`${u.name}\`: ${cell(u.reason ?? 'no case, no reason given')}`);
      lines.push('', '</details>', '');
    }
    for (const p of c.problems) lines.push(`- ⚠️ ${c.suite} inventory problem: ${cell(p)}`);
  }
  return lines;
}
