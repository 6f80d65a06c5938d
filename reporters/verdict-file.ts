import { describeScope, type ScopeSelection } from '../engine/scope.ts';
import { bySuite, type Counts, countVerdicts, type RunReport } from './model.ts';
import { judge } from './verdict.ts';

/** verdict.json: what judge() decided, in a form CI steps read without parsing the reports (action.yml). */
export interface VerdictFile {
  runId: string;
  verdict: string;
  exitCode: number;
  headline: string;
  counts: Counts & { knownDeviations: number; policy: number; flaky: number };
  suites: Record<string, Counts>;
  /** With a run history: what changed since the previous run (absent for a history's first run). */
  changes?: { previousRunId: string; newFailures: number; fixed: number; stillFailing: number; flips: number };
  /** How much of what the target can run the run covered, with the selection (engine/scope.ts); absent in older reports. */
  scope?: { partial: boolean; selected: number; available: number; description: string; selection: ScopeSelection };
  /** The report files of this directory, by format. */
  reports: Record<string, string>;
}

export function renderVerdictFile(report: RunReport, files: Record<string, string>): string {
  const j = judge(report);
  const doc: VerdictFile = {
    runId: report.runId,
    verdict: j.verdict,
    exitCode: j.exitCode,
    headline: j.headline,
    counts: { ...countVerdicts(report.results), knownDeviations: j.knownDeviations, policy: report.results.filter((r) => r.policy).length, flaky: j.flaky },
    suites: Object.fromEntries([...bySuite(report.results)].map(([suite, list]) => [suite, countVerdicts(list)])),
    ...(report.scope
      ? {
          scope: {
            partial: report.scope.partial,
            selected: report.scope.selected,
            available: report.scope.available,
            description: describeScope(report.scope) ?? `complete: ${report.scope.selected} of ${report.scope.available} variants`,
            selection: report.scope.selection,
          },
        }
      : {}),
    reports: files,
  };
  const h = report.history;
  if (h?.previous && h.changes) {
    const c = h.changes;
    doc.changes = {
      previousRunId: h.previous.runId,
      newFailures: c.newFailures.length,
      fixed: c.fixed.length,
      stillFailing: c.stillFailing.length,
      flips: c.flips.length,
    };
  }
  return `${JSON.stringify(doc, null, 1)}\n`;
}
