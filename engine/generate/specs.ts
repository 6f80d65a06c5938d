/**
 * The suites engine/generate can generate, by target name: every registered target that has a generation spec
 * (index.ts imports nothing else of the targets').
 */
import { TARGETS } from '../targets/index.ts';
import type { GenerationSpec } from './family.ts';

// Registry order is the order familyByName searches (and lists) families in.
export const GENERATION_SPECS: Readonly<Record<string, GenerationSpec>> = Object.fromEntries(
  TARGETS.flatMap((t) => (t.generation ? [[t.name, t.generation] as const] : [])),
);

/** The case schema generated cases of a suite must satisfy (its target's). */
export function caseSchemaOf(suite: string): string {
  const t = TARGETS.find((x) => x.name === suite);
  if (!t) throw new Error(`generate: no target named ${suite}`);
  return t.caseSchema;
}
