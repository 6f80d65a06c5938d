import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyBaseline, loadBaseline, writeBaseline } from '../engine/baseline.ts';
import { casesOf, knownTags } from '../engine/cases/catalog.ts';
import { checkSelection, isCaseSelected } from '../engine/cases/select.ts';
import { type Config, loadConfig, loadEnv, type SuiteName } from '../engine/config/index.ts';
import { redactText } from '../engine/config/secrets.ts';
import { describeError } from '../engine/errors.ts';
import { sweepK8s } from '../engine/targets/k8s/sweep.ts';
import { undoNovaRun } from '../engine/targets/nova/sweep.ts';
import ConformanceReporter from '../reporters/conformance.ts';
import { countVerdicts, type RunReport } from '../reporters/model.ts';
import { writeReports } from '../reporters/write.ts';
import { startEmbedded } from './embedded.ts';
import { EXIT } from './exit-codes.ts';
import { preflightK8s, preflightNova } from './preflight.ts';
import { scanForSecrets } from './secret-scan.ts';

const SUITE_FILES: Record<SuiteName, string> = { k8s: 'suites/k8s/', nova: 'suites/nova/' };

export interface RunOptions {
  /** Where progress lines go (default stdout); the self-tests capture them. */
  log?: (line: string) => void;
}

/**
 * Which suites run: the requested ones, else the configured ones, else all against embedded backends —
 * and of those only suites with selected cases. A selection that matches nothing is a usage error.
 */
export function chooseSuites(config: Config): { suites: SuiteName[]; embedded: SuiteName[] } {
  const configured: SuiteName[] = [];
  if (config.k8s) configured.push('k8s');
  if (config.nova) configured.push('nova');
  const requested = config.run.suites ?? (configured.length ? configured : ['k8s', 'nova']);
  const sel = config.run.selection;
  checkSelection(sel, requested.flatMap(casesOf), knownTags());
  const suites = requested.filter((s) => casesOf(s).some((c) => isCaseSelected(sel, c)));
  return { suites, embedded: suites.filter((s) => !configured.includes(s)) };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The main job: validate, preflight, run the suites, write reports, clean up, scan for secrets. */
export async function runCommand(opts: RunOptions = {}): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const env = loadEnv();
  let config = loadConfig(env); // throws ConfigError → exit 2 in main
  const { suites, embedded } = chooseSuites(config);
  const backends = embedded.length ? await startEmbedded(embedded) : undefined;
  try {
    if (backends) {
      Object.assign(process.env, backends.env, { CONFORMANCE_RUN_ID: config.run.runId });
      config = loadConfig(loadEnv());
      log(`No target configured for ${embedded.join(', ')}: using the embedded reference backend(s) on 127.0.0.1.`);
    }
    process.env.CONFORMANCE_RUN_ID = config.run.runId;
    if (suites.includes('k8s')) log(`k8s: ${await preflightK8s(config)}`);
    if (suites.includes('nova')) log(`nova: ${await preflightNova(config)}`);
    if (config.k8s?.insecureSkipTlsVerify) log('WARNING: K8S_INSECURE_SKIP_TLS_VERIFY is on: the server certificate is NOT verified.');
    if (config.nova?.insecure) log('WARNING: OS_INSECURE is on: the server certificate is NOT verified.');
    return await runSuites(config, suites, log);
  } finally {
    await backends?.close();
  }
}

async function runSuites(config: Config, suites: SuiteName[], log: (line: string) => void): Promise<number> {
  const reportDir = resolve(config.run.reportDir);
  mkdirSync(reportDir, { recursive: true });
  let report: RunReport | undefined;
  log(`Run ${config.run.runId}: suites ${suites.join(', ')}; reports in ${reportDir}`);
  const reporter = new ConformanceReporter({ runId: config.run.runId, version: packageVersion(), onReport: (r) => (report = r), write: log });
  // createVitest + start (not startVitest, which only returns once the run is over): the signal handlers must
  // be in place while the cases run, or SIGINT/SIGTERM kill the process with no cleanup and no reports.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const foreign = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // Loaded here, not at the top: vitest is most of the CLI's start-up, and list/doctor/config errors need none of it.
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', {
    config: resolve(import.meta.dirname, '..', 'vitest.suites.config.ts'),
    watch: false,
    maxConcurrency: config.run.concurrency,
    reporters: [reporter], // junit.xml is written by writeReports from the RunReport (reporters/junit.ts), as `merge` does
  });
  // vitest's logger exits the process 1 ms after SIGINT/SIGTERM; this run must first clean up and report.
  for (const s of signals) for (const l of process.listeners(s)) if (!foreign.get(s)?.has(l)) process.off(s, l);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      log(`${signal} again: exiting now; run \`cleanup\` to remove what run ${config.run.runId} left behind.`);
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    log(`\n${signal}: stopping the run, cleaning up and writing partial reports…`);
    void vitest.cancelCurrentRun('keyboard-input');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The handlers stay until the end: a signal during the final sweep or while reports are written must not
  // kill the process half-way (a second one still exits at once).
  try {
    let startError: unknown;
    try {
      await vitest.start(suites.map((s) => SUITE_FILES[s]));
    } catch (err) {
      startError = err;
    } finally {
      await vitest.close();
    }
    const final: RunReport = report ?? {
      tool: { name: 'update-conformance', version: packageVersion() },
      runId: config.run.runId,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      interrupted,
      targets: [],
      results: [],
      runErrors: ['vitest ended without a report'],
    };
    final.interrupted ||= interrupted;
    if (startError) final.runErrors.push(`the suites could not run: ${describeError(startError)}`);
    await sweepAfterRun(config, final, log);
    judgeByBaseline(config, final, log);
    let written = writeReports(final, reportDir);
    const leakedSecrets = scanForSecrets(reportDir);
    if (leakedSecrets.length) {
      // Say so in the reports too, and write them again with every known secret value replaced.
      log(`ERROR: a secret value the run loaded appears in ${leakedSecrets.join(', ')}`);
      final.runErrors.push(`secret values found in: ${leakedSecrets.join(', ')} (the reports were rewritten with the values redacted)`);
      written = writeReports(JSON.parse(redactText(JSON.stringify(final))) as RunReport, reportDir);
    }
    log(`Reports: ${written.join(', ')}`);
    return exitCodeFor(final);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Deletes whatever of this run is still on the target; anything left is a run error (a leak). */
async function sweepAfterRun(config: Config, report: RunReport, log: (line: string) => void): Promise<void> {
  if (config.k8s) {
    try {
      const sweep = await sweepK8s(config.k8s, config.run.timeoutMs, config.run.runId, false);
      if (sweep.found.length) log(`cleanup: removed ${sweep.found.length} leftover object(s) of run ${config.run.runId}`);
      for (const f of sweep.failed) report.runErrors.push(`leak: ${f} could not be deleted`);
    } catch (err) {
      report.runErrors.push(`cleanup of Kubernetes objects failed: ${describeError(err)}`);
    }
  }
  if (config.nova) {
    try {
      const problems = await undoNovaRun(config);
      for (const p of problems) report.runErrors.push(`leak: ${p}`);
    } catch (err) {
      report.runErrors.push(`restoring servers failed: ${describeError(err)}`);
    }
  }
  for (const r of report.results) for (const leak of r.leaks ?? []) report.runErrors.push(`leak in ${r.id}: ${leak}`);
}

/** Known deviations (CONFORMANCE_BASELINE): excuse listed failures; stale, expired or unmatched entries fail the gate. */
function judgeByBaseline(config: Config, report: RunReport, log: (line: string) => void): void {
  const file = config.run.baselineFile;
  if (!file) return;
  if (config.run.updateBaseline) {
    const previous = existsSync(file) ? loadBaseline(file) : [];
    const n = writeBaseline(file, report.results, previous);
    log(`baseline: wrote ${n} entr${n === 1 ? 'y' : 'ies'} to ${file}`);
  }
  const outcome = applyBaseline(loadBaseline(file), report.results);
  if (outcome.excused.length) log(`baseline: ${outcome.excused.length} known deviation(s) excused by ${file}`);
  // A shard sees only part of the cases: unmatched or stale entries are judged by the merge, not here.
  if (report.shard) {
    if (outcome.problems.length) log(`baseline: ${outcome.problems.length} entry problem(s) left to the merge of all shards`);
    return;
  }
  report.baselineProblems = outcome.problems;
  for (const p of outcome.problems) log(`baseline: ${p}`);
}

export function exitCodeFor(report: RunReport): number {
  const c = countVerdicts(report.results.filter((r) => !r.baselined));
  if (report.interrupted) return EXIT.interrupted;
  if (c.fail > 0 || (report.baselineProblems?.length ?? 0) > 0) return EXIT.nonConformant;
  if (c.error > 0 || report.runErrors.length > 0 || c.total === 0) return EXIT.incomplete;
  return EXIT.ok;
}
