/**
 * What changed between two runs, variant by variant: new failures, fixed, still failing, new and removed
 * variants, and every verdict flip. Pure: its inputs come from two results.json files or from the history
 * store (engine/history/store.ts). A failure the baseline excuses is not counted as failing.
 */
import type { Verdict } from '../results.ts';

/** One variant's outcome in one run, as far as comparing runs needs it. */
export interface VariantVerdict {
  id: string;
  suite: string;
  verdict: Verdict;
  baselined?: boolean;
  flaky?: string;
  reason?: string;
}

export interface RunRef {
  runId: string;
  startedAt: string;
}

export interface Flip {
  id: string;
  from: Verdict;
  to: Verdict;
}

export interface RunDiff {
  from: RunRef;
  to: RunRef;
  /** Failing now, present and not failing in the earlier run. The gate of `diff` (exit 1). */
  newFailures: VariantVerdict[];
  /** Failing in the earlier run, passing now. */
  fixed: VariantVerdict[];
  stillFailing: VariantVerdict[];
  /** Only in the later run (a new case or microversion), with its verdict; never a "new failure". */
  added: VariantVerdict[];
  /** Only in the earlier run. */
  removed: VariantVerdict[];
  /** Every variant in both runs whose verdict changed (including to and from error and skip). */
  flips: Flip[];
}

const failing = (v: VariantVerdict | undefined) => v?.verdict === 'fail' && !v.baselined;

export function diffRuns(from: RunRef, before: VariantVerdict[], to: RunRef, after: VariantVerdict[]): RunDiff {
  const old = new Map(before.map((v) => [v.id, v]));
  const now = new Map(after.map((v) => [v.id, v]));
  const d: RunDiff = { from, to, newFailures: [], fixed: [], stillFailing: [], added: [], removed: [], flips: [] };
  for (const v of [...now.values()].sort(byId)) {
    const was = old.get(v.id);
    if (!was) {
      d.added.push(v);
      continue;
    }
    if (failing(v) && !failing(was)) d.newFailures.push(v);
    else if (failing(v)) d.stillFailing.push(v);
    else if (failing(was) && v.verdict === 'pass') d.fixed.push(v);
    if (was.verdict !== v.verdict) d.flips.push({ id: v.id, from: was.verdict, to: v.verdict });
  }
  for (const v of [...old.values()].sort(byId)) if (!now.has(v.id)) d.removed.push(v);
  return d;
}

const byId = (a: VariantVerdict, b: VariantVerdict) => a.id.localeCompare(b.id);

/** The diff as lines for the console (and `diff`'s output): counts first, then every variant of each kind. */
export function describeDiff(d: RunDiff, max = Number.POSITIVE_INFINITY): string[] {
  const lines = [`run ${d.from.runId} (${d.from.startedAt}) → run ${d.to.runId} (${d.to.startedAt})`];
  lines.push(
    `new failures ${d.newFailures.length} · fixed ${d.fixed.length} · still failing ${d.stillFailing.length} · verdict flips ${d.flips.length} · new variants ${d.added.length} · removed variants ${d.removed.length}`,
  );
  const was = new Map(d.flips.map((f) => [f.id, f.from]));
  const section = (title: string, list: string[]) => {
    if (!list.length) return;
    lines.push(`${title} (${list.length}):`);
    for (const l of list.slice(0, max)) lines.push(`  ${l}`);
    if (list.length > max) lines.push(`  … ${list.length - max} more`);
  };
  const why = (v: VariantVerdict) => (v.reason ? `  ${v.reason}` : '');
  section(
    'new failures',
    d.newFailures.map((v) => `✗ ${v.id} (was ${was.get(v.id) ?? '?'})${why(v)}`),
  );
  section(
    'fixed',
    d.fixed.map((v) => `✓ ${v.id}`),
  );
  section(
    'still failing',
    d.stillFailing.map((v) => `✗ ${v.id}${why(v)}`),
  );
  section(
    'verdict flips',
    d.flips.map((f) => `${f.id}: ${f.from} → ${f.to}`),
  );
  section(
    'new variants',
    d.added.map((v) => `${v.id} (${v.verdict})`),
  );
  section(
    'removed variants',
    d.removed.map((v) => `${v.id} (was ${v.verdict})`),
  );
  return lines;
}

/**
 * Flaky across runs: in the variant's recent decided verdicts (pass or fail, oldest first, this run last) the
 * verdict changed at least twice — pass → fail → pass. One change is a regression or a fix, not flakiness.
 */
export function flipsAcrossRuns(verdicts: Verdict[]): string | undefined {
  const decided = verdicts.filter((v) => v === 'pass' || v === 'fail');
  let changes = 0;
  for (let i = 1; i < decided.length; i++) if (decided[i] !== decided[i - 1]) changes++;
  return changes >= 2 ? `verdict flipped across the last ${verdicts.length} runs: ${verdicts.join(', ')}` : undefined;
}
