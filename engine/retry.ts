/**
 * Bounded retries of technical errors (CONFORMANCE_RETRIES). A variant is retried only when its attempt ended
 * in an error whose cause a new attempt may not meet — no complete answer, 429, 502, 503, 504, a proxy's HTML
 * page — and the attempt left nothing a retry would hide (engine/run-case.ts reads the subject after an
 * "unavailable" update and does not mark the error transient when the subject changed). A pass or a
 * conformance failure is never retried: the first decided verdict stands. Every attempt is kept with its
 * evidence, and a variant whose verdict differs between attempts is flaky (counted as its last verdict).
 * Which step is safe to retry, and why: docs/runner-contract.md "Retries".
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SetupError, TransportError } from './errors.ts';
import type { Exchange } from './http/exchange.ts';
import type { Evidence } from './http/redact.ts';
import type { CaseResult, Verdict } from './results.ts';

/** Statuses that say "the target (or a proxy) is unavailable", not "the target decided". */
export const UNAVAILABLE = new Set([429, 502, 503, 504]);

export interface RetryPolicy {
  /** Attempts after the first (0 = no retry). */
  retries: number;
  /** Longest wait before one retry, whatever Retry-After asks (it is capped, never ignored below the cap). */
  maxWaitMs: number;
  /** Wait before the first retry when the answer names none; doubles with each retry. */
  baseWaitMs?: number;
}

/** One attempt of a variant, as the reports show it. */
export interface Attempt {
  attempt: number;
  verdict: Verdict;
  reason?: string;
  /** Why this attempt's error was worth another attempt (absent on the last attempt and on decided verdicts). */
  transient?: string;
  /** Waited after this attempt before the next one. */
  waitedMs?: number;
  requests: number;
  durationMs: number;
  /** This attempt's exchanges (the last attempt's are the result's own `evidence`). */
  evidence: Evidence[];
}

/**
 * Why an error is worth another attempt, or undefined: a request with no complete answer, or an answer that
 * says "unavailable" (429, 502, 503, 504) or is an HTML page where JSON was due (a proxy's or portal's page).
 * `last` is the exchange the error is about.
 */
export function transientCause(err: unknown, last: Exchange | undefined): string | undefined {
  if (err instanceof TransportError) return 'no complete answer';
  const ex = err instanceof SetupError ? err.exchanges.at(-1) : last;
  if (!ex) return undefined;
  const { status, json, text } = ex.response;
  if (UNAVAILABLE.has(status)) return `${ex.request.method} answered ${status}`;
  if (json === undefined && /^\s*</.test(text)) return `${ex.request.method} answered ${status} with an HTML page`;
  return undefined;
}

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How long to wait after attempt `n` (1-based): the Retry-After of the attempt's answers if one gave it, else the backoff; capped. */
export function waitBefore(n: number, result: CaseResult, policy: RetryPolicy): number {
  // The answer that said "unavailable" need not be the last exchange (the subject is read after a faulty update).
  const asking = [...result.evidence].reverse().find((e) => e.response.headers['retry-after'] !== undefined);
  const asked = retryAfterMs(asking?.response.headers['retry-after']);
  const backoff = (policy.baseWaitMs ?? 500) * 2 ** (n - 1);
  return Math.min(asked ?? backoff, policy.maxWaitMs);
}

/** Names a variant flaky when its attempts did not all end the same way. */
export function attemptsDisagree(attempts: Attempt[]): string | undefined {
  const verdicts = attempts.map((a) => a.verdict);
  if (new Set(verdicts).size < 2) return undefined;
  return `verdict changed between attempts: ${verdicts.join(' → ')}`;
}

/**
 * Runs `attempt` until it ends in something other than a transient error, or the retries are spent. Returns the
 * last attempt's result, with every attempt in `attempts` (when there was more than one), the requests and time
 * of all of them, and `flaky` when their verdicts differ.
 */
export async function runWithRetries(attempt: () => Promise<CaseResult>, policy: RetryPolicy): Promise<CaseResult> {
  const started = performance.now();
  const attempts: Attempt[] = [];
  let result = await attempt();
  let requests = result.requests;
  for (let n = 1; result.verdict === 'error' && result.transient && n <= policy.retries; n++) {
    const waitedMs = waitBefore(n, result, policy);
    attempts.push(toAttempt(n, result, waitedMs));
    await sleep(waitedMs);
    result = await attempt();
    requests += result.requests;
  }
  if (attempts.length === 0) return result;
  attempts.push({ ...toAttempt(attempts.length + 1, result), evidence: [] });
  const flaky = attemptsDisagree(attempts);
  return {
    ...result,
    attempts,
    ...(flaky ? { flaky } : {}),
    requests,
    durationMs: Math.round(performance.now() - started),
  };
}

function toAttempt(n: number, r: CaseResult, waitedMs?: number): Attempt {
  return {
    attempt: n,
    verdict: r.verdict,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.transient && waitedMs !== undefined ? { transient: r.transient } : {}),
    ...(waitedMs !== undefined ? { waitedMs } : {}),
    requests: r.requests,
    durationMs: r.durationMs,
    evidence: r.evidence,
  };
}
