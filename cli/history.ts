/**
 * A run with a history (--history DIR, CONFORMANCE_HISTORY): before the reports are written, the run is compared
 * with the history (flaky across runs, what changed since the previous run, the trend: engine/history/view.ts)
 * and then recorded in it. An interrupted run is not recorded (its partial results would read as removed variants).
 */

import { compareWithHistory, variantVerdicts } from '../engine/history/view.ts';
import type { RunReport } from '../reporters/model.ts';
import { judge } from '../reporters/verdict.ts';

// sql.js (the store) loads only when a run has a history: every other run would pay for it at start-up.
const store = () => import('../engine/history/store.ts');

/** Opens the history once before the run: a file that is no history is a configuration error (exit 2), before any request. */
export async function checkHistory(dir: string): Promise<void> {
  const { HistoryStore } = await store();
  (await HistoryStore.open(dir)).close();
}

export async function recordInHistory(dir: string, report: RunReport, log: (line: string) => void): Promise<void> {
  const { HistoryStore, withHistoryLock } = await store();
  await withHistoryLock(dir, async () => {
    const history = await HistoryStore.open(dir);
    try {
      const run = { runId: report.runId, startedAt: report.startedAt };
      report.history = compareWithHistory(history, run, report.results);
      const previous = report.history.previous;
      log(`history: ${dir}${previous ? `, compared with run ${previous.runId}` : ', its first run'}`);
      if (report.interrupted) {
        log('history: an interrupted run is not recorded');
        return;
      }
      const j = judge(report);
      history.record({
        ...run,
        finishedAt: report.finishedAt,
        targetKind: report.target?.kind ?? 'configured',
        suiteVersion: report.tool.version,
        verdict: j.verdict,
        exitCode: j.exitCode,
        headline: j.headline,
        targets: report.targets.map((t) => ({ suite: t.suite, url: t.url, version: t.version })),
        variants: variantVerdicts(report.results).map((v, i) => ({ ...v, attempts: report.results[i]?.attempts?.length ?? 1 })),
      });
      history.save();
    } finally {
      history.close();
    }
  });
}
