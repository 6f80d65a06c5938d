import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { applyBaseline, loadBaseline, writeBaseline } from '../engine/baseline.ts';
import { knownTags } from '../engine/cases/catalog.ts';
import { suiteOfCaseFile } from '../engine/cases/extra.ts';
import { checkSelection, isCaseSelected } from '../engine/cases/select.ts';
import { describeGeneration } from '../engine/config/generation.ts';
import { type Config, type Env, loadConfig } from '../engine/config/index.ts';
import { knownSecrets, redactText } from '../engine/config/secrets.ts';
import { runCoverage } from '../engine/coverage/index.ts';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { COMPILED, PACKAGE_ROOT, packageInfo } from '../engine/paths.ts';
import { targetReleases } from '../engine/releases.ts';
import { describeScope, type RunScope } from '../engine/scope.ts';
import type { ProvidedRun } from '../engine/suite.ts';
import { runCasesOf, selectedVariants, TARGETS } from '../engine/targets/index.ts';
import type { AnyTarget } from '../engine/targets/target.ts';
import ConformanceReporter, { meaningfulRunErrors } from '../reporters/conformance.ts';
import type { RunReport } from '../reporters/model.ts';
import { SonobuoyProgress, writeSonobuoyDone, writeSonobuoyResults } from '../reporters/sonobuoy.ts';
import { judge } from '../reporters/verdict.ts';
import { writeReports } from '../reporters/write.ts';
import { type ConfigSource, recordConfiguration } from './configuration.ts';
import { ignoredFaultSettings, startEmbedded } from './embedded.ts';
import { checkHistory, recordInHistory } from './history.ts';
import { candidateSuites, measureScope, rerunTargetChange } from './scope.ts';
import { scanForSecrets } from './secret-scan.ts';
import { shrinkFailures } from './shrink.ts';

// The suites run as vitest test files: the TypeScript sources in a checkout, the compiled ones when installed.
const SUITES_DIR = COMPILED ? 'dist/suites' : 'suites';
const SUITES_VITEST_CONFIG = {
  config: false as const,
  root: PACKAGE_ROOT,
  include: [`${SUITES_DIR}/**/*.test.${COMPILED ? 'js' : 'ts'}`],
  // Installed, the package itself lies under node_modules/, which vitest excludes by default.
  exclude: [],
  // Compiled code needs no transform: Node loads it as it is (as it does any installed package's).
  server: { deps: { external: COMPILED ? [/\/dist\/(engine|reporters|backends)\//] : [] } },
  pool: 'threads' as const,
  fileParallelism: true,
  // vitest's default is one worker fewer than the cores (1 on 2 cores): the suites would run one after the other.
  maxWorkers: Math.max(2, availableParallelism()),
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // vitest never reruns a case: only technical errors are retried, by engine/retry.ts, which never reruns a decided verdict.
  retry: 0,
};

export interface RunOptions {
  /** Where progress lines go (default stdout); the self-tests capture them. */
  log?: (line: string) => void;
  /** One line per variant instead of the progress line (`--verbose`). */
  verbose?: boolean;
  /** Rewrites one live progress line (given when stdout is a terminal). */
  live?: (text: string) => void;
  /** Where the settings came from (the flags given, the .env file read), recorded in results.json. */
  source?: ConfigSource;
}

/**
 * Which suites run, and against what. A configured run tests the configured targets (CONFORMANCE_SUITES may
 * only name configured ones: a verdict about an API never includes a reference backend). With no target, or
 * with `--embedded`, every requested suite runs against the embedded reference backends: a self-check, said so
 * in every output — and refused under CI unless asked for. Of those, only suites with selected cases run; a
 * selection that matches nothing is a usage error. `list` only shows cases: the CI rule does not apply to it.
 */
export function chooseSuites(config: Config, purpose: 'run' | 'list' = 'run'): { suites: AnyTarget[]; embedded: boolean } {
  const configured = TARGETS.filter((t) => config.targets[t.name] !== undefined);
  const named = config.run.suites ? TARGETS.filter((t) => config.run.suites?.includes(t.name)) : undefined;
  const embedded = config.run.embedded || configured.length === 0;
  if (embedded && !config.run.embedded && config.run.ci && purpose === 'run') {
    throw new ConfigError(
      'CI',
      'is set but no target is configured',
      'configure a target (see .env.example), or pass --embedded for a self-check of the reference backends',
    );
  }
  const unconfigured = embedded ? undefined : named?.find((t) => !configured.includes(t));
  if (unconfigured) {
    throw new ConfigError(
      'CONFORMANCE_SUITES',
      `names ${unconfigured.name} but no ${unconfigured.apiName} target is configured`,
      `configure it, or run only ${configured.map((t) => t.name).join(', ')}`,
    );
  }
  const requested = named ?? (embedded ? [...TARGETS] : configured);
  for (const f of config.run.caseFiles) {
    const suite = suiteOfCaseFile(f);
    if (!requested.some((t) => t.suite === suite)) {
      throw new ConfigError('CONFORMANCE_CASE_FILES', `${f} holds cases of ${suite}, which this run does not run`, 'configure that target or drop the file');
    }
  }
  const sel = config.run.selection;
  const cases = (t: AnyTarget) => runCasesOf(t, config.run);
  checkSelection(sel, requested.flatMap(cases), knownTags());
  return { suites: requested.filter((t) => cases(t).some((c) => isCaseSelected(sel, c))), embedded };
}

/** The settings without any target's: the embedded backends are configured by their variables alone. */
function withoutTargetSettings(env: Env): Env {
  const names = TARGETS.flatMap((t) => t.variables);
  const isTargets = (n: string) => names.some((k) => (k.endsWith('_') ? n.startsWith(k) : n === k));
  return Object.fromEntries(Object.entries(env).filter(([n]) => !isTargets(n)));
}

/**
 * Cases in flight per suite against the embedded backends, unless CONFORMANCE_CONCURRENCY says otherwise: they
 * are ours, on loopback and CPU-bound, and more requests in flight mean fewer thread wake-ups per request (the
 * main job measured about 0.2 s faster than at the default 4, bench/README.md). A target's API keeps the default.
 */
const EMBEDDED_CONCURRENCY = '8';

/** Starts the reference backends of `suites` and configures the run for them (a self-check). */
export async function embeddedConfig(env: Env, config: Config, suites: AnyTarget[]): Promise<{ config: Config; close(): Promise<void> }> {
  const backends = await startEmbedded(suites, env);
  try {
    const loaded = loadConfig({
      CONFORMANCE_CONCURRENCY: EMBEDDED_CONCURRENCY,
      ...withoutTargetSettings(env),
      ...backends.env,
      CONFORMANCE_RUN_ID: config.run.runId,
      // The seed drawn for this run, not a second one.
      ...(config.run.generate ? { CONFORMANCE_SEED: String(config.run.generate.seed) } : {}),
    });
    if (loaded.run.generate && config.run.generate) loaded.run.generate.seedFrom = config.run.generate.seedFrom;
    return { config: { ...loaded, run: { ...loaded.run, embedded: true } }, close: () => backends.close() };
  } catch (err) {
    await backends.close();
    throw err;
  }
}

const packageVersion = () => packageInfo().version;

/** The main job: validate, preflight, run the suites, write reports, clean up, scan for secrets. */
export async function runCommand(env: Env, opts: RunOptions = {}): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let config = loadConfig(env); // throws ConfigError → exit 2 in main
  const loadedTargets = config.targets;
  const rerun = config.run.selection.rerunOf;
  if (rerun && rerun.variants === 0) {
    // An earlier green run leaves nothing to rerun: that is an answer, not a mistake.
    log(`Nothing to rerun: run ${rerun.runId ?? '?'} (${rerun.file}) has no failed or errored variant.`);
    return EXIT.ok;
  }
  const { suites, embedded } = chooseSuites(config);
  if (config.run.historyDir) await checkHistory(config.run.historyDir); // a history it cannot use stops the run before any request
  // vitest is most of the CLI's start-up: it loads while the backends start on their threads and the targets
  // answer the preflight (list/doctor/config errors never load it).
  const vitestNode = import('vitest/node');
  vitestNode.catch(() => undefined); // a failure is reported where it is awaited
  const backends = embedded ? await embeddedConfig(env, config, suites) : undefined;
  try {
    if (backends) {
      config = backends.config;
      log(`Self-check of the embedded reference backend(s) on 127.0.0.1 for ${suites.map((t) => t.name).join(', ')}: not a verdict about an API.`);
    }
    // The targets are independent: asked at the same time, reported (and a failure raised) in their order.
    const cfgNow = config;
    const found = await Promise.allSettled(
      suites.map(async (t) => {
        const cfg = cfgNow.targets[t.name];
        const line = await t.preflight(cfg, cfgNow.run);
        return { line, facts: await t.discover(cfg, cfgNow.run) };
      }),
    );
    const facts: Record<string, unknown> = {};
    for (const [i, t] of suites.entries()) {
      const r = found[i] as PromiseSettledResult<{ line: string; facts: unknown }>;
      if (r.status === 'rejected') throw r.reason;
      log(`${t.name}: ${r.value.line}`);
      facts[t.name] = r.value.facts;
    }
    for (const r of targetReleases(suites, facts)) if (r.notice) log(`NOTE: ${r.suite}: ${r.notice}.`);
    for (const t of suites) {
      const warning = t.insecureWarning(config.targets[t.name]);
      if (warning) log(`WARNING: ${warning}.`);
    }
    const started = embedded ? suites.map((t) => t.name) : [];
    for (const w of ignoredFaultSettings(env, started, Object.keys(loadedTargets))) log(`WARNING: ${w}.`);
    const scope = await measureScope(config, candidateSuites(config, embedded), suites, facts);
    const partial = describeScope(scope);
    if (partial) log(`Scope: ${partial}`);
    const configuration = recordConfiguration(env, config, opts.source);
    return await runSuites(config, suites, facts, log, opts, vitestNode, { scope, configuration });
  } finally {
    await backends?.close();
  }
}

async function runSuites(
  config: Config,
  suites: AnyTarget[],
  facts: Record<string, unknown>,
  log: (line: string) => void,
  opts: RunOptions,
  vitestNode: Promise<typeof import('vitest/node')>,
  recorded: { scope: RunScope; configuration: Record<string, unknown> },
): Promise<number> {
  const reportDir = resolve(config.run.reportDir);
  mkdirSync(reportDir, { recursive: true });
  let report: RunReport | undefined;
  log(`Run ${config.run.runId}: suites ${suites.map((t) => t.name).join(', ')}; reports in ${reportDir}`);
  if (config.run.generate) log(`Generate: ${describeGeneration(config.run.generate)}`);
  const sonobuoy = config.run.sonobuoy;
  const total = suites.reduce((n, t) => n + selectedVariants(t, config.run, facts[t.name]).length, 0);
  const progress = sonobuoy?.progressPort ? new SonobuoyProgress(sonobuoy.progressPort, total, log) : undefined;
  progress?.post(`starting: ${total} variant(s)`);
  const reporter = new ConformanceReporter({
    runId: config.run.runId,
    version: packageVersion(),
    shard: config.run.shard,
    onReport: (r) => (report = r),
    onResult: progress ? (r) => progress.onResult(r) : undefined,
    write: log,
    kind: config.run.embedded ? 'embedded' : 'configured',
    verbose: opts.verbose,
    live: opts.live,
    total,
  });
  const provided: ProvidedRun = { config, facts, secrets: [...knownSecrets()] };
  // createVitest + start (not startVitest, which only returns once the run is over): the signal handlers must
  // be in place while the cases run, or SIGINT/SIGTERM kill the process with no cleanup and no reports.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const foreign = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { createVitest } = await vitestNode;
  const vitest = await createVitest('test', {
    ...SUITES_VITEST_CONFIG,
    watch: false,
    maxConcurrency: config.run.concurrency,
    provide: { conformance: provided },
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
      await vitest.start(suites.map((t) => `${SUITES_DIR}/${t.name}/`));
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
      target: { kind: config.run.embedded ? 'embedded' : 'configured' },
      targets: [],
      results: [],
      runErrors: ['vitest ended without a report'],
    };
    final.interrupted ||= interrupted;
    final.scope = recorded.scope;
    final.configuration = recorded.configuration;
    const rerunOf = recorded.scope.selection.rerun;
    const changed = rerunOf && rerunTargetChange(rerunOf, final.targets);
    if (rerunOf && changed) {
      rerunOf.targetChanged = changed;
      log(`WARNING: --rerun-failed reruns the failures of another target (${changed}).`);
    }
    if (config.run.generate) final.generation = config.run.generate;
    if (startError) final.runErrors.push(`the suites could not run: ${describeError(startError)}`);
    final.runErrors = meaningfulRunErrors(final.runErrors, final.interrupted || Boolean(final.stoppedEarly));
    if (final.interrupted) {
      const notRun = suites.filter((t) => !final.results.some((r) => r.suite === t.suite)).map((t) => t.suite);
      if (notRun.length) final.notRun = notRun;
    }
    await shrinkFailures(config, suites, facts, final, reportDir, log);
    await sweepAfterRun(config, final, log);
    if (final.results.length === 0 && !final.interrupted) {
      // Nothing ran: the reports of an earlier run stay as they were rather than being replaced by an empty one.
      for (const e of final.runErrors) log(`run error: ${e}`);
      log(`The run did not start: no report written (earlier reports in ${reportDir} are untouched).`);
      return EXIT.incomplete;
    }
    final.coverage = runCoverage(suites, final.results);
    final.releases = targetReleases(suites, facts);
    judgeByBaseline(config, final, log);
    if (config.run.historyDir) {
      try {
        await recordInHistory(config.run.historyDir, final, log);
      } catch (err) {
        final.runErrors.push(`history: ${describeError(err)}`);
      }
    }
    reporter.finish(final);
    const write = (r: RunReport) => {
      const files = writeReports(r, reportDir, config.run.extraReports);
      return { files, paths: [...files.map((f) => f.path), ...(sonobuoy?.resultsDir ? [writeSonobuoyResults(r, reportDir)] : [])] };
    };
    let written = write(final);
    const leakedSecrets = scanForSecrets(reportDir, undefined, new Map(written.files.map((f) => [f.path, f.content])));
    if (leakedSecrets.length) {
      // Say so in the reports too, and write them again with every known secret value replaced.
      log(`ERROR: a secret value the run loaded appears in ${leakedSecrets.join(', ')}`);
      final.runErrors.push(`secret values found in: ${leakedSecrets.join(', ')} (the reports were rewritten with the values redacted)`);
      written = write(JSON.parse(redactText(JSON.stringify(final))) as RunReport);
    }
    log(`Reports: ${written.paths.join(', ')}`);
    const judgement = judge(final);
    log(`verdict: ${judgement.headline} (exit ${judgement.exitCode})`);
    progress?.post(judgement.headline);
    await progress?.flush();
    // Last: the Sonobuoy worker collects the directory as soon as `done` appears.
    if (sonobuoy?.resultsDir) log(`sonobuoy: ${writeSonobuoyDone(sonobuoy.resultsDir, reportDir)} names ${reportDir}`);
    return judgement.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Deletes whatever of this run is still on the targets; anything left is a run error (a leak). */
async function sweepAfterRun(config: Config, report: RunReport, log: (line: string) => void): Promise<void> {
  for (const t of TARGETS) {
    const cfg = config.targets[t.name];
    if (cfg === undefined) continue;
    try {
      const sweep = await t.sweep(cfg, config.run, config.run.runId, false);
      if (sweep.found.length) log(`cleanup: removed ${sweep.found.length} leftover object(s) of run ${config.run.runId}`);
      for (const f of sweep.failed) report.runErrors.push(`leak: ${f}`);
    } catch (err) {
      report.runErrors.push(`cleanup of ${t.title} failed: ${describeError(err)}`);
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
    const n = writeBaseline(file, report.results, previous, config.run.baselineExpiryDays);
    log(`baseline: wrote ${n} entr${n === 1 ? 'y' : 'ies'} to ${file}`);
  }
  const outcome = applyBaseline(loadBaseline(file), report.results);
  report.baseline = basename(file);
  if (outcome.excused.length) log(`baseline: ${outcome.excused.length} known deviation(s) excused by ${file}`);
  // A shard sees only part of the cases: unmatched or stale entries are judged by the merge, not here.
  if (report.shard) {
    if (outcome.problems.length) log(`baseline: ${outcome.problems.length} entry problem(s) left to the merge of all shards`);
    return;
  }
  report.baselineProblems = outcome.problems;
  for (const p of outcome.problems) log(`baseline: ${p}`);
}
