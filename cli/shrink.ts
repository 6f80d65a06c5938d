/**
 * After a `--generate` run: every failing generated variant (the first of each family, at most MAX_SHRUNK) is shrunk
 * against its target (engine/generate/shrink-run.ts) and written to <report dir>/shrunk/<case id>.yaml, a case file
 * of the target that loads against its case schema as it is and fails the same way (`run --cases FILE`), ready to
 * be committed to fixtures/. The target is opened as a run opens it, so restore and cleanup work as for any case.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCaseFile } from '../engine/cases/load.ts';
import { scopeVariants } from '../engine/cases/scope.ts';
import type { ConformanceCase } from '../engine/cases/types.ts';
import type { Config } from '../engine/config/index.ts';
import { describeError } from '../engine/errors.ts';
import { DEFAULT_SHRINK_BUDGET, type ShrunkFailure, shrinkGenerated } from '../engine/generate/shrink-run.ts';
import { type CaseResult, explain } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import { openSuite } from '../engine/targets/open.ts';
import type { AnyTarget } from '../engine/targets/target.ts';
import { stringifyYaml } from '../engine/yaml.ts';
import type { RunReport } from '../reporters/model.ts';

/** Families shrunk per run: each costs up to the shrink budget in requests and time. */
const MAX_SHRUNK = 5;

export async function shrinkFailures(
  config: Config,
  suites: AnyTarget[],
  facts: Record<string, unknown>,
  report: RunReport,
  reportDir: string,
  log: (line: string) => void,
): Promise<void> {
  const g = config.run.generate;
  if (!g || report.interrupted) return;
  const firstPerFamily = new Map<string, CaseResult>();
  for (const r of report.results) if (r.generated && r.verdict === 'fail' && !firstPerFamily.has(r.generated.family)) firstPerFamily.set(r.generated.family, r);
  const chosen = [...firstPerFamily.values()].slice(0, MAX_SHRUNK);
  if (chosen.length === 0) return;
  const b = DEFAULT_SHRINK_BUDGET;
  log(`Shrinking ${chosen.length} failing generated variant(s) (one per family; at most ${b.maxRequests} requests and ${b.timeLimitMs / 1000} s each)…`);
  for (const target of suites) {
    const spec = target.generation;
    const mine = chosen.filter((r) => r.suite === target.suite);
    if (!spec || mine.length === 0) continue;
    const f = facts[target.name];
    let opened: Awaited<ReturnType<typeof openSuite>> | undefined;
    try {
      opened = await openSuite(target, config, f);
      const o = opened;
      const run = (c: ConformanceCase) => {
        const [v] = scopeVariants(target.variants([c], f), target.upstreamVersion(f));
        if (!v) throw new Error(`${c.id} has no variant`);
        return runCase(v, o.adapter, o.schemas);
      };
      for (const r of mine) {
        const shrunk = await shrinkGenerated(spec, g.seed, r, run);
        if (!shrunk) {
          log(`  ${r.id}: replayed, it no longer fails the same way (a target that answers differently each time?): not shrunk`);
          continue;
        }
        const path = writeShrunkCase(target, spec.idPrefix, spec.document, shrunk, r, reportDir);
        const summary = `${shrunk.shrinks} shrink step(s), ${shrunk.candidates} candidate(s), ${shrunk.requests} requests, ${(shrunk.ms / 1000).toFixed(1)} s${shrunk.exhausted ? ', budget spent' : ''}; fails: ${explain(shrunk.result)}`;
        r.shrunk = path;
        report.shrunk ??= [];
        report.shrunk.push({ from: r.id, family: r.generated?.family ?? '', path, original: shrunk.original, minimal: shrunk.minimal, summary });
        log(`  ${r.id} → ${path}`);
        log(`    original input: ${JSON.stringify(shrunk.original)}`);
        log(`    minimal input:  ${JSON.stringify(shrunk.minimal)} (${summary})`);
      }
    } catch (err) {
      report.runErrors.push(`shrinking the failures of ${target.suite} failed: ${describeError(err)}`);
    } finally {
      await opened?.close();
    }
  }
}

/** Writes the minimal case as a case file of the target and checks that it loads against the case schema. */
function writeShrunkCase(target: AnyTarget, idPrefix: string, document: string, s: ShrunkFailure, from: CaseResult, reportDir: string): string {
  const dir = join(reportDir, 'shrunk');
  mkdirSync(dir, { recursive: true });
  const name = `${s.case.id}.yaml`;
  const header = [
    `# Shrunk counterexample, written by update-conformance run --generate (seed ${from.generated?.seed}).`,
    `# From generated variant ${from.id} (family ${from.generated?.family}), which failed: ${explain(from)}`,
    `# Original input: ${JSON.stringify(s.original)}`,
    `# Minimal input:  ${JSON.stringify(s.minimal)}`,
    `# Run it on its own: update-conformance run --cases <this file> --case ${s.case.id}`,
    '# To keep it, move the case into the suite file under fixtures/ and give it a name that says what it checks.',
    '',
  ].join('\n');
  const doc: { suite: string; document: string; cases: ConformanceCase[] } = { suite: idPrefix, document, cases: [s.case] };
  writeFileSync(join(dir, name), header + stringifyYaml(doc, { lineWidth: 0 }));
  loadCaseFile(name, target.caseSchema, dir); // throws on a case the schema refuses: a defect of the family
  return join(dir, name);
}
