/**
 * The faults the proxy can inject. Each one imitates something that really sits between a test suite and an
 * API: a slow network, a load balancer that resets or answers 502/503, a rate limiter (429), a body cut on the
 * way, a captive portal or SSO page (HTML), a debugging proxy answering text, a peer that stops mid-body.
 */
import { STATUS_CODES } from 'node:http';

export type FaultName = 'none' | 'latency' | 'reset' | 'status' | 'truncate' | 'non-json' | 'html' | 'stall' | 'close-mid-body' | 'echo-auth' | 'auth-gateway';

export type Fault =
  /** Forward unchanged. */
  | { kind: 'none' }
  /** Wait `ms` before forwarding. */
  | { kind: 'latency'; ms: number }
  /** Destroy the client socket without answering; `afterUpstream`: only after the upstream has processed the request. */
  | { kind: 'reset'; afterUpstream?: boolean }
  /**
   * Answer `status` without forwarding. `body`: `text` (default, like Envoy/HAProxy), `html` (like nginx) or
   * `json` (a JSON error object: then the answer reads as the target's own decision). `retryAfter` adds the header.
   * `afterUpstream`: forward first, then answer the status (a gateway that gives up after the API acted).
   */
  | { kind: 'status'; status: number; retryAfter?: string; body?: 'text' | 'html' | 'json'; afterUpstream?: boolean }
  /** Forward, then send the first half of the upstream body. `contentLength`: `cut` (consistent) or `full` (the original, then close). */
  | { kind: 'truncate'; contentLength?: 'cut' | 'full' }
  /** Answer `status` (default 200) with a text/plain body, without forwarding. */
  | { kind: 'non-json'; status?: number }
  /** Answer `status` (default 200) with an HTML page (a login page or an error page), without forwarding. */
  | { kind: 'html'; status?: number }
  /** Forward, send the upstream's headers and a few body bytes, then nothing until the client gives up (or `maxMs`). */
  | { kind: 'stall'; maxMs?: number }
  /** Forward, send the upstream's headers and half the body (chunked), then destroy the connection. */
  | { kind: 'close-mid-body' }
  /**
   * Forward, then echo the request's credentials (Authorization, X-Auth-Token) into the response: in an
   * `x-echo-credentials` header and in the JSON body (a top-level `echoedCredentials` member), like a debugging
   * gateway. With `status`, answer that status instead with the credentials in a text body (an error page that
   * quotes the request). For proving that evidence and reports never carry secrets.
   */
  | { kind: 'echo-auth'; status?: number }
  /**
   * An API gateway's token check (auth-gateway.ts; needs the proxy's `authUrl`): no token or a token Keystone
   * does not resolve → the gateway's own 401 `{"message": …}`; a resolved token is forwarded.
   */
  | { kind: 'auth-gateway' };

export const FAULT_NAMES: readonly FaultName[] = [
  'none',
  'latency',
  'reset',
  'status',
  'truncate',
  'non-json',
  'html',
  'stall',
  'close-mid-body',
  'echo-auth',
  'auth-gateway',
];

/** A fault from its command-line form: `latency:200`, `status:503`, `status:429:retry=2`, `status:500:json`, `truncate:full`… */
export function parseFault(spec: string): Fault {
  const [name = '', ...args] = spec.split(':');
  const num = (s: string | undefined, what: string, fallback?: number): number => {
    if (s === undefined && fallback !== undefined) return fallback;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`fault ${spec}: ${what} "${s ?? ''}" is not a whole number`);
    return n;
  };
  switch (name) {
    case 'none':
      return { kind: 'none' };
    case 'latency':
      return { kind: 'latency', ms: num(args[0], 'latency ms', 200) };
    case 'reset':
      return { kind: 'reset', afterUpstream: args[0] === 'after' };
    case 'status': {
      const status = num(args[0], 'status', 503);
      if (status < 100 || status > 599) throw new Error(`fault ${spec}: ${status} is not an HTTP status`);
      const f: Fault = { kind: 'status', status };
      for (const a of args.slice(1)) {
        if (a.startsWith('retry=')) f.retryAfter = a.slice('retry='.length);
        else if (a === 'text' || a === 'html' || a === 'json') f.body = a;
        else if (a === 'after') f.afterUpstream = true;
        else throw new Error(`fault ${spec}: unknown option "${a}" (retry=N, text, html, json, after)`);
      }
      return f;
    }
    case 'truncate':
      if (args[0] !== undefined && args[0] !== 'cut' && args[0] !== 'full') throw new Error(`fault ${spec}: use truncate:cut or truncate:full`);
      return { kind: 'truncate', contentLength: (args[0] as 'cut' | 'full' | undefined) ?? 'cut' };
    case 'non-json':
      return { kind: 'non-json', status: num(args[0], 'status', 200) };
    case 'html':
      return { kind: 'html', status: num(args[0], 'status', 200) };
    case 'stall':
      return { kind: 'stall', maxMs: args[0] === undefined ? undefined : num(args[0], 'stall ms') };
    case 'close-mid-body':
      return { kind: 'close-mid-body' };
    case 'echo-auth':
      return { kind: 'echo-auth', status: args[0] === undefined ? undefined : num(args[0], 'status') };
    case 'auth-gateway':
      return { kind: 'auth-gateway' };
    default:
      throw new Error(`unknown fault "${name}": use one of ${FAULT_NAMES.join(', ')}`);
  }
}

/** A short label for tables and logs: `status 429 (Retry-After: 1)`, `truncate (Content-Length full)`… */
export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'latency':
      return `latency ${f.ms} ms`;
    case 'reset':
      return f.afterUpstream ? 'reset after upstream' : 'reset';
    case 'status':
      return `status ${f.status}${f.body && f.body !== 'text' ? ` ${f.body}` : ''}${f.retryAfter !== undefined ? ` (Retry-After: ${f.retryAfter})` : ''}${f.afterUpstream ? ' after upstream' : ''}`;
    case 'truncate':
      return `truncate (Content-Length ${f.contentLength === 'full' ? 'of the full body' : 'of the cut body'})`;
    case 'non-json':
      return `non-json (${f.status ?? 200} text/plain)`;
    case 'html':
      return `html (${f.status ?? 200} text/html)`;
    case 'echo-auth':
      return f.status ? `echo-auth (${f.status} text)` : 'echo-auth';
    case 'auth-gateway':
      return 'auth-gateway (401 of its own without a token Keystone resolves)';
    default:
      return f.kind;
  }
}

/** The canned bodies of answers the proxy makes up itself. */
export function cannedBody(kind: 'text' | 'html' | 'json', status: number): { type: string; body: string } {
  const phrase = STATUS_CODES[status] ?? 'Unknown';
  if (kind === 'json') return { type: 'application/json', body: `${JSON.stringify({ code: status, message: `fault-proxy: ${phrase}` })}\n` };
  if (kind === 'html') {
    return {
      type: 'text/html; charset=utf-8',
      body: `<!DOCTYPE html>\n<html><head><title>${status} ${phrase}</title></head><body><center><h1>${status} ${phrase}</h1></center><hr><center>fault-proxy</center></body></html>\n`,
    };
  }
  return { type: 'text/plain; charset=utf-8', body: `fault-proxy: ${status} ${phrase}\n` };
}
