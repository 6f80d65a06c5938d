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
    reports: files,
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
