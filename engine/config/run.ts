import { randomBytes } from 'node:crypto';
import { parseSelection, type Selection } from '../cases/select.ts';
import { parseShard, type Shard } from '../cases/shard.ts';
import { ConfigError } from '../errors.ts';
import { type Env, get, getBool, getInt } from './env.ts';

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
] as const;

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
  return {
    runId,
    suites,
    reportDir: get(env, 'CONFORMANCE_REPORT_DIR') ?? 'reports',
    concurrency: getInt(env, 'CONFORMANCE_CONCURRENCY', 4, 1, 64),
    timeoutMs: getInt(env, 'CONFORMANCE_TIMEOUT_MS', 15000, 100, 600000),
    baselineFile: get(env, 'CONFORMANCE_BASELINE'),
    updateBaseline: get(env, 'CONFORMANCE_UPDATE_BASELINE') === 'true',
    selection: parseSelection(get(env, 'CONFORMANCE_CASES'), get(env, 'CONFORMANCE_TAGS')),
    shard: parseShard(env.CONFORMANCE_SHARD),
    fullEvidence: get(env, 'CONFORMANCE_FULL_EVIDENCE') === 'true',
    embedded: getBool(env, 'CONFORMANCE_EMBEDDED'),
    ci: isCi(env),
    baselineExpiryDays: getInt(env, 'CONFORMANCE_BASELINE_EXPIRY_DAYS', 90, 1, 3650),
  };
}

/** CI systems set `CI` (true, 1, or a name); only an explicit false-like value means "not CI". */
function isCi(env: Env): boolean {
  const v = get(env, 'CI');
  return v !== undefined && !/^(0|false|no|off)$/i.test(v);
}
