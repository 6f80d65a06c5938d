import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseCaseFiles } from '../cases/extra.ts';
import { parseSelection, rerunVariants, type Selection } from '../cases/select.ts';
import { parseShard, type Shard } from '../cases/shard.ts';
import { ConfigError } from '../errors.ts';
import { type Env, get, getBool, getInt } from './env.ts';
import { type GenerationConfig, parseGeneration } from './generation.ts';

/** Settings of the run itself, independent of the targets. */
export interface RunConfig {
  /** Short id in every created resource's name and label, so cleanup never touches anything else. */
  runId: string;
  /** Suites (target names) requested explicitly (CONFORMANCE_SUITES); undefined = every configured one. */
  suites?: string[];
  reportDir: string;
  /** Cases in flight at once per suite. */
  concurrency: number;
  /** Connect, headers and body timeout of each request. */
  timeoutMs: number;
  baselineFile?: string;
  /** Write the current failures to the baseline file instead of judging by it. */
  updateBaseline: boolean;
  /** CONFORMANCE_CASES / CONFORMANCE_TAGS. */
  selection: Selection;
  /** CONFORMANCE_SHARD: run only this shard's variants (engine/cases/shard.ts). */
  shard?: Shard;
  /** CONFORMANCE_FULL_EVIDENCE: keep every exchange of passing cases too, not only the update's. */
  fullEvidence: boolean;
  /**
   * The run is a self-check of the embedded reference backends, not a verdict about an API: asked for with
   * `--embedded` (CONFORMANCE_EMBEDDED), or the CLI's choice when no target is configured (cli/run.ts chooseSuites).
   */
  embedded: boolean;
  /** `CI` is set: a run without a target is a configuration error unless `--embedded` asks for the self-check. */
  ci: boolean;
  /** Days until an entry `--update-baseline` writes expires (CONFORMANCE_BASELINE_EXPIRY_DAYS). */
  baselineExpiryDays: number;
  /** CONFORMANCE_REPORTS: extra report formats beside the usual four (`subunit`). */
  extraReports: ExtraReport[];
  /** CONFORMANCE_RETRIES / CONFORMANCE_RETRY_MAX_WAIT_MS: bounded retries of technical errors (engine/retry.ts). */
  retry: { retries: number; maxWaitMs: number };
  /** CONFORMANCE_HISTORY: the run history to record this run in and compare it with (engine/history/). */
  historyDir?: string;
  /** CONFORMANCE_GENERATE / CONFORMANCE_SEED: generated variants per family, and their seed (engine/config/generation.ts). */
  generate?: GenerationConfig;
  /** CONFORMANCE_CASE_FILES: case files run beside the targets' own (engine/cases/extra.ts), absolute paths. */
  caseFiles: string[];
  /** Running as a Sonobuoy plugin (SONOBUOY_RESULTS_DIR / SONOBUOY_PROGRESS_PORT, set by the Sonobuoy worker). */
  sonobuoy?: { resultsDir?: string; progressPort?: number };
}

/** Every variable the run itself reads (the targets list theirs in their modules): engine/config/variables.ts. */
export const RUN_VARIABLES = [
  'CONFORMANCE_RUN_ID',
  'CONFORMANCE_SUITES',
  'CONFORMANCE_REPORT_DIR',
  'CONFORMANCE_CONCURRENCY',
  'CONFORMANCE_TIMEOUT_MS',
  'CONFORMANCE_BASELINE',
  'CONFORMANCE_UPDATE_BASELINE',
  'CONFORMANCE_BASELINE_EXPIRY_DAYS',
  'CONFORMANCE_CASES',
  'CONFORMANCE_TAGS',
  'CONFORMANCE_SHARD',
  'CONFORMANCE_FULL_EVIDENCE',
  'CONFORMANCE_EMBEDDED',
  'CONFORMANCE_ENV_FILE',
  'CONFORMANCE_REPORTS',
  'CONFORMANCE_RERUN_FAILED',
  'CONFORMANCE_RETRIES',
  'CONFORMANCE_RETRY_MAX_WAIT_MS',
  'CONFORMANCE_HISTORY',
  'CONFORMANCE_GENERATE',
  'CONFORMANCE_SEED',
  'CONFORMANCE_CASE_FILES',
  'SONOBUOY_RESULTS_DIR',
  'SONOBUOY_PROGRESS_PORT',
] as const;

export const EXTRA_REPORTS = ['subunit'] as const;
export type ExtraReport = (typeof EXTRA_REPORTS)[number];

function parseExtraReports(raw: string | undefined): ExtraReport[] {
  const out: ExtraReport[] = [];
  for (const f of (raw ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(EXTRA_REPORTS as readonly string[]).includes(f)) {
      throw new ConfigError('CONFORMANCE_REPORTS', `unknown report format "${f}"`, `use a comma-separated list of: ${EXTRA_REPORTS.join(', ')}`);
    }
    if (!out.includes(f as ExtraReport)) out.push(f as ExtraReport);
  }
  return out;
}

/** Sonobuoy's worker sets these for its plugins; the reports then go under the results directory. */
function parseSonobuoy(env: Env): RunConfig['sonobuoy'] {
  const resultsDir = get(env, 'SONOBUOY_RESULTS_DIR');
  const port = get(env, 'SONOBUOY_PROGRESS_PORT');
  if (!resultsDir && !port) return undefined;
  if (resultsDir && get(env, 'CONFORMANCE_REPORT_DIR')) {
    throw new ConfigError(
      'CONFORMANCE_REPORT_DIR',
      'is set together with SONOBUOY_RESULTS_DIR',
      `unset it: a Sonobuoy run writes its reports to ${SONOBUOY_SUBDIR}/ under the results directory`,
    );
  }
  return { resultsDir, progressPort: port ? getInt(env, 'SONOBUOY_PROGRESS_PORT', 8099, 1, 65535) : undefined };
}

/** Where a Sonobuoy run puts its reports, under SONOBUOY_RESULTS_DIR (the directory the `done` file names). */
export const SONOBUOY_SUBDIR = 'update-conformance';

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** The run's own settings; `known` are the suite names CONFORMANCE_SUITES may use. */
export function loadRunConfig(env: Env, known: readonly string[]): RunConfig {
  const runId = get(env, 'CONFORMANCE_RUN_ID') ?? newRunId();
  if (!/^[a-z0-9]{4,12}$/.test(runId)) {
    throw new ConfigError('CONFORMANCE_RUN_ID', `"${runId}" is not a run id`, 'use 4-12 lowercase letters or digits');
  }
  let suites: string[] | undefined;
  const rawSuites = get(env, 'CONFORMANCE_SUITES');
  if (rawSuites) {
    suites = [];
    for (const s of rawSuites
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!known.includes(s)) {
        throw new ConfigError('CONFORMANCE_SUITES', `unknown suite "${s}"`, `use a comma-separated list of: ${known.join(', ')}`);
      }
      suites.push(s);
    }
  }
  const sonobuoy = parseSonobuoy(env);
  const generate = parseGeneration(env);
  if (generate?.seedFrom === 'drawn' && env.CONFORMANCE_SHARD) {
    // Each shard would draw a seed of its own: its share of another stream of cases.
    throw new ConfigError('CONFORMANCE_SEED', 'is needed when a generated run is sharded (CONFORMANCE_SHARD)', 'give every shard the same --seed');
  }
  const sonobuoyReports = sonobuoy?.resultsDir ? join(sonobuoy.resultsDir, SONOBUOY_SUBDIR) : undefined;
  return {
    runId,
    suites,
    reportDir: get(env, 'CONFORMANCE_REPORT_DIR') ?? sonobuoyReports ?? 'reports',
    concurrency: getInt(env, 'CONFORMANCE_CONCURRENCY', 4, 1, 64),
    timeoutMs: getInt(env, 'CONFORMANCE_TIMEOUT_MS', 15000, 100, 600000),
    baselineFile: get(env, 'CONFORMANCE_BASELINE'),
    updateBaseline: get(env, 'CONFORMANCE_UPDATE_BASELINE') === 'true',
    selection: parseSelection(get(env, 'CONFORMANCE_CASES'), get(env, 'CONFORMANCE_TAGS'), rerunVariants(get(env, 'CONFORMANCE_RERUN_FAILED'))),
    shard: parseShard(env.CONFORMANCE_SHARD),
    fullEvidence: get(env, 'CONFORMANCE_FULL_EVIDENCE') === 'true',
    embedded: getBool(env, 'CONFORMANCE_EMBEDDED'),
    ci: isCi(env),
    baselineExpiryDays: getInt(env, 'CONFORMANCE_BASELINE_EXPIRY_DAYS', 90, 1, 3650),
    extraReports: parseExtraReports(get(env, 'CONFORMANCE_REPORTS')),
    retry: { retries: getInt(env, 'CONFORMANCE_RETRIES', 2, 0, 10), maxWaitMs: getInt(env, 'CONFORMANCE_RETRY_MAX_WAIT_MS', 30000, 0, 600000) },
    ...(get(env, 'CONFORMANCE_HISTORY') ? { historyDir: get(env, 'CONFORMANCE_HISTORY') } : {}),
    caseFiles: parseCaseFiles(env),
    ...(generate ? { generate } : {}),
    ...(sonobuoy ? { sonobuoy } : {}),
  };
}

/** CI systems set `CI` (true, 1, or a name); only an explicit false-like value means "not CI". */
function isCi(env: Env): boolean {
  const v = get(env, 'CI');
  return v !== undefined && !/^(0|false|no|off)$/i.test(v);
}
