/**
 * HTTP plumbing: loopback listener, bearer-token authentication, the 3 MiB request body limit
 * (kube-apiserver's default MaxRequestBodyBytes), a JSON nesting guard, error → metav1.Status
 * rendering (with the error-shaping faults applied) and `?pretty=true`.
 * Routing is synchronous once the body is read, so updates never interleave (they are serialized).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBodyLimited } from '../shared/body.ts';
import type { K8sFault } from './faults.ts';
import type { PodStore } from './pod-store.ts';
import { type Request, type RouteReply, route } from './routes.ts';
import { ApiError, badRequest, internal, type StatusBody, tooLarge, unauthorized } from './status.ts';

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
/** encoding/json (and sigs.k8s.io/json) stop at a nesting depth of 10000. */
export const MAX_JSON_DEPTH = 10000;

export interface ServerState {
  store: PodStore;
  faults: Set<K8sFault>;
  minor: number;
  token?: string;
}

/** Nesting depth of a JSON text (brackets outside strings), without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

const WRONG_REASON: Record<string, string> = {
  Invalid: 'BadRequest',
  BadRequest: 'Invalid',
  NotFound: 'Gone',
  Conflict: 'AlreadyExists',
  AlreadyExists: 'Conflict',
  UnsupportedMediaType: 'BadRequest',
  RequestEntityTooLarge: 'BadRequest',
  Unauthorized: 'Forbidden',
  Forbidden: 'Unauthorized',
  MethodNotAllowed: 'BadRequest',
};

/** Apply the error-shaping faults to a Status; returns the HTTP status and the body to send. */
function shapeError(s: StatusBody, faults: ReadonlySet<K8sFault>): { code: number; body: unknown } {
  const st: StatusBody = structuredClone(s);
  if (faults.has('not-found-as-403') && st.code === 404 && st.reason === 'NotFound' && st.details?.kind) {
    st.code = 403;
    st.reason = 'Forbidden';
    st.message = `${st.details.kind} ${JSON.stringify(st.details.name ?? '')} is forbidden: access denied`;
  }
  if (faults.has('malformed-as-500') && st.code === 400) {
    st.code = 500;
    st.reason = 'InternalError';
  }
  if (faults.has('wrong-error-status') && st.code === 422) st.code = 400;
  if (faults.has('wrong-reason')) {
    if (st.reason === undefined) st.reason = 'InternalError';
    else st.reason = WRONG_REASON[st.reason] ?? 'BadRequest';
  }
  if (faults.has('no-causes') && s.code === 422 && st.details) delete st.details.causes;
  if (faults.has('no-status-details') && st.details) {
    delete st.details.name;
    delete st.details.kind;
  }
  if (faults.has('generic-messages')) {
    st.message = 'error';
    for (const c of st.details?.causes ?? []) c.message = '';
  }
  if (faults.has('status-body-not-status')) return { code: st.code, body: { error: st.message ?? 'error' } };
  if (faults.has('status-code-as-string')) return { code: st.code, body: { ...st, code: String(st.code) } };
  return { code: st.code, body: st };
}

function send(res: ServerResponse, code: number, body: unknown, pretty: boolean, warnings?: string[], contentType = 'application/json'): void {
  const text = `${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`;
  if (warnings && warnings.length > 0) {
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function createK8sServer(state: ServerState): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse, port: number): Promise<void> => {
    // The request target is a path: resolved against a base, "//" or "//x/…" would read as a host (and throw).
    const target = req.url ?? '/';
    let url: URL;
    try {
      url = new URL(target.startsWith('/') ? `http://127.0.0.1${target}` : target);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('400 Bad Request');
      return;
    }
    const pretty = url.searchParams.get('pretty') === 'true';
    const jsonType = state.faults.has('json-as-text-plain') ? 'text/plain; charset=utf-8' : 'application/json';
    try {
      if (state.token !== undefined) {
        const auth = req.headers.authorization ?? '';
        if (auth !== `Bearer ${state.token}`) {
          req.resume();
          throw unauthorized();
        }
      }
      // Too large is reported after the last byte, so the 413 leaves the keep-alive connection usable.
      const read = await readBodyLimited(req, state.faults.has('no-patch-limits') ? 64 * 1024 * 1024 : MAX_REQUEST_BODY_BYTES);
      if (!read.ok) throw read.reason === 'too-large' ? tooLarge(`limit is ${MAX_REQUEST_BODY_BYTES}`) : read.error;
      const body = read.body;
      if (body.length > 0 && jsonDepth(body.toString('utf8')) > MAX_JSON_DEPTH) {
        throw badRequest('json: exceeded max depth');
      }
      const r: Request = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'] ?? '',
        body,
        port,
      };
      const reply: RouteReply = route({ store: state.store, faults: state.faults, minor: state.minor }, r);
      if ('text' in reply) {
        res.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(reply.text);
        return;
      }
      send(res, reply.status, reply.body, pretty, reply.warnings, jsonType);
    } catch (err) {
      let apiErr: ApiError;
      if (err instanceof ApiError) apiErr = err;
      else if (err instanceof RangeError) apiErr = badRequest(`json: exceeded max depth: ${err.message}`);
      else apiErr = internal(err instanceof Error ? err.message : String(err));
      const shaped = shapeError(apiErr.status, state.faults);
      if (!res.headersSent) send(res, shaped.code, shaped.body, pretty, undefined, jsonType);
      else res.end();
    }
  };
  const server = createServer((req, res) => {
    handle(req, res, req.socket.localPort ?? 0).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}
