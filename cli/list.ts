import { isCaseSelected } from '../engine/cases/select.ts';
import { type Env, loadConfig } from '../engine/config/index.ts';
import { suiteCoverage } from '../engine/coverage/index.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { describeSupersedes } from '../engine/results.ts';
import { casesOf } from '../engine/targets/index.ts';
import { coverageLines } from '../reporters/coverage.ts';
import { chooseSuites } from './run.ts';

/**
 * Prints the selected cases (id, kind, tags, versions, variants, source) without sending anything; with
 * `coverage`, instead each selected suite's coverage of its upstream rule inventory and what stays uncovered.
 */
export function listCommand(env: Env, json: boolean, out: (line: string) => void, coverage = false): number {
  const config = loadConfig(env);
  const { suites } = chooseSuites(config, 'list');
  if (coverage) {
    const counted = suites.map(suiteCoverage);
    if (json) out(JSON.stringify(counted, null, 1));
    else for (const c of counted) for (const line of coverageLines(c, Number.POSITIVE_INFINITY, true)) out(line);
    return EXIT.ok;
  }
  const rows = suites.flatMap((target) =>
    casesOf(target)
      .filter((c) => isCaseSelected(config.run.selection, c))
      .map((c) => ({
        suite: target.name,
        id: c.id,
        kind: c.kind,
        title: c.title,
        tags: c.tags,
        fields: c.fields,
        versions: c.versions,
        variants: target.listVariants(c),
        source: c.source,
        docConflict: c.docConflict,
        supersedes: c.supersedes,
      })),
  );
  if (json) {
    out(JSON.stringify(rows, null, 1));
    return EXIT.ok;
  }
  for (const r of rows) {
    out(`${r.id}  [${r.kind}] ${r.tags.join(',')}${r.variants.length ? `  (${r.variants.join(', ')})` : ''}`);
    out(`    ${r.title}`);
    out(`    source: ${r.source.join('; ')}${r.docConflict ? ' · doc conflict' : ''}`);
    if (r.supersedes) out(`    ${describeSupersedes(r.supersedes)}`);
  }
  out(`${rows.length} case(s) selected`);
  return EXIT.ok;
}
