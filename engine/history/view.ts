/**
 * What the reports show of the run history: what changed since the previous run and, per suite, the verdict
 * counts of the last runs (this one last). Set on the RunReport by cli/history.ts when the run has a history.
 */
import { countVerdicts } from '../../reporters/model.ts';
import { type CaseResult, explain } from '../results.ts';
import { diffRuns, type Flip, flipsAcrossRuns, type RunRef, type VariantVerdict } from './diff.ts';
import type { HistoryStore, TrendPoint } from './store.ts';

export interface HistoryView {
  /** The history's directory, as given. */
  dir: string;
  /** The run compared with; absent for the first run of a history. */
  previous?: RunRef;
  changes?: { newFailures: string[]; fixed: string[]; stillFailing: string[]; flips: Flip[]; added: string[]; removed: string[] };
  /** Per suite, oldest first, this run last. */
  trend: Record<string, TrendPoint[]>;
}

/** Runs the trend picture shows (this one included). */
export const TREND_RUNS = 10;
/** Runs (this one included) within which a verdict that flips back and forth is called flaky. */
export const FLAKY_WINDOW = 5;

export function variantVerdicts(results: CaseResult[]): VariantVerdict[] {
  return results.map((r) => ({
    id: r.id,
    suite: r.suite,
    verdict: r.verdict,
    ...(r.baselined ? { baselined: true } : {}),
    ...(r.flaky ? { flaky: r.flaky } : {}),
    ...(r.verdict === 'fail' || r.verdict === 'error' || r.verdict === 'skip' ? { reason: explain(r) } : {}),
  }));
}

/**
 * Marks as flaky every result whose verdict flipped back and forth over the history's last runs and this one
 * (a result already flaky between attempts keeps that reason), then says what changed since the last run.
 */
export function compareWithHistory(store: HistoryStore, run: RunRef, results: CaseResult[]): HistoryView {
  const recent = store.recentVerdicts(FLAKY_WINDOW - 1);
  for (const r of results) {
    if (r.flaky) continue;
    const flaky = flipsAcrossRuns([...(recent.get(r.id) ?? []), r.verdict]);
    if (flaky) r.flaky = flaky;
  }
  const view: HistoryView = { dir: store.dir, trend: {} };
  const last = store.runs(1)[0];
  if (last) {
    const d = diffRuns(last, store.variants(last.seq), run, variantVerdicts(results));
    const ids = (list: VariantVerdict[]) => list.map((v) => v.id);
    view.previous = { runId: last.runId, startedAt: last.startedAt };
    view.changes = {
      newFailures: ids(d.newFailures),
      fixed: ids(d.fixed),
      stillFailing: ids(d.stillFailing),
      flips: d.flips,
      added: ids(d.added),
      removed: ids(d.removed),
    };
  }
  const trend = store.trend(TREND_RUNS - 1);
  const bySuite = new Map<string, CaseResult[]>();
  for (const r of results) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), r]);
  for (const [suite, list] of bySuite) {
    const c = countVerdicts(list);
    const now: TrendPoint = { ...run, counts: { pass: c.pass, fail: c.fail, error: c.error, skip: c.skip, flaky: list.filter((r) => r.flaky).length } };
    view.trend[suite] = [...(trend.get(suite) ?? []), now];
  }
  return view;
}
