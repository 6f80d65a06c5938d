/**
 * Compute microversion negotiation as Nova Zed does it (`nova/api/openstack/wsgi.py`
 * `Request.set_api_version_request`, `api_version_request.py`), checked against
 * shared/reference/nova-evidence/zed_microversion_header_parsing.json:
 *
 * - `OpenStack-API-Version: compute <v>` (service name case-insensitive, several comma-separated
 *   entries allowed, the last compute entry wins, entries without a service name are ignored);
 * - otherwise the legacy `X-OpenStack-Nova-API-Version: <v>`;
 * - otherwise 2.1.
 * - `<v>` is `latest` (= the maximum) or must match `^([1-9]\d*)\.([1-9]\d*|0)$`, else 400
 *   "API Version String <v> is of invalid format. Must be of format MajorNum.MinorNum." (no version
 *   headers on that answer); a well-formed version outside [2.1, max] gives 406 computeFault
 *   "Version <v> is not supported by the API. Minimum is 2.1 and maximum is <max>." and the answer
 *   still echoes the requested version.
 */

export interface Microversion {
  major: number;
  minor: number;
}

export const MIN_MICROVERSION: Microversion = { major: 2, minor: 1 };
/** Nova 26.2.2 (Zed) `_MAX_API_VERSION`. */
export const ZED_MAX_MICROVERSION = '2.93';

const VERSION_RE = /^([1-9]\d*)\.([1-9]\d*|0)$/;

export function parseMicroversion(s: string): Microversion | undefined {
  const m = VERSION_RE.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function mvToString(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

export function compareMv(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

// The literals atLeast is asked about, parsed once (a request asks about dozens).
const literals = new Map<string, Microversion>();

/** True when `v` is at least `min` (given as "2.19"). */
export function atLeast(v: Microversion, min: string): boolean {
  let m = literals.get(min);
  if (!m) {
    m = parseMicroversion(min);
    if (!m) throw new Error(`bad microversion literal ${min}`);
    literals.set(min, m);
  }
  return compareMv(v, m) >= 0;
}

export type Negotiation =
  | { ok: true; version: Microversion; requested: string }
  | { ok: false; status: 400; message: string }
  | { ok: false; status: 406; message: string; echo: Microversion };

export interface NegotiationQuirks {
  /** fault default-to-latest */
  defaultToLatest?: boolean;
  /** fault reject-latest */
  rejectLatest?: boolean;
  /** fault ignore-legacy-header */
  ignoreLegacy?: boolean;
  /** fault version-errors-swapped */
  swapErrors?: boolean;
  /** fault legacy-header-wins */
  legacyWins?: boolean;
  /** fault accept-next-microversion */
  acceptNext?: boolean;
  /** fault max-microversion-exclusive */
  maxExclusive?: boolean;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Picks the requested compute version string from the headers, or undefined when none applies. */
export function requestedVersion(headers: Record<string, string | string[] | undefined>, quirks: NegotiationQuirks = {}): string | undefined {
  const std = headerValue(headers['openstack-api-version']);
  const legacyFirst = quirks.legacyWins ? headerValue(headers['x-openstack-nova-api-version']) : undefined;
  if (legacyFirst !== undefined) return legacyFirst.trim();
  let found: string | undefined;
  if (std !== undefined) {
    for (const entry of std.split(',')) {
      const parts = entry.trim().split(/\s+/).filter(Boolean);
      if (parts.length === 0) continue;
      if (parts[0]?.toLowerCase() !== 'compute') continue;
      if (parts.length === 1) {
        found = '';
        continue;
      }
      found = parts.slice(1).join(' ');
    }
  }
  if (found !== undefined) return found;
  if (quirks.ignoreLegacy) return undefined;
  const legacy = headerValue(headers['x-openstack-nova-api-version']);
  if (legacy !== undefined) return legacy.trim();
  return undefined;
}

export function negotiate(headers: Record<string, string | string[] | undefined>, max: Microversion, quirks: NegotiationQuirks = {}): Negotiation {
  const raw = requestedVersion(headers, quirks);
  if (raw === undefined) {
    return { ok: true, version: quirks.defaultToLatest ? max : MIN_MICROVERSION, requested: '' };
  }
  const invalid = (): Negotiation => {
    const message = `API Version String ${raw} is of invalid format. Must be of format MajorNum.MinorNum.`;
    if (quirks.swapErrors) return { ok: false, status: 406, message, echo: MIN_MICROVERSION };
    return { ok: false, status: 400, message };
  };
  if (raw.toLowerCase() === 'latest') {
    if (quirks.rejectLatest) return invalid();
    return { ok: true, version: max, requested: raw };
  }
  const v = parseMicroversion(raw);
  if (!v) return invalid();
  if (quirks.acceptNext && v.major === max.major && v.minor === max.minor + 1) return { ok: true, version: max, requested: raw };
  if (compareMv(v, MIN_MICROVERSION) < 0 || compareMv(v, max) > 0 || (quirks.maxExclusive && compareMv(v, max) === 0)) {
    const message = `Version ${mvToString(v)} is not supported by the API. Minimum is ${mvToString(MIN_MICROVERSION)} and maximum is ${mvToString(max)}.`;
    if (quirks.swapErrors) return { ok: false, status: 400, message };
    return { ok: false, status: 406, message, echo: v };
  }
  return { ok: true, version: v, requested: raw };
}

/** Headers Nova adds to every answer once a version was parsed (success and Fault alike). */
export function versionHeaders(v: Microversion, quirks: { omit?: boolean; noServiceName?: boolean } = {}): Record<string, string> {
  if (quirks.omit) return {};
  const s = mvToString(v);
  return {
    'OpenStack-API-Version': quirks.noServiceName ? s : `compute ${s}`,
    'X-OpenStack-Nova-API-Version': s,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
