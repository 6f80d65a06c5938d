/**
 * The registry of target APIs: the one list the CLI, the suites, the self-tests and the benchmarks iterate.
 * A new target is a folder beside these (see docs/adding-a-target.md) and one line here.
 */
import { loadCaseFile } from '../cases/load.ts';
import { scopeVariants } from '../cases/scope.ts';
import { isSelected } from '../cases/select.ts';
import { inShard } from '../cases/shard.ts';
import type { CaseVariant, ConformanceCase } from '../cases/types.ts';
import type { Config, RunConfig } from '../config/index.ts';
import { SetupError } from '../errors.ts';
import { k8sTarget } from './k8s/index.ts';
import { novaTarget } from './nova/index.ts';
import type { AnyTarget, OpenedTarget, TargetInfo } from './target.ts';

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

/** The cases of a target, loaded and validated from its case file. */
export function casesOf(target: AnyTarget): ConformanceCase[] {
  const cases = loadCaseFile(target.caseFile, target.caseSchema).cases;
  if (!target.supersedes) return cases;
  return cases.map((c) => {
    const s = target.supersedes?.(c);
    return s ? { ...c, supersedes: s } : c;
  });
}

/** The variants a run with these settings runs on a target: selected (CONFORMANCE_CASES/TAGS/RERUN_FAILED) and in its shard. */
export function selectedVariants(target: AnyTarget, run: RunConfig, facts: unknown): CaseVariant[] {
  return variantsOf(target, facts).filter((v) => isSelected(run.selection, v.id, v.case) && inShard(v.id, run.shard));
}

/** A target opened for a run, with the variants its facts give: what the suites, self-tests and benchmarks drive. */
export interface OpenedSuite<C extends ConformanceCase = ConformanceCase> extends OpenedTarget<C> {
  target: AnyTarget;
  facts: unknown;
  variants: CaseVariant<C>[];
}

/** Opens a configured target exactly as a run does: discovery (unless the facts are known), session, adapter. */
export async function openSuite(target: AnyTarget, config: Config, knownFacts?: unknown): Promise<OpenedSuite> {
  const cfg = config.targets[target.name];
  if (cfg === undefined) throw new SetupError(`no ${target.title} target configured`);
  const facts = knownFacts ?? (await target.discover(cfg, config.run));
  const opened: OpenedTarget = await target.open(cfg, config.run, facts);
  // The report header says what was tested: a reference backend the CLI started is never "the configured API".
  const info: TargetInfo = config.run.embedded
    ? { ...opened.info, kind: 'embedded', details: { ...opened.info.details, config: 'embedded reference backend (self-check)' } }
    : { ...opened.info, kind: 'configured' };
  return { ...opened, info, target, facts, variants: variantsOf(target, facts) };
}

/** A target's case variants for these facts, each with the expectation of the target's upstream release. */
export function variantsOf(target: AnyTarget, facts: unknown): CaseVariant[] {
  return scopeVariants(target.variants(casesOf(target), facts), target.upstreamVersion(facts));
}
