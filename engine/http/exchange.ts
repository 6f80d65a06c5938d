/** One request/response pair as the checks and the report see it. */
export interface Exchange {
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** Raw body text (bounded by the client's limit). */
    text: string;
    /** Parsed JSON, when the body is JSON. */
    json?: unknown;
    /** Why the body is not JSON (empty, HTML, truncated...), when it is not. */
    jsonError?: string;
  };
  elapsedMs: number;
  /** Set on an earlier read standing in for this one, not sent again: what it is and why it still holds. */
  reused?: string;
}

/** The parsed body, or undefined. */
export function bodyOf(ex: Exchange): unknown {
  return ex.response.json;
}

/** A response header, case-insensitively. */
export function headerOf(ex: Exchange, name: string): string | undefined {
  return ex.response.headers[name.toLowerCase()];
}
