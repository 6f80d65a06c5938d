import type { VersionRange } from '../../cases/types.ts';
import { compareVersions } from '../../versions.ts';

/**
 * Microversions where Update Server's request or response changes (description 2.19, GET-like response 2.75,
 * hostname 2.90); each case runs at those inside its range, at the range's own bounds and at the target's max.
 */
export const BOUNDARIES = ['2.1', '2.18', '2.19', '2.74', '2.75', '2.89', '2.90'];

export interface MicroversionRange {
  min: string;
  max: string;
}

/** The microversions to run a case at, inside both its range and the target's. */
export function microversionsFor(range: VersionRange | undefined, target: MicroversionRange): string[] {
  const lo = range?.min && compareVersions(range.min, target.min) > 0 ? range.min : target.min;
  const hi = range?.max && compareVersions(range.max, target.max) < 0 ? range.max : target.max;
  if (compareVersions(lo, hi) > 0) return [];
  const points = new Set([lo, hi, ...BOUNDARIES.filter((b) => compareVersions(b, lo) >= 0 && compareVersions(b, hi) <= 0)]);
  return [...points].sort(compareVersions);
}
