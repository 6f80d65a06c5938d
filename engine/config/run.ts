import { randomBytes } from 'node:crypto';
import { parseSelection, type Selection } from '../cases/select.ts';
import { ConfigError } from '../errors.ts';
import { type Env, get, getInt } from './env.ts';

export const SUITES = ['k8s', 'nova'] as const;
export type SuiteName = (typeof SUITES)[number];

/** Settings of the run itself, independent of the targets. */
export interface RunConfig {
  /** Short id in every created resource's name and label, so cleanup never touches anything else. */
  runId: string;
  /** Suites requested explicitly (CONFORMANCE_SUITES); undefined = every configured one. */
  suites?: SuiteName[];
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
}

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export function loadRunConfig(env: Env): RunConfig {
  const runId = get(env, 'CONFORMANCE_RUN_ID') ?? newRunId();
  if (!/^[a-z0-9]{4,12}$/.test(runId)) {
    throw new ConfigError('CONFORMANCE_RUN_ID', `"${runId}" is not a run id`, 'use 4-12 lowercase letters or digits');
  }
  let suites: SuiteName[] | undefined;
  const rawSuites = get(env, 'CONFORMANCE_SUITES');
  if (rawSuites) {
    suites = [];
    for (const s of rawSuites
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!(SUITES as readonly string[]).includes(s)) {
        throw new ConfigError('CONFORMANCE_SUITES', `unknown suite "${s}"`, `use a comma-separated list of: ${SUITES.join(', ')}`);
      }
      suites.push(s as SuiteName);
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
  };
}
