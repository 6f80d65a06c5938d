/**
 * Shrinks a failing generated variant of a run: fast-check replays the exact input that failed (seed and path of
 * its stream, engine/generate/stream.ts) and shrinks it against the target, a candidate counting as failing only
 * when it fails the same way (the same checks failed). Bounded in requests and time: once either budget is spent,
 * every further candidate counts as passing, so fast-check stops with the smallest failure found so far.
 */
import type { ConformanceCase } from '../cases/types.ts';
import type { CaseResult } from '../results.ts';
import { buildCase, type Family, type GenerationSpec } from './family.ts';
import { fc } from './fc.ts';
import { CHUNK, parseGeneratedId, replayOf } from './stream.ts';

export interface ShrinkBudget {
  /** Requests the candidates may send in all (each candidate is one whole case: setup, update, reads, restore). */
  maxRequests: number;
  timeLimitMs: number;
}

export const DEFAULT_SHRINK_BUDGET: ShrinkBudget = { maxRequests: 400, timeLimitMs: 60_000 };

/** How a result failed, as a comparable key: the checks that failed, in order of first appearance. */
export function failureSignature(r: CaseResult): string {
  return [...new Set(r.failures.map((f) => f.check))].join(',');
}

export interface ShrunkFailure {
  family: Family;
  original: unknown;
  minimal: unknown;
  /** The minimal case (id `<prefix>.shrunk-<family>-<seed>-<n>`) and its result, which fails as the original did. */
  case: ConformanceCase;
  result: CaseResult;
  shrinks: number;
  candidates: number;
  requests: number;
  ms: number;
  /** A budget ran out before fast-check had tried every smaller candidate. */
  exhausted: boolean;
}

/**
 * Shrinks generated variant `failing` (a result of run seed `seed`) with `run` (expands a case into its variant
 * and runs it against the target). Undefined when the replayed input no longer fails the same way (a flaky target).
 */
export async function shrinkGenerated(
  spec: GenerationSpec,
  seed: number,
  failing: CaseResult,
  run: (c: ConformanceCase) => Promise<CaseResult>,
  budget: ShrinkBudget = DEFAULT_SHRINK_BUDGET,
): Promise<ShrunkFailure | undefined> {
  const parsed = parseGeneratedId(failing.caseId);
  const family = spec.families.find((f) => f.name === parsed?.family);
  if (!parsed || !family) throw new Error(`${failing.caseId} is not a generated case of ${spec.idPrefix}`);
  const index = Math.floor(parsed.n / spec.families.length);
  const id = `${spec.idPrefix}.shrunk-${family.name}-${seed}-${parsed.n}`;
  const wanted = failureSignature(failing);
  const started = Date.now();
  let requests = 0;
  let candidates = 0;
  let exhausted = false;
  let original: unknown;
  let last: { input: unknown; case: ConformanceCase; result: CaseResult } | undefined;
  const property = fc.asyncProperty(family.arbitrary(), async (input) => {
    if (requests >= budget.maxRequests || Date.now() - started >= budget.timeLimitMs) {
      exhausted = true;
      return true;
    }
    candidates++;
    const c = buildCase(family, input, { id, seed, index: -1 });
    const result = await run(c);
    requests += result.requests;
    if (candidates === 1) original = input;
    if (result.verdict !== 'fail' || failureSignature(result) !== wanted) return true;
    last = { input, case: c, result };
    return false;
  });
  const replay = replayOf(family, seed, index);
  const details = await fc.check(property, { seed: replay.seed, path: replay.path, numRuns: CHUNK });
  if (!last) return undefined;
  const source = [...last.case.source, `shrunk from generated variant ${failing.id} (run --generate with --seed ${seed}, number ${parsed.n})`];
  return {
    family,
    original,
    minimal: last.input,
    case: { ...last.case, source },
    result: last.result,
    shrinks: details.numShrinks,
    candidates,
    requests,
    ms: Date.now() - started,
    exhausted,
  };
}
