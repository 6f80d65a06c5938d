/**
 * What a run does with one target module: its cases, the variants a run selects, the opened suite. Kept apart from
 * the registry (index.ts) so that a suite's worker loads its own target module and not every registered one.
 */
import { extraCasesOf } from '../cases/extra.ts';
import { loadCaseFile } from '../cases/load.ts';
import { scopeVariants } from '../cases/scope.ts';
import { isSelected } from '../cases/select.ts';
import { inShard } from '../cases/shard.ts';
import type { CaseVariant, ConformanceCase } from '../cases/types.ts';
import type { Config, RunConfig } from '../config/index.ts';
import { SetupError } from '../errors.ts';
import { generatedCasesOf } from '../generate/in-run.ts';
import type { AnyTarget, OpenedTarget, TargetInfo } from './target.ts';

/** The cases a run has on a target: its case file's and the generated ones (`--generate`). */
export function runCasesOf(target: AnyTarget, run: RunConfig): ConformanceCase[] {
  return [...casesOf(target), ...addedCasesOf(target, run)];
}

/** The cases a run adds to the target's case file: case files it was given (`--cases`), generated ones (`--generate`). */
function addedCasesOf(target: AnyTarget, run: RunConfig): ConformanceCase[] {
  return [...extraCasesOf(run.caseFiles, target.suite, target.caseSchema), ...generatedCasesOf(target, run.generate)];
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
  const added = addedCasesOf(target, run);
  const addedVariants = added.length ? scopeVariants(target.variants(added, facts), target.upstreamVersion(facts)) : [];
  return [...variantsOf(target, facts), ...addedVariants].filter((v) => isSelected(run.selection, v.id, v.case) && inShard(v.id, run.shard));
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
