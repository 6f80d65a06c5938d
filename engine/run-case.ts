import { performance } from 'node:perf_hooks';
import type { CaseVariant, ConformanceCase } from './cases/types.ts';
import { frontLayerNote } from './checks/front-layer.ts';
import { CHECKS, type CheckContext, type CheckFailure, type CheckId, diffOf, type TargetTraits } from './checks/index.ts';
import { redactText } from './config/secrets.ts';
import { describeError, GarbageResponseError, SetupError, TransportError } from './errors.ts';
import type { Exchange } from './http/exchange.ts';
import { type Evidence, type EvidenceRole, toEvidence } from './http/redact.ts';
import type { CaseResult } from './results.ts';
import { transientCause, UNAVAILABLE } from './retry.ts';
import type { SchemaRegistry } from './schemas.ts';

/** A prepared subject (a fresh pod, a leased server) and the calls a case makes on it. */
export interface SubjectHandle {
  /** false when the case addresses something else (unknown id, another project): no before/after GET. */
  ownSubject: boolean;
  /** GET the subject. */
  read(): Promise<Exchange>;
  /** Send the update under assertion, exactly once. */
  update(): Promise<Exchange>;
  /** Values for `${name}` placeholders in expectations (e.g. microversion). */
  vars: Record<string, string>;
  /** Give the subject back; returns the resources that could not be deleted (leaks). */
  release(): Promise<string[]>;
  /** Exchanges made while preparing (setup), for the evidence of failed cases. */
  setupExchanges: Exchange[];
}

/** What a suite plugs into the runner for its API. */
export interface TargetAdapter<C extends ConformanceCase = ConformanceCase> {
  traits: TargetTraits;
  /** Why this variant cannot run against this target (missing alt credentials...), or undefined. */
  skipReason(v: CaseVariant<C>): string | undefined;
  prepare(v: CaseVariant<C>): Promise<SubjectHandle>;
}

export interface RunCaseOptions {
  /** Keep every exchange for passing cases too (default: only the update's). */
  fullEvidence?: boolean;
}

function baseResult(v: CaseVariant): Omit<CaseResult, 'verdict' | 'failures' | 'checks' | 'evidence' | 'requests' | 'durationMs'> {
  const c = v.case;
  return {
    id: v.id,
    caseId: c.id,
    variant: v.variant,
    suite: c.id.split('.').slice(0, 3).join('.'),
    title: c.title,
    kind: c.kind,
    fields: c.fields,
    ...(c.rules ? { rules: c.rules } : {}),
    tags: c.tags,
    source: c.source,
    docConflict: c.docConflict,
    inferred: c.inferred,
    confirmed: c.confirmed,
    ...(c.supersedes ? { supersedes: c.supersedes } : {}),
    ...(v.scoped ? { expectation: v.scoped.because } : {}),
  };
}

/** A JSON body we can diff, or a technical error explaining why not. */
function readBody(ex: Exchange, what: string): unknown {
  // A write's answer standing in for the read (a create's 201) holds the resource as well.
  const ok = ex.reused ? ex.response.status >= 200 && ex.response.status < 300 : ex.response.status === 200;
  if (!ok) {
    throw new GarbageResponseError(`${what} answered ${ex.response.status}, expected 200 (${ex.response.text.slice(0, 120).replace(/\s+/g, ' ')})`);
  }
  if (ex.response.json === undefined) throw new GarbageResponseError(`${what} returned ${ex.response.jsonError}`);
  return ex.response.json;
}

/**
 * Whether the update's own response makes the case undecidable. The target decides the case when it answers a
 * status: one that differs from the expectation is a conformance failure, with or without a body — unless it
 * says the target is unavailable (429, 502, 503, 504) or is a proxy's HTML page. At the expected status, a
 * body the checks cannot read (an HTML page, JSON cut on the way, a success without its JSON object) leaves the
 * case undecided; only a case that expects a non-JSON answer takes such a body as the target's.
 */
function technicalProblem(ex: Exchange, expected: number[], notJson = false): string | undefined {
  const { status, json, jsonError, text, headers } = ex.response;
  const html = /^\s*</.test(text);
  if (!expected.includes(status)) {
    if (UNAVAILABLE.has(status)) return `target unavailable: ${status} ${text.slice(0, 80).replace(/\s+/g, ' ')}`.trim();
    if (html && json === undefined) return `update answered ${status} with ${jsonError} (a proxy's page?)`;
    return undefined;
  }
  if (json === undefined && !notJson) {
    const claimsJson = /json/i.test(headers['content-type'] ?? '') && text.length > 0;
    if (html || claimsJson || (status >= 200 && status < 300)) return `update returned ${jsonError}`;
  }
  return undefined;
}

/** Evidence of a request that got no complete answer (reset, timeout, closed mid-body). */
function unanswered(err: TransportError): Exchange {
  const cause = err.cause as (Error & { code?: string }) | undefined;
  const why = cause ? `${cause.code ?? cause.name}: ${cause.message}` : err.message;
  return { request: err.request as Exchange['request'], response: { status: 0, headers: {}, text: `(no complete response: ${why})` }, elapsedMs: 0 };
}

/**
 * Runs one case variant: prepare, GET before, update, GET after, every check, release. Never throws:
 * conformance problems become `fail`, harness problems `error`.
 */
export async function runCase<C extends ConformanceCase>(
  v: CaseVariant<C>,
  adapter: TargetAdapter<C>,
  schemas: SchemaRegistry,
  options: RunCaseOptions = {},
): Promise<CaseResult> {
  const started = performance.now();
  const base = baseResult(v);
  // The expectation of the target's upstream release, where releases differ (engine/cases/scope.ts).
  const expect = v.scoped?.expect ?? v.case.expect;
  const skip = adapter.skipReason(v);
  if (skip) return { ...base, verdict: 'skip', reason: skip, failures: [], checks: [], evidence: [], requests: 0, durationMs: 0 };

  const exchanges: [EvidenceRole, Exchange][] = [];
  let handle: SubjectHandle | undefined;
  let update: Exchange | undefined;
  let result: CaseResult;
  let failure: unknown;
  let phase: EvidenceRole = 'setup';
  // The update answered "unavailable" yet the subject changed: a retry would read that change as its "before".
  let changedAnyway = false;
  // The exchange a technical error is about, when it is not the last one made.
  let culprit: Exchange | undefined;
  try {
    handle = await adapter.prepare(v);
    const h = handle;
    const track = async (role: EvidenceRole, p: Promise<Exchange>) => {
      phase = role;
      const ex = await p;
      exchanges.push([role, ex]);
      return ex;
    };
    const before = h.ownSubject ? readBody(await track('before', h.read()), 'GET before') : undefined;
    update = await track('update', h.update());
    const expected = Array.isArray(expect.status) ? expect.status : [expect.status];
    // A layer in front of the API answered (an auth gateway's 401): its body is judged by nobody, only its status.
    const frontLayer = frontLayerNote(update, expected, adapter.traits);
    const problem = frontLayer ? undefined : technicalProblem(update, expected, expect.notJson);
    if (problem) {
      culprit = update;
      if (before !== undefined && update.response.status !== 0) {
        const afterProblem = await track('after', h.read());
        changedAnyway = afterProblem.response.status !== 200 || diffOf(before, afterProblem.response.json).length > 0;
        if (changedAnyway) throw new GarbageResponseError(`${problem}; the subject changed all the same (GET after), so it is not retried`);
      }
      throw new GarbageResponseError(problem);
    }
    const afterEx = h.ownSubject ? await track('after', h.read()) : undefined;
    // Gone after an answered update (renamed, deleted): the immutability check reports it; any other answer is the harness's problem.
    const gone = afterEx?.response.status === 404;
    const after = afterEx && !gone ? readBody(afterEx, 'GET after') : undefined;
    const ctx: CheckContext = { variant: v, expect, update, before, after, traits: adapter.traits, schemas, vars: h.vars, gone, frontLayer };
    const failures: CheckFailure[] = [];
    const checks: CaseResult['checks'] = [];
    for (const [id, check] of Object.entries(CHECKS) as [CheckId, (typeof CHECKS)[CheckId]][]) {
      const outcome = check(ctx);
      checks.push({ id, outcome: outcome.kind });
      if (outcome.kind === 'fail') failures.push(...outcome.failures);
    }
    const diff = diffOf(before, after);
    const policy = failures.length ? adapter.traits.policyRejection?.(update) : undefined;
    result = {
      ...base,
      ...(policy ? { policy } : {}),
      ...(frontLayer ? { notes: [frontLayer] } : {}),
      verdict: failures.length ? 'fail' : 'pass',
      failures,
      checks,
      diff: diff.length ? diff : undefined,
      evidence: [],
      requests: 0,
      durationMs: 0,
    };
  } catch (err) {
    failure = err;
    result = {
      ...base,
      verdict: 'error',
      reason: redactText(describeError(err)).replace(/\s+/g, ' '),
      failures: [],
      checks: [],
      evidence: [],
      requests: 0,
      durationMs: 0,
    };
    const cause = changedAnyway ? undefined : transientCause(err, culprit ?? exchanges.at(-1)?.[1]);
    if (cause) result.transient = cause;
  }
  if (handle) {
    try {
      const leaks = await handle.release();
      if (leaks.length) result.leaks = leaks;
    } catch (err) {
      result.leaks = [`release failed: ${redactText(describeError(err))}`];
    }
  }
  // A setup that failed half-way undid what it could; what it could not is left behind like a leak.
  if (!handle && failure instanceof SetupError && failure.leftovers.length) result.leaks = failure.leftovers;
  const setup = handle?.setupExchanges ?? (failure instanceof SetupError ? failure.exchanges : []);
  const all: [EvidenceRole, Exchange][] = [...setup.map((ex) => ['setup', ex] as [EvidenceRole, Exchange]), ...exchanges];
  if (failure instanceof TransportError && failure.request) all.push([phase, unanswered(failure)]);
  const keep = result.verdict === 'pass' && !options.fullEvidence ? all.filter(([role]) => role === 'update') : all;
  result.evidence = keep.map(([role, ex]) => toEvidence(ex, role)) satisfies Evidence[];
  // A read that stood in for another was not sent again.
  result.requests = all.filter(([, ex]) => !ex.reused).length;
  result.durationMs = Math.round(performance.now() - started);
  return result;
}
