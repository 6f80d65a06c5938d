import type { CaseResult } from '../engine/results.ts';

/**
 * What went wrong, in words a reader recognises across many variants ("forbidden updates accepted"), so 76
 * near-identical failures read as one finding with 76 examples. Decided by the case's kind and its first
 * failure; technical errors by the start of their reason.
 */
export function failurePattern(r: CaseResult): string {
  if (r.verdict === 'error')
    return `technical errors: ${errorShape(r.reason ?? 'no reason')
      .split(/[:(]/)[0]
      ?.trim()}`;
  const f = r.failures[0];
  if (!f) return 'failed without a recorded check';
  const accepted = /^2\d\d$/.test(f.received);
  switch (f.check) {
    case 'status-code':
      if (r.kind === 'forbidden' && accepted) return 'forbidden updates accepted';
      if (r.kind === 'allowed' && !accepted) return 'allowed updates rejected';
      return 'rejected with another status than upstream';
    case 'error-body':
      return 'error body differs from upstream (reason, causes or message)';
    case 'response-schema':
      return 'response does not match the schema';
    case 'effect':
      return 'allowed change not applied as upstream applies it';
    case 'immutability':
      return r.kind === 'forbidden' ? 'rejected update changed the resource (partial apply)' : 'fields outside the update changed';
    case 'no-write':
      return 'a no-op update wrote (resource version changed)';
    case 'headers':
      return 'response headers differ';
    default:
      return f.title;
  }
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * A technical error's reason with what varies from variant to variant named instead of spelled, so one cause
 * groups once and still reads: a UUID becomes `<uuid>`, a name with digits in it (`uc-3f9a1c-17`) `<name>`, a
 * quoted value `"…"`, a bare number `N` — but an HTTP status (100–599) stays, it is the cause. Digits inside a
 * word are never masked one by one (`NafNeNe-…` read as nothing). The examples under a group keep the real ids.
 */
export function errorShape(reason: string): string {
  return reason
    .replace(UUID, '<uuid>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/[\w.-]+/g, (token) => {
      if (/^\d+(\.\d+)*\.?$/.test(token)) return /^[1-5]\d\d\.?$/.test(token) ? token : token.replace(/^[\d.]*\d/, 'N');
      if (/\d/.test(token) && /[-_]/.test(token) && /[a-z]/i.test(token)) return '<name>';
      return token;
    });
}

export interface FailureGroup {
  pattern: string;
  results: CaseResult[];
}

/** Failed and errored variants grouped by pattern, largest group first (then by name, for a stable order). */
export function groupFailures(results: CaseResult[]): FailureGroup[] {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    if (r.verdict !== 'fail' && r.verdict !== 'error') continue;
    const p = failurePattern(r);
    groups.set(p, [...(groups.get(p) ?? []), r]);
  }
  return [...groups]
    .map(([pattern, list]) => ({ pattern, results: list }))
    .sort((a, b) => b.results.length - a.results.length || a.pattern.localeCompare(b.pattern));
}
