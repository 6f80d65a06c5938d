import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import type { CaseResult } from './results.ts';
import { parseYaml, stringifyYaml } from './yaml.ts';

/**
 * Known deviations of one implementation: failures listed here do not fail the gate. An entry whose case now
 * passes is stale and fails the run, so the file stays honest; an expired entry fails the run too.
 */
export interface BaselineEntry {
  /** Case id (all its variants) or variant id (`<case>@<variant>`). */
  id: string;
  reason: string;
  /** YYYY-MM-DD; after this day the entry no longer excuses the failure. */
  expires?: string;
}

export interface BaselineOutcome {
  /** Failures excused by the baseline (variant ids). */
  excused: string[];
  /** Problems that fail the run: stale, expired or unmatched entries. */
  problems: string[];
}

export function loadBaseline(path: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('CONFORMANCE_BASELINE', code ? `cannot read ${path} (${code})` : `${path} is not valid YAML`, 'fix the path or the file');
  }
  const list = (doc ?? []) as unknown[];
  if (!Array.isArray(list)) throw new ConfigError('CONFORMANCE_BASELINE', `${path} must be a YAML list of entries`, 'write "- id: <case id>" entries');
  return list.map((e, i) => {
    const entry = e as Partial<BaselineEntry>;
    if (typeof entry?.id !== 'string') {
      throw new ConfigError('CONFORMANCE_BASELINE', `entry ${i + 1} needs an id`, 'write "- id: <case id>\\n  reason: <why>"');
    }
    if (entry.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(entry.expires))) {
      throw new ConfigError('CONFORMANCE_BASELINE', `entry ${entry.id}: expires "${String(entry.expires)}" is not a date`, 'use YYYY-MM-DD');
    }
    return {
      id: entry.id,
      reason: typeof entry.reason === 'string' ? entry.reason : '',
      expires: entry.expires === undefined ? undefined : String(entry.expires),
    };
  });
}

const covers = (entry: BaselineEntry, r: CaseResult) => entry.id === r.id || entry.id === r.caseId;

/** Marks excused failures (`r.baselined`) and lists what makes the baseline itself fail the run. */
export function applyBaseline(entries: BaselineEntry[], results: CaseResult[], today = new Date().toISOString().slice(0, 10)): BaselineOutcome {
  const outcome: BaselineOutcome = { excused: [], problems: [] };
  for (const entry of entries) {
    // An entry nobody explained excuses nothing: the gate fails on it (and on the failure it would hide).
    const unexplained = reasonProblem(entry.reason);
    if (unexplained) {
      outcome.problems.push(`baseline entry ${entry.id}: ${unexplained} — write why this deviation is accepted`);
      continue;
    }
    const hits = results.filter((r) => covers(entry, r));
    if (hits.length === 0) {
      outcome.problems.push(`baseline entry ${entry.id} matches no case that ran`);
      continue;
    }
    const expired = entry.expires !== undefined && entry.expires < today;
    if (expired) outcome.problems.push(`baseline entry ${entry.id} expired on ${entry.expires}: fix the deviation or renew the entry`);
    const failing = hits.filter((r) => r.verdict === 'fail');
    if (failing.length === 0 && hits.every((r) => r.verdict === 'pass')) {
      outcome.problems.push(`stale baseline entry ${entry.id}: the case now passes — remove the entry`);
    }
    if (!expired) {
      for (const r of failing) {
        r.baselined = entry.reason;
        outcome.excused.push(r.id);
      }
    }
  }
  return outcome;
}

/** How `--update-baseline` marks a reason somebody still has to write; such an entry fails the gate. */
export const PLACEHOLDER_REASON = 'TODO: explain';

/** Words that stand in for a reason without giving one. */
const NO_REASON = /^(todo|tbd|fixme|xxx|n\/?a|none|unknown|-+|\?+|\.+)\b/i;

/** Why a reason is not one (empty, the writer's placeholder, a stand-in word, too short), or undefined. */
export function reasonProblem(reason: string): string | undefined {
  const r = reason.trim();
  if (!r) return 'no reason given';
  if (r.startsWith(PLACEHOLDER_REASON)) return 'the reason is still the placeholder --update-baseline wrote';
  if (NO_REASON.test(r) || r.length < 8) return `"${r}" is not a reason`;
  return undefined;
}

/** The day `days` after `today` (YYYY-MM-DD). */
function daysAfter(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Writes the current failures as a baseline, keeping the reasons and expiry of entries that still apply. New
 * entries get the placeholder reason (the gate fails until someone writes a real one) and expire after
 * `expiryDays`, so an accepted deviation is looked at again.
 */
export function writeBaseline(
  path: string,
  results: CaseResult[],
  previous: BaselineEntry[] = [],
  expiryDays = 90,
  today = new Date().toISOString().slice(0, 10),
): number {
  const failed = results.filter((r) => r.verdict === 'fail');
  const entries: BaselineEntry[] = failed.map((r) => {
    const old = previous.find((e) => covers(e, r));
    return {
      id: r.id,
      reason: old?.reason ?? `${PLACEHOLDER_REASON} (${r.failures[0]?.check ?? 'fail'}: ${r.failures[0]?.title ?? ''})`,
      expires: old?.expires ?? daysAfter(today, expiryDays),
    };
  });
  writeFileSync(path, `# update-conformance baseline: known deviations (id, reason, optional expires: YYYY-MM-DD)\n${stringifyYaml(entries)}`);
  return entries.length;
}
