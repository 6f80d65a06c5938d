import type { VersionRange } from '../../cases/types.ts';
import { compareVersions } from '../../versions.ts';

/**
 * Microversions where Update Server's request or response changes (description 2.19, GET-like response 2.75,
 * hostname 2.90); each case runs at those inside its range, at the range's own bounds and at the target's max.
 */
export const BOUNDARIES = ['2.1', '2.18', '2.19', '2.74', '2.75', '2.89', '2.90'];

/**
 * Where only the success body changes (nova 34.0.0 nova/api/openstack/compute/schemas/servers.py
 * update_response_v29 … v2100): locked 2.9, tags 2.26, embedded flavor 2.47, trusted_image_certificates 2.63,
 * server_groups 2.71, locked_reason 2.73, pinned_availability_zone 2.96, image.properties 2.98,
 * scheduler_hints 2.100. Cases tagged `response-shape` run here too, so each response schema meets a real body.
 */
export const RESPONSE_BOUNDARIES = ['2.9', '2.26', '2.47', '2.63', '2.71', '2.73', '2.96', '2.98', '2.100'];

export interface MicroversionRange {
  min: string;
  max: string;
}

/** The microversions to run a case at, inside both its range and the target's (`extra`: more boundaries). */
export function microversionsFor(range: VersionRange | undefined, target: MicroversionRange, extra: readonly string[] = []): string[] {
  const lo = range?.min && compareVersions(range.min, target.min) > 0 ? range.min : target.min;
  const hi = range?.max && compareVersions(range.max, target.max) < 0 ? range.max : target.max;
  if (compareVersions(lo, hi) > 0) return [];
  const inside = (b: string) => compareVersions(b, lo) >= 0 && compareVersions(b, hi) <= 0;
  const points = new Set([lo, hi, ...BOUNDARIES.filter(inside), ...extra.filter(inside)]);
  return [...points].sort(compareVersions);
}
