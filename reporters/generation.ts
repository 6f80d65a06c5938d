/**
 * What every report says about generated variants (`run --generate`): the seed that replays them, their counts, the
 * label on each one, and where the shrunk counterexamples of failures were written.
 */
import { describeGeneration } from '../engine/config/generation.ts';
import type { CaseResult } from '../engine/results.ts';
import { countVerdicts, type RunReport } from './model.ts';

/** `generated: k8s.label-value #12, seed 42` for one variant's line; empty for curated ones. */
export function generatedLabel(r: CaseResult): string {
  return r.generated ? `generated: ${r.generated.family} #${r.generated.n}, seed ${r.generated.seed}` : '';
}

/** The lines a report prints about generation: settings and seed, counts, each shrunk counterexample. Empty without. */
export function generationLines(report: RunReport): string[] {
  const g = report.generation;
  if (!g) return [];
  const c = countVerdicts(report.results.filter((r) => r.generated));
  const lines = [
    `Generated: ${describeGeneration(g)} — ${c.total} generated variant(s): ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped`,
  ];
  for (const s of report.shrunk ?? []) lines.push(`Shrunk counterexample of ${s.from}: ${s.path} (${s.summary})`);
  return lines;
}
