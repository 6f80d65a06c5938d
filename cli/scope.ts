/**
 * A run's scope (engine/scope.ts), measured before any variant runs: the variants its selection covers against
 * every variant the target(s) could run. The suites the run could test are the configured ones (all of them on
 * the embedded reference backends); one left out still counts, by its discovered variants when it is configured.
 */
import type { Config } from '../engine/config/index.ts';
import { makeScope, type RerunOf, type RunScope, type ScopeSelection } from '../engine/scope.ts';
import { selectedVariants, TARGETS, variantsOf } from '../engine/targets/index.ts';
import type { AnyTarget, TargetInfo } from '../engine/targets/target.ts';

/** The suites a run with this configuration could test: the configured ones, or every one on the embedded backends. */
export function candidateSuites(config: Config, embedded: boolean): AnyTarget[] {
  return embedded ? [...TARGETS] : TARGETS.filter((t) => config.targets[t.name] !== undefined);
}

export async function measureScope(config: Config, candidates: AnyTarget[], suites: AnyTarget[], facts: Record<string, unknown>): Promise<RunScope> {
  const counts: RunScope['suites'] = {};
  const left = candidates.filter((t) => !suites.includes(t));
  for (const t of suites) {
    counts[t.suite] = { selected: selectedVariants(t, config.run, facts[t.name]).length, available: variantsOf(t, facts[t.name]).length };
  }
  // A configured suite left out: discovery is cheap and changes nothing; the embedded backends of a left-out
  // suite were not started, so its count stays unknown.
  const found = await Promise.allSettled(
    left.map(async (t) => {
      const cfg = config.run.embedded ? undefined : config.targets[t.name];
      if (cfg === undefined) return null;
      return variantsOf(t, await t.discover(cfg, config.run)).length;
    }),
  );
  for (const [i, t] of left.entries()) {
    const r = found[i];
    counts[t.suite] = { selected: 0, available: r?.status === 'fulfilled' ? r.value : null };
  }
  const { selection, shard, suites: asked } = config.run;
  const sel: ScopeSelection = {
    ...(asked && left.length ? { suites: suites.map((t) => t.name) } : {}),
    ...(left.length ? { notSelected: left.map((t) => t.name) } : {}),
    ...(selection.ids?.length ? { cases: selection.ids } : {}),
    ...(selection.tags?.length ? { tags: selection.tags } : {}),
    ...(shard && shard.total > 1 ? { shard: `${shard.index}/${shard.total}` } : {}),
    ...(selection.rerunOf ? { rerun: selection.rerunOf } : {}),
  };
  return makeScope(counts, sel);
}

/**
 * What differs between the targets a `--rerun-failed` run reruns and the ones it tested, for people; undefined
 * when every suite ran against the same URL (or both runs were self-checks, whose loopback ports always change).
 */
export function rerunTargetChange(rerun: RerunOf, tested: TargetInfo[]): string | undefined {
  const changes: string[] = [];
  for (const t of tested) {
    const before = rerun.targets.find((b) => b.suite === t.suite);
    if (!before) continue;
    const bothEmbedded = before.kind === 'embedded' && t.kind === 'embedded';
    if (before.url !== t.url && !bothEmbedded) changes.push(`${t.suite}: run ${rerun.runId ?? rerun.file} tested ${before.url}, this run ${t.url}`);
    else if ((before.kind === 'embedded') !== (t.kind === 'embedded'))
      changes.push(
        `${t.suite}: run ${rerun.runId ?? rerun.file} tested ${before.kind === 'embedded' ? 'the embedded reference backend' : before.url}, this run ${t.kind === 'embedded' ? 'the embedded reference backend' : t.url}`,
      );
  }
  return changes.length ? changes.join('; ') : undefined;
}
