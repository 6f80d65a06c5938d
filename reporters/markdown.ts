import { explain } from '../engine/results.ts';
import { describeScope } from '../engine/scope.ts';
import { coverageMarkdown } from './coverage.ts';
import { generatedLabel, generationLines } from './generation.ts';
import { historyLines } from './history.ts';
import { bySuite, caseCount, countVerdicts, docConflictCases, type RunReport, releaseNotices } from './model.ts';
import { judge, type RunVerdict } from './verdict.ts';

const ICON: Record<RunVerdict, string> = { conformant: '✅', 'non-conformant': '❌', incomplete: '⚠️', interrupted: '⚠️' };

const MAX_LISTED = 50;

/** A summary that fits a CI job summary: verdict, counts per suite, every failure in one line. */
export function renderMarkdown(report: RunReport): string {
  const all = countVerdicts(report.results);
  const { verdict, headline, partial } = judge(report);
  // A partial run that found nothing wrong is no full pass: half a circle, not a check mark.
  const icon = partial && verdict === 'conformant' ? '◐' : ICON[verdict];
  const lines = [`# update-conformance: ${icon} ${headline}`, ''];
  const n = caseCount(report.results);
  lines.push(
    `Run \`${report.runId}\` · ${report.startedAt} · ${report.interrupted ? '**interrupted — partial results**' : report.scope?.partial ? `**${describeScope(report.scope)}**` : 'complete'} · ${n.variants} variants of ${n.cases} cases`,
    '',
  );
  const generated = generationLines(report);
  if (generated.length) lines.push(...generated.map((l) => `${l}  `), '');
  if (report.notRun?.length) lines.push(`Not run: ${report.notRun.join(', ')}`, '');
  for (const t of report.targets) {
    lines.push(`- **${t.suite}** → ${t.url} (${t.version})${t.insecure ? ' — ⚠️ TLS verification disabled' : ''}`);
  }
  lines.push('', '| suite (variants) | passed | failed | errors | skipped |', '|---|---:|---:|---:|---:|');
  for (const [suite, results] of bySuite(report.results)) {
    const c = countVerdicts(results);
    lines.push(`| ${suite} | ${c.pass} | ${c.fail} | ${c.error} | ${c.skip} |`);
  }
  lines.push(`| **all** | ${all.pass} | ${all.fail} | ${all.error} | ${all.skip} |`, '');
  const history = historyLines(report, true);
  if (history.length) lines.push('## Retries, flaky verdicts and changes since the previous run', '', ...history, '');
  for (const notice of releaseNotices(report)) lines.push(`⚠️ ${notice}`, '');
  lines.push(...coverageMarkdown(report.coverage));
  const policy = report.results.filter((r) => r.policy).length;
  if (policy) lines.push(`${policy} of the failures were rejected by the target's own policy (an admission policy or webhook), not by the API's rules.`, '');
  const capabilities = new Map<string, typeof report.results>();
  for (const r of report.results) if (r.supersedes) capabilities.set(r.supersedes.capability, [...(capabilities.get(r.supersedes.capability) ?? []), r]);
  for (const [capability, list] of capabilities) {
    const c = countVerdicts(list);
    const tests = new Set(list.flatMap((r) => r.supersedes?.tests ?? []));
    lines.push(
      `Capability \`${capability}\` (${list[0]?.supersedes?.programme}): ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped; supersedes ${tests.size} upstream test(s).`,
      '',
    );
  }
  const problems = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
  if (problems.length) {
    lines.push('## Failures and errors', '');
    for (const r of problems.slice(0, MAX_LISTED)) {
      lines.push(
        `- ${r.verdict === 'fail' ? (r.baselined ? '~' : '✗') : '!'} \`${r.id}\` ${explain(r).replace(/\|/g, '\\|')}${r.baselined ? ` — baselined: ${r.baselined}` : ''}${r.flaky ? ' — flaky' : ''}${r.generated ? ` — ${generatedLabel(r)}` : ''}`,
      );
      if (r.shrunk) lines.push(`  - shrunk counterexample: \`${r.shrunk}\``);
      if (r.docConflict) lines.push(`  - doc conflict: document says ${r.docConflict.docSays}; upstream: ${r.docConflict.upstream}`);
    }
    if (problems.length > MAX_LISTED) lines.push(`- … ${problems.length - MAX_LISTED} more in report.html`);
    lines.push('');
  }
  const noted = report.results.filter((r) => r.notes?.length);
  if (noted.length) {
    lines.push(`## Notes (${noted.length} variants)`, '');
    for (const r of noted) lines.push(`- \`${r.id}\` (${r.verdict}): ${r.notes?.join('; ').replace(/\|/g, '\\|')}`);
    lines.push('');
  }
  const conflicts = docConflictCases(report.results);
  if (conflicts.length) {
    lines.push(`## Where the document and upstream disagree (${conflicts.length} cases)`, '');
    for (const r of conflicts)
      lines.push(`- \`${r.caseId}\`: document says ${r.docConflict?.docSays}; upstream: ${r.docConflict?.upstream} (followed: ${r.docConflict?.followed})`);
    lines.push('');
  }
  if (report.baselineProblems?.length) lines.push('## Baseline problems (each fails the gate)', '', ...report.baselineProblems.map((e) => `- ${e}`), '');
  if (report.runErrors.length) lines.push('## Run errors', '', ...report.runErrors.map((e) => `- ${e}`), '');
  return lines.join('\n');
}
