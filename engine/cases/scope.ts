import { describeRange, inRange } from '../versions.ts';
import type { CaseVariant, ConformanceCase } from './types.ts';

/**
 * Gives each variant the expectation of the target's upstream version: the first `expectBy` entry whose range
 * holds `upstream` replaces those members of the case's `expect` (and says why). Variants of cases without
 * such an entry, or whose entries do not hold, keep the case's own expectation.
 */
export function scopeVariants<C extends ConformanceCase>(variants: CaseVariant<C>[], upstream: string | undefined): CaseVariant<C>[] {
  if (upstream === undefined) return variants;
  return variants.map((v) => {
    const hit = v.case.expectBy?.find((e) => inRange(upstream, e.upstream));
    if (!hit) return v;
    return { ...v, scoped: { expect: { ...v.case.expect, ...hit.expect }, because: `upstream ${describeRange(hit.upstream)}: ${hit.because}` } };
  });
}
