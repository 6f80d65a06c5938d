/**
 * `diff A B`: what changed from run A to run B (each a results.json, or a report directory holding one), or
 * `diff --history DIR` (CONFORMANCE_HISTORY): the last two runs of a history. Prints new failures, fixed, still
 * failing, verdict flips, new and removed variants; exits 1 when there are new failures (a "no regressions"
 * gate), 0 when there are none, 2 when the runs cannot be read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { get } from '../engine/config/env.ts';
import type { Env } from '../engine/config/index.ts';
import { ConfigError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { describeDiff, diffRuns, type RunDiff } from '../engine/history/diff.ts';
import { HISTORY_FILE, HistoryStore } from '../engine/history/store.ts';
import { variantVerdicts } from '../engine/history/view.ts';
import type { RunReport } from '../reporters/model.ts';
import { REPORT_FILES } from '../reporters/write.ts';

function readRun(path: string): RunReport {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, REPORT_FILES.json) : path;
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  } catch (err) {
    throw new ConfigError(
      path,
      `cannot be read as a run's results.json (${(err as Error).message.split('\n')[0]})`,
      'give two results.json files or report directories',
    );
  }
  if (!Array.isArray(report.results) || typeof report.runId !== 'string') {
    throw new ConfigError(path, 'is not a results.json of update-conformance', 'give two results.json files or report directories');
  }
  return report;
}

async function fromHistory(dir: string): Promise<RunDiff> {
  if (!existsSync(join(dir, HISTORY_FILE))) throw new ConfigError('CONFORMANCE_HISTORY', `${dir} holds no ${HISTORY_FILE}`, 'run with --history DIR first');
  const store = await HistoryStore.open(dir);
  try {
    const [a, b] = store.runs(2);
    if (!a || !b) throw new ConfigError('CONFORMANCE_HISTORY', `${dir} has recorded ${a ? 'one run' : 'no run'}`, 'a diff needs two runs');
    return diffRuns(a, store.variants(a.seq), b, store.variants(b.seq));
  } finally {
    store.close();
  }
}

export async function diffCommand(env: Env, operands: string[], json: boolean, log: (line: string) => void): Promise<number> {
  let d: RunDiff;
  if (operands.length === 2) {
    const [a, b] = operands.map(readRun) as [RunReport, RunReport];
    d = diffRuns(a, variantVerdicts(a.results), b, variantVerdicts(b.results));
  } else if (operands.length === 0 && get(env, 'CONFORMANCE_HISTORY')) {
    d = await fromHistory(get(env, 'CONFORMANCE_HISTORY') as string);
  } else {
    throw new ConfigError(
      'diff',
      `takes two results.json (or report directories), or --history DIR; got ${operands.length} operand(s)`,
      'e.g. `diff old/results.json reports/results.json`',
    );
  }
  const code = d.newFailures.length ? EXIT.nonConformant : EXIT.ok;
  if (json) log(JSON.stringify({ ...d, exitCode: code }, null, 1));
  else {
    for (const l of describeDiff(d)) log(l);
    log(d.newFailures.length ? `diff: ${d.newFailures.length} new failure(s) (exit ${code})` : `diff: no new failures (exit ${code})`);
  }
  return code;
}
