import { EXIT } from '../engine/exit-codes.ts';
import { countVerdicts, type RunReport } from './model.ts';

export type RunVerdict = 'conformant' | 'non-conformant' | 'incomplete' | 'interrupted';

export interface Judgement {
  verdict: RunVerdict;
  exitCode: number;
  /** Failures the baseline excuses. */
  knownDeviations: number;
  /** What decided it ("3 failed", "no case ran"); empty for a plain conformant run. */
  reasons: string[];
  /** One line for people: the verdict and why, e.g. "incomplete: no case ran". */
  headline: string;
}

/**
 * The one rule that turns a run into a verdict and an exit code; the console, every report, merge, bundle and
 * verify ask it, so they can never disagree. A run that was cut short, ran nothing or could not decide
 * something is never "conformant".
 */
export function judge(report: RunReport): Judgement {
  const all = countVerdicts(report.results);
  const open = countVerdicts(report.results.filter((r) => !r.baselined));
  const knownDeviations = all.fail - open.fail;
  const baselineProblems = report.baselineProblems?.length ?? 0;
  const why: string[] = [];
  let verdict: RunVerdict;
  let exitCode: number;
  if (report.interrupted) {
    verdict = 'interrupted';
    exitCode = EXIT.interrupted;
    why.push('partial results');
  } else if (open.fail > 0 || baselineProblems > 0) {
    verdict = 'non-conformant';
    exitCode = EXIT.nonConformant;
    if (open.fail) why.push(`${open.fail} failed`);
    if (baselineProblems) why.push(`${baselineProblems} baseline problem(s)`);
  } else if (open.error > 0 || report.runErrors.length > 0 || all.total === 0) {
    verdict = 'incomplete';
    exitCode = EXIT.incomplete;
    if (all.total === 0) why.push('no case ran');
    if (open.error) why.push(`${open.error} technical error(s)`);
    if (report.runErrors.length) why.push(`${report.runErrors.length} run error(s)`);
  } else {
    verdict = 'conformant';
    exitCode = EXIT.ok;
    if (knownDeviations) why.push(`${knownDeviations} known deviation${knownDeviations === 1 ? '' : 's'} in the baseline`);
  }
  return { verdict, exitCode, knownDeviations, reasons: why, headline: why.length ? `${verdict} (${why.join(', ')})` : verdict };
}
