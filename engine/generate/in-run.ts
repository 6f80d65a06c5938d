/**
 * Generated variants in a run (`run --generate N`): N inputs per family of the target's GenerationSpec, at the
 * run's seed, expanded into variants exactly as the curated cases are (target.variants with the discovered facts,
 * then the expectation of the target's release). Needs only the target module itself, not the registry.
 */
import type { ConformanceCase } from '../cases/types.ts';
import type { GenerationConfig } from '../config/generation.ts';
import type { GeneratedOrigin } from '../results.ts';
import type { AnyTarget } from '../targets/target.ts';
import { parseGeneratedId, streamCases } from './stream.ts';

/** The generated cases of a run on this target (none when the run generates nothing or the target has no families). */
export function generatedCasesOf(target: AnyTarget, g: GenerationConfig | undefined): ConformanceCase[] {
  const spec = target.generation;
  if (!g || !spec) return [];
  return [...streamCases(() => spec.idPrefix, spec.families, g.seed, g.perFamily * spec.families.length)];
}

/** What a result of a generated variant says about its origin: family, seed, number in the stream. */
export function generatedOrigin(target: AnyTarget, g: GenerationConfig | undefined, caseId: string): GeneratedOrigin | undefined {
  const spec = target.generation;
  if (!g || !spec || !caseId.startsWith(`${spec.idPrefix}.gen-`)) return undefined;
  const parsed = parseGeneratedId(caseId);
  return parsed ? { family: `${spec.suite}.${parsed.family}`, seed: g.seed, n: parsed.n } : undefined;
}
