/** Which requests a fault applies to: method, path, headers, every Nth, only the first N, or a predicate. */

export interface RequestInfo {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface Match {
  /** Only these methods (e.g. `['PATCH', 'PUT']`). */
  methods?: string[];
  /** Only paths (without the query) matching this. */
  path?: RegExp | string;
  /** Only requests whose header (lower-case name) matches. */
  headers?: Record<string, RegExp>;
  /** Only requests for which this returns true. */
  when?: (req: RequestInfo) => boolean;
  /** Of the requests that match so far, fault every Nth (N, 2N, …). */
  every?: number;
  /** Fault at most this many requests; later matching requests pass through. */
  limit?: number;
}

/** Counts matching requests and decides, request by request, whether the fault applies. */
export class Matcher {
  private seen = 0;
  private hits = 0;

  constructor(private readonly m: Match = {}) {
    if (m.every !== undefined && (!Number.isInteger(m.every) || m.every < 1)) throw new Error(`match.every must be a whole number ≥ 1 (got ${m.every})`);
    if (m.limit !== undefined && (!Number.isInteger(m.limit) || m.limit < 0)) throw new Error(`match.limit must be a whole number ≥ 0 (got ${m.limit})`);
  }

  /** Whether this request gets the fault (updates the counters). */
  applies(req: RequestInfo): boolean {
    const m = this.m;
    if (m.methods && !m.methods.map((x) => x.toUpperCase()).includes(req.method.toUpperCase())) return false;
    const path = req.url.replace(/\?.*$/, '');
    if (m.path !== undefined && !(typeof m.path === 'string' ? new RegExp(m.path) : m.path).test(path)) return false;
    for (const [name, re] of Object.entries(m.headers ?? {})) {
      const v = req.headers[name.toLowerCase()];
      if (!re.test(Array.isArray(v) ? v.join(', ') : (v ?? ''))) return false;
    }
    if (m.when && !m.when(req)) return false;
    this.seen++;
    if (m.every !== undefined && this.seen % m.every !== 0) return false;
    if (m.limit !== undefined && this.hits >= m.limit) return false;
    this.hits++;
    return true;
  }
}
