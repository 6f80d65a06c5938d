/**
 * The registry of target APIs: the one list the CLI, the suites, the self-tests and the benchmarks iterate.
 * A new target is a folder beside these (see docs/adding-a-target.md) and one line here.
 */
import { k8sTarget } from './k8s/index.ts';
import { novaTarget } from './nova/index.ts';
import type { AnyTarget } from './target.ts';

export { casesOf, type OpenedSuite, openSuite, runCasesOf, selectedVariants, variantsOf } from './open.ts';

const REGISTERED = [k8sTarget, novaTarget] as const;

/** The names of the registered targets, as a type (`'k8s' | …`), derived from the list above. */
export type TargetName = (typeof REGISTERED)[number]['name'];

export const TARGETS: readonly AnyTarget[] = REGISTERED;

export const TARGET_NAMES: readonly string[] = TARGETS.map((t) => t.name);

export function targetNamed(name: string): AnyTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no target module named ${name}`);
  return t;
}
