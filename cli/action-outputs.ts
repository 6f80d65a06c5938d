/**
 * The GitHub Action's (action.yml) last step: the run's verdict.json as step outputs ($GITHUB_OUTPUT) and its
 * summary.md in the job summary ($GITHUB_STEP_SUMMARY). Reads UC_REPORT_DIR and UC_EXIT_CODE. A run that
 * stopped before writing reports (a configuration error, exit 2) still gets outputs, saying so.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VerdictFile } from '../reporters/verdict-file.ts';
import { REPORT_FILES, VERDICT_FILE } from '../reporters/write.ts';

const dir = process.env.UC_REPORT_DIR || 'reports';
const exitCode = process.env.UC_EXIT_CODE ?? '';
const outputFile = process.env.GITHUB_OUTPUT;
const summaryFile = process.env.GITHUB_STEP_SUMMARY;

const verdictPath = join(dir, VERDICT_FILE);
// The run step removed any earlier verdict.json: one here is this run's.
const v = existsSync(verdictPath) ? (JSON.parse(readFileSync(verdictPath, 'utf8')) as VerdictFile) : undefined;
const outputs: Record<string, string> = {
  verdict: v?.verdict ?? 'configuration-error',
  'exit-code': exitCode,
  headline: v?.headline ?? `no run: configuration or usage error (exit ${exitCode}); see the step log`,
  passed: String(v?.counts.pass ?? 0),
  failed: String(v?.counts.fail ?? 0),
  errors: String(v?.counts.error ?? 0),
  skipped: String(v?.counts.skip ?? 0),
  'known-deviations': String(v?.counts.knownDeviations ?? 0),
  'policy-rejections': String(v?.counts.policy ?? 0),
  flaky: String(v?.counts.flaky ?? 0),
  // With a history (input `history`): what changed since the previous run; empty without one.
  new_failures: v?.changes ? String(v.changes.newFailures) : '',
  fixed: v?.changes ? String(v.changes.fixed) : '',
  // A partial run (a selection, a shard, a rerun) keeps its verdict: a gate that needs the whole API checks these.
  scope: v?.scope?.description ?? (v ? 'not recorded' : 'no run'),
  partial: String(v?.scope?.partial ?? false),
};
const names: Record<string, string> = {
  json: 'results-json',
  markdown: 'summary-md',
  html: 'report-html',
  junit: 'junit-xml',
  verdict: 'verdict-json',
  subunit: 'subunit',
};
for (const [format, file] of Object.entries(v?.reports ?? {})) if (names[format]) outputs[names[format]] = join(dir, file);

const lines = Object.entries(outputs).map(([k, value]) => `${k}=${value.replace(/[\r\n]+/g, ' ')}`);
if (outputFile) appendFileSync(outputFile, `${lines.join('\n')}\n`);
else for (const l of lines) process.stdout.write(`${l}\n`);
const summary = join(dir, REPORT_FILES.markdown);
if (summaryFile) appendFileSync(summaryFile, v && existsSync(summary) ? `${readFileSync(summary, 'utf8')}\n` : `# update-conformance: ${outputs.headline}\n`);
process.stdout.write(`update-conformance: ${outputs.headline} (exit ${exitCode})\n`);
