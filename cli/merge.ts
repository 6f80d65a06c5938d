/**
 * `update-conformance merge <dir> <dir> … [--report-dir out]`: joins the results.json of several runs (the
 * shards of a `--shard i/n` matrix, or separate per-suite runs) into one RunReport, writes the same reports a
 * run writes (results.json, summary.md, report.html, junit.xml) and exits with the run's exit-code rule.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { applyBaseline, loadBaseline } from '../engine/baseline.ts';
import { get } from '../engine/config/env.ts';
import { type Env, loadConfig } from '../engine/config/index.ts';
import { runCoverage } from '../engine/coverage/index.ts';
import { ConfigError } from '../engine/errors.ts';
import type { CaseResult } from '../engine/results.ts';
import { describeScope, mergeScopes } from '../engine/scope.ts';
import { TARGETS } from '../engine/targets/index.ts';
import type { TargetInfo } from '../engine/targets/target.ts';
import { caseCount, countVerdicts, type RunReport } from '../reporters/model.ts';
import { judge } from '../reporters/verdict.ts';
import { REPORT_FILES, writeReports } from '../reporters/write.ts';
import { scanForSecrets } from './secret-scan.ts';

/** The last lines of merge and verify: what decided the verdict, then the verdict and its exit code. */
export function logVerdict(report: RunReport, log: (line: string) => void): number {
  const { verdict, headline, selfCheck, partial, reasons, exitCode } = judge(report);
  if (reasons.length) log(`  decided by: ${reasons.join(', ')}`);
  // A self-check or a partial run is never just "conformant": its headline says what it is.
  log(`verdict: ${selfCheck || partial ? headline : verdict} (exit ${exitCode})`);
  return exitCode;
}

/** Reads the RunReport of a report directory (or a results.json path); a missing or broken file is a usage error. */
export function readRunReport(dirOrFile: string): RunReport {
  const file = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, REPORT_FILES.json) : dirOrFile;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      dirOrFile,
      code ? `has no readable ${REPORT_FILES.json} (${code})` : `${file} is not valid JSON`,
      'pass the report directories the runs wrote',
    );
  }
  const r = doc as Partial<RunReport>;
  if (!r || typeof r.runId !== 'string' || !Array.isArray(r.results) || !Array.isArray(r.targets) || !Array.isArray(r.runErrors)) {
    throw new ConfigError(dirOrFile, `${file} is not an update-conformance results file`, 'pass the report directories the runs wrote');
  }
  return r as RunReport;
}

const minIso = (a: string, b: string) => (a < b ? a : b);
const maxIso = (a: string, b: string) => (a > b ? a : b);

/**
 * Merges reports: results by id (first kept; a duplicate is a run error), targets deduplicated, run errors
 * concatenated, interrupted if any was, startedAt the earliest, finishedAt the latest, runId the common one
 * or the ids joined with "+". Shards must be all of 1..n exactly once. Baseline marks are cleared: the caller
 * re-judges (they depend on which cases ran together).
 */
export function mergeReports(reports: RunReport[], names: string[] = reports.map((_, i) => `report ${i + 1}`)): RunReport {
  const first = reports[0];
  if (!first) throw new ConfigError('merge', 'no report to merge', 'pass at least one report directory');
  const runErrors: string[] = [];
  const byId = new Map<string, CaseResult>();
  const duplicates: string[] = [];
  const targets: TargetInfo[] = [];
  for (const r of reports) {
    for (const result of r.results) {
      if (byId.has(result.id)) duplicates.push(result.id);
      else byId.set(result.id, { ...result, baselined: undefined });
    }
    for (const t of r.targets) if (!targets.some((x) => x.suite === t.suite && x.url === t.url && x.version === t.version)) targets.push(t);
    runErrors.push(...r.runErrors);
  }
  if (duplicates.length) {
    const shown = duplicates.slice(0, 5).join(', ');
    runErrors.push(`merge: ${duplicates.length} result(s) appear in more than one report (the first is kept): ${shown}${duplicates.length > 5 ? ', …' : ''}`);
  }
  const versions = [...new Set(reports.map((r) => r.tool.version))];
  if (versions.length > 1) runErrors.push(`merge: the reports come from different tool versions (${versions.join(', ')})`);
  const sharded = reports.map((r, i) => ({ shard: r.shard, name: names[i] ?? '' })).filter((x) => x.shard);
  if (sharded.length && sharded.length !== reports.length) {
    const plain = names.filter((_, i) => !reports[i]?.shard);
    runErrors.push(`merge: sharded and unsharded reports mixed (unsharded: ${plain.join(', ')})`);
  } else if (sharded.length) {
    const totals = [...new Set(sharded.map((x) => x.shard?.total))];
    if (totals.length > 1) runErrors.push(`merge: the shards split into different totals (${totals.join(', ')})`);
    const total = Math.max(...sharded.map((x) => x.shard?.total ?? 0));
    for (let i = 1; i <= total; i++) {
      const hits = sharded.filter((x) => x.shard?.index === i);
      if (hits.length === 0) runErrors.push(`merge: shard ${i}/${total} is missing: its cases did not run`);
      if (hits.length > 1) runErrors.push(`merge: shard ${i}/${total} was given ${hits.length} times (${hits.map((h) => h.name).join(', ')})`);
    }
  }
  const kinds = [...new Set(reports.map((r) => r.target?.kind ?? (r.targets.some((t) => t.kind === 'embedded') ? 'embedded' : 'configured')))];
  if (kinds.length > 1) runErrors.push('merge: runs against the embedded reference backends and against a configured target mixed');
  const runIds = [...new Set(reports.map((r) => r.runId))];
  const present: Record<string, number> = {};
  for (const r of byId.values()) present[r.suite] = (present[r.suite] ?? 0) + 1;
  const scope = mergeScopes(
    reports.map((r) => r.scope),
    present,
  );
  // Shards of a generated run share its seed (given to each); different seeds are different streams.
  const seeds = [...new Set(reports.flatMap((r) => (r.generation ? [r.generation.seed] : [])))];
  if (seeds.length > 1) runErrors.push(`merge: the reports generated their variants from different seeds (${seeds.join(', ')})`);
  const generation = reports.find((r) => r.generation)?.generation;
  const shrunk = reports.flatMap((r) => r.shrunk ?? []);
  const results = [...byId.values()];
  // Coverage is re-counted over all the merged results; the release statuses are each suite's once.
  const suites = TARGETS.filter((t) => reports.some((r) => r.coverage?.some((c) => c.suite === t.suite)));
  const releases = [...new Map(reports.flatMap((r) => r.releases ?? []).map((x) => [`${x.suite} ${x.release}`, x] as const)).values()];
  return {
    ...(scope ? { scope } : {}),
    ...(kinds.length ? { target: { kind: kinds.includes('embedded') ? 'embedded' : 'configured' } } : {}),
    tool: first.tool,
    runId: runIds.join('+'),
    startedAt: reports.map((r) => r.startedAt).reduce(minIso),
    finishedAt: reports.map((r) => r.finishedAt).reduce(maxIso),
    interrupted: reports.some((r) => r.interrupted),
    targets,
    results,
    runErrors,
    ...(generation ? { generation } : {}),
    ...(shrunk.length ? { shrunk } : {}),
    ...(suites.length ? { coverage: runCoverage(suites, results) } : {}),
    ...(releases.length ? { releases } : {}),
  };
}

export function mergeCommand(env: Env, dirs: string[], log: (line: string) => void): number {
  if (dirs.length === 0) throw new ConfigError('merge', 'needs the report directories to merge', 'run `update-conformance merge DIR DIR … [--report-dir OUT]`');
  try {
    loadConfig(env); // only to learn the secret values, for the artifact scan below
  } catch {
    // a merge job needs no target configuration
  }
  const reports = dirs.map((d) => readRunReport(d));
  const merged = mergeReports(reports, dirs);
  const hadBaseline = reports.some((r) => r.baselineProblems?.length || r.results.some((x) => x.baselined));
  const baselineFile = get(env, 'CONFORMANCE_BASELINE');
  if (baselineFile) {
    const outcome = applyBaseline(loadBaseline(baselineFile), merged.results);
    merged.baselineProblems = outcome.problems;
    merged.baseline = basename(baselineFile);
    if (outcome.excused.length) log(`baseline: ${outcome.excused.length} known deviation(s) excused by ${baselineFile}`);
    for (const p of outcome.problems) log(`baseline: ${p}`);
  } else if (hadBaseline) {
    log('baseline: the shards were judged by a baseline but CONFORMANCE_BASELINE is not set here: no failure is excused');
  }
  const outDir = resolve(get(env, 'CONFORMANCE_REPORT_DIR') ?? 'reports');
  const shards = reports.filter((r) => r.shard).map((r) => `${r.shard?.index}/${r.shard?.total}`);
  log(`merged ${reports.length} report(s)${shards.length ? ` (shards ${shards.join(', ')})` : ''}: run ${merged.runId}, ${merged.results.length} results`);
  for (const e of merged.runErrors) log(`  ! ${e}`);
  // Complete again only when every variant the target can run is there; otherwise the merge says what it covers.
  if (merged.scope) log(`scope: ${describeScope(merged.scope) ?? `complete — all ${merged.scope.available} variants present`}`);
  const written = writeReports(merged, outDir).map((f) => f.path);
  const leaked = scanForSecrets(outDir);
  if (leaked.length) {
    merged.runErrors.push(`secret values found in: ${leaked.join(', ')}`);
    log(`ERROR: a secret value appears in ${leaked.join(', ')}`);
  }
  const c = countVerdicts(merged.results);
  const n = caseCount(merged.results);
  log(
    `${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped (${n.variants} variants of ${n.cases} cases)${merged.interrupted ? ' — interrupted' : ''}`,
  );
  log(`Reports: ${written.join(', ')}`);
  return logVerdict(merged, log);
}
