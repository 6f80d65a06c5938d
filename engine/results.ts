import type { Operation } from 'fast-json-patch';
import type { CaseKind, DocConflict } from './cases/types.ts';
import type { CheckFailure, CheckId } from './checks/outcome.ts';
import type { Evidence } from './http/redact.ts';

/**
 * pass: every check passed. fail: a conformance failure. error: the harness could not decide (transport,
 * garbage response, setup refused) — never counted as non-conformance. skip: not run, with the reason.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'skip';

/** The outcome of one case variant; JSON-serializable (it crosses the vitest worker boundary as task meta). */
export interface CaseResult {
  id: string;
  caseId: string;
  variant?: string;
  suite: string;
  title: string;
  kind: CaseKind;
  fields: string[];
  /** The upstream rules the case exercises (fixtures/<target>/rules.yaml), for the coverage counts. */
  rules?: string[];
  tags: string[];
  source: string[];
  docConflict?: DocConflict;
  inferred?: boolean;
  confirmed?: string;
  /** Which upstream release's expectation applied and why, when the case's own was replaced (expectBy). */
  expectation?: string;
  verdict: Verdict;
  failures: CheckFailure[];
  checks: { id: CheckId; outcome: 'pass' | 'fail' | 'not-applicable' }[];
  /** Technical error or skip reason. */
  reason?: string;
  /** What the resource looked like before/after, as a JSON Patch from before to after. */
  diff?: Operation[];
  evidence: Evidence[];
  requests: number;
  durationMs: number;
  /** The reason from the baseline when this failure is a known, accepted deviation. */
  baselined?: string;
  /** Resources this case created that could not be deleted. */
  leaks?: string[];
  /** A failure the target's own policy caused (an admission policy or webhook), said and counted apart. */
  policy?: string;
  /** The conformance-programme capability and the upstream tests this case supersedes (e.g. interop, Tempest). */
  supersedes?: SupersededTests;
}

/** Where a case sits in an upstream test programme: its capability and the tests it replaces. */
export interface SupersededTests {
  /** e.g. "OpenStack interop guideline 2020.06". */
  programme: string;
  capability: string;
  tests: string[];
}

/** "capability compute-servers-update (OpenStack interop guideline …); supersedes tempest.…" for people. */
export function describeSupersedes(s: SupersededTests): string {
  return `capability ${s.capability} (${s.programme})${s.tests.length ? `; supersedes ${s.tests.join(', ')}` : ''}`;
}

/** One line that explains a failed or errored case: the first failure, expected vs received. */
export function explain(r: CaseResult): string {
  if (r.verdict === 'error' || r.verdict === 'skip') return r.reason ?? r.verdict;
  const f = r.failures[0];
  if (!f) return r.verdict;
  const where = f.pointer ? ` at ${f.pointer}` : '';
  // The other problems by name, so none hides behind a count.
  const others = r.failures.slice(1).map((o) => `${o.check}${o.pointer ? ` at ${o.pointer}` : ''}`);
  const more = others.length ? ` (+${others.length} more: ${[...new Set(others)].slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})` : '';
  // A change at a pointer reads as one: before → after.
  const what = f.check === 'immutability' && f.pointer ? `${f.expected} → ${f.received}` : `expected ${f.expected}, received ${f.received}`;
  return `${r.policy ? `${r.policy} — ` : ''}[${f.check}] ${f.title}${where}: ${what}${more}`;
}
