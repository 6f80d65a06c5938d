import type { Operation } from 'fast-json-patch';
import type { CaseKind, DocConflict } from './cases/types.ts';
import type { CheckFailure, CheckId } from './checks/outcome.ts';
import type { Evidence } from './http/redact.ts';
import type { Attempt } from './retry.ts';

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
  /** What the reports say about a case besides its verdict (a layer in front of the API answered, engine/checks/front-layer.ts). */
  notes?: string[];
  /** The conformance-programme capability and the upstream tests this case supersedes (e.g. interop, Tempest). */
  supersedes?: SupersededTests;
  /** An error a new attempt may not meet, and why (engine/retry.ts); absent when a retry would be unsafe or useless. */
  transient?: string;
  /** Every attempt, when the variant was retried (engine/retry.ts); the result is the last one. */
  attempts?: Attempt[];
  /** Why the verdict is not trusted to repeat: it changed between attempts, or across the run history. */
  flaky?: string;
  /** A generated variant (`run --generate`): its family, the run's seed and its number in the stream. */
  generated?: GeneratedOrigin;
  /** Where the shrunk counterexample of this failing generated variant was written (a case file). */
  shrunk?: string;
}

/** Enough to rebuild a generated case: `--generate` with `seed` makes it again as number `n`. */
export interface GeneratedOrigin {
  /** `<suite>.<family>` (engine/targets/<t>/generate.ts). */
  family: string;
  seed: number;
  n: number;
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

/**
 * A JSON pointer for people: its escapes decoded (`~1` is `/`, `~0` is `~`), a segment that holds a `/` quoted so
 * the path stays unambiguous: `/metadata/annotations/x.example.com~1y` → `/metadata/annotations/"x.example.com/y"`.
 */
export function showPointer(pointer: string): string {
  if (!pointer.startsWith('/')) return pointer;
  return pointer
    .split('/')
    .map((seg) => {
      const plain = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      return plain.includes('/') ? JSON.stringify(plain) : plain;
    })
    .join('/');
}

/** One line that explains a failed or errored case: the first failure, expected vs received. */
export function explain(r: CaseResult): string {
  if (r.verdict === 'error' || r.verdict === 'skip') return r.reason ?? r.verdict;
  const f = r.failures[0];
  if (!f) return r.verdict;
  const where = f.pointer ? ` at ${showPointer(f.pointer)}` : '';
  // The other problems by name, so none hides behind a count.
  const others = r.failures.slice(1).map((o) => `${o.check}${o.pointer ? ` at ${showPointer(o.pointer)}` : ''}`);
  const more = others.length ? ` (+${others.length} more: ${[...new Set(others)].slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})` : '';
  // A change at a pointer reads as one: before → after.
  const what = f.check === 'immutability' && f.pointer ? `${f.expected} → ${f.received}` : `expected ${f.expected}, received ${f.received}`;
  return `${r.policy ? `${r.policy} — ` : ''}[${f.check}] ${f.title}${where}: ${what}${more}`;
}
