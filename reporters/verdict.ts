import { EXIT } from '../engine/exit-codes.ts';
import { describeScope } from '../engine/scope.ts';
import { countVerdicts, isSelfCheck, type RunReport, releaseNotices } from './model.ts';

export type RunVerdict = 'conformant' | 'non-conformant' | 'incomplete' | 'interrupted';

export interface Judgement {
  verdict: RunVerdict;
  exitCode: number;
  /** Failures the baseline excuses. */
  knownDeviations: number;
  /** What decided it ("3 failed", "no case ran"); empty for a plain conformant run. */
  reasons: string[];
  /** One line for people: the verdict and why, e.g. "incomplete (no case ran)". */
  headline: string;
  /** The run tested the embedded reference backends: its headline says so and it is no verdict about an API. */
  selfCheck: boolean;
  /** Variants marked flaky (engine/retry.ts, the run history): counted as their last verdict, and the headline says so. */
  flaky: number;
  /** Less than every variant the target can run: the headline begins "partial: N of M variants". */
  partial: boolean;
}

/** How every output names a run against the embedded reference backends. */
export const SELF_CHECK = 'self-check of the reference backends — not a verdict about an API';

/** What a self-check's outcome is called: it judges this tool's backends, so it "passes", it is not "conformant". */
const SELF_CHECK_WORD: Record<RunVerdict, string> = { conformant: 'passed', 'non-conformant': 'failed', incomplete: 'incomplete', interrupted: 'interrupted' };

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
  }
  const selfCheck = isSelfCheck(report);
  const word = selfCheck ? SELF_CHECK_WORD[verdict] : verdict;
  // The baseline is part of the verdict: a run that passes only because of it says so, with the file.
  const known = knownDeviations
    ? `with ${knownDeviations} known deviation${knownDeviations === 1 ? '' : 's'}${report.baseline ? ` (${report.baseline})` : ''}`
    : '';
  // A flaky variant counts as what it last was: the gate says so rather than hide it in a count.
  const flaky = report.results.filter((r) => r.flaky).length;
  const said = flaky ? [...why, `${flaky} flaky, counted as ${flaky === 1 ? 'its' : 'their'} last verdict`] : why;
  // A release outside the proven set is part of the verdict line: an expectation may differ there unscoped.
  const unproven = releaseNotices(report).join('; ');
  const core = [word, verdict === 'conformant' ? known : '', said.length ? `(${said.join(', ')})` : '', unproven ? `— ${unproven}` : '']
    .filter(Boolean)
    .join(' ');
  if (verdict === 'conformant' && known) why.push(known);
  // A partial run keeps its verdict and exit code (local iteration stays easy) but never reads as a full one.
  const scope = describeScope(report.scope);
  const headline = [scope, selfCheck ? `${SELF_CHECK}: ${core}` : core].filter(Boolean).join(' — ');
  return { verdict, exitCode, knownDeviations, reasons: why, headline, selfCheck, flaky, partial: report.scope?.partial ?? false };
}
