/**
 * A fault-injecting HTTP(S) proxy for self-tests and benchmarks: sits between the suite and a backend on
 * 127.0.0.1, forwards method, path, headers and body to a loopback upstream, and injects one fault
 * (faults.ts) into the requests a `Match` selects. It stops by itself after `maxRequests` requests or
 * `lifetimeMs`, and holds a stalled answer at most `stallMaxMs`, so a test can never hang on it.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readBodyLimited } from '../shared/body.ts';
import { listenLoopback } from '../shared/listen.ts';
import { canned, closedMidBody, credentialsOf, echoed, forwards, relay, resetSocket, stalled, truncated } from './answer.ts';
import { type AuthGateway, authGateway } from './auth-gateway.ts';
import { type Fault, type FaultName, parseFault } from './faults.ts';
import { forward, MAX_BODY_BYTES, type UpstreamAnswer } from './forward.ts';
import { loopbackUpstream } from './loopback.ts';
import { type Match, Matcher } from './match.ts';

export { describeFault, type Fault, type FaultName, parseFault } from './faults.ts';
export type { Match, RequestInfo } from './match.ts';

export interface FaultProxyOptions {
  /** Where to forward: http(s) on a loopback address only. */
  upstream: string;
  /** The fault (default none); a string is parsed as on the command line (`status:503`). */
  fault?: Fault | string;
  /** Which requests get the fault (default: all). */
  match?: Match;
  /** Stop after this many requests (default 20 000). */
  maxRequests?: number;
  /** Stop after this long (default 10 minutes). */
  lifetimeMs?: number;
  /** Longest a `stall` holds an answer before the proxy closes the connection itself (default 30 s). */
  stallMaxMs?: number;
  /** Upstream request timeout (default 30 s): the proxy answers 504 after it. */
  upstreamTimeoutMs?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** CA for an https upstream. */
  upstreamCa?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
  /** Keystone v3 URL on loopback the `auth-gateway` fault resolves tokens with (e.g. http://127.0.0.1:5000/v3). */
  authUrl?: string;
}

/** One request as the proxy saw it (bounded log, newest last). */
export interface ProxiedRequest {
  method: string;
  url: string;
  fault: FaultName;
  /** Status sent, when one was sent. */
  status?: number;
}

export interface FaultProxy {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** Switch the fault (and optionally the match; the match's counters restart). */
  setFault(fault: Fault | string, match?: Match): void;
  /** Requests received so far. */
  readonly requests: number;
  /** Requests that got the fault. */
  readonly faulted: number;
  /** The last requests (at most 1000). */
  readonly log: readonly ProxiedRequest[];
  /** Resolves when the proxy has stopped (closed, request limit or lifetime reached). */
  readonly stopped: Promise<string>;
  close(): Promise<void>;
}

const LOG_LIMIT = 1000;

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = loopbackUpstream(opts.upstream);
  const maxRequests = opts.maxRequests ?? 20_000;
  const lifetimeMs = opts.lifetimeMs ?? 600_000;
  const stallMaxMs = opts.stallMaxMs ?? 30_000;
  const upstreamTimeoutMs = opts.upstreamTimeoutMs ?? 30_000;
  const toFault = (f: Fault | string | undefined): Fault => (typeof f === 'string' ? parseFault(f) : (f ?? { kind: 'none' }));
  let fault = toFault(opts.fault);
  const gateway: AuthGateway | undefined = opts.authUrl ? authGateway(opts.authUrl) : undefined;
  const needsGateway = (f: Fault) => {
    if (f.kind === 'auth-gateway' && !gateway) throw new Error('fault-proxy: the auth-gateway fault needs an auth URL (--auth-url)');
  };
  needsGateway(fault);
  let matcher = new Matcher(opts.match);
  let requests = 0;
  let faulted = 0;
  let stopping = false;
  const log: ProxiedRequest[] = [];
  const inflight = new Set<AbortController>();
  let stopReason = '';
  let resolveStopped: (reason: string) => void = () => {};
  const stopped = new Promise<string>((r) => {
    resolveStopped = r;
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++;
    const entry: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', fault: 'none' };
    log.push(entry);
    if (log.length > LOG_LIMIT) log.shift();
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (stopping) server.closeIdleConnections();
    });
    if (stopping || requests > maxRequests) {
      req.resume();
      canned(res.setHeader('connection', 'close'), 503, 'text', undefined, `fault-proxy: stopped (${stopReason || 'request limit reached'})\n`);
      return;
    }
    if (requests === maxRequests) {
      // The last request: its connection closes after the answer, and the listener stops.
      res.setHeader('connection', 'close');
      setImmediate(() => void stop(`request limit ${maxRequests} reached`));
    }
    const ac = new AbortController();
    inflight.add(ac);
    res.on('close', () => {
      ac.abort();
      inflight.delete(ac);
    });
    const read = await readBodyLimited(req, MAX_BODY_BYTES, { tooLargeAt: 'now' });
    if (!read.ok) {
      if (read.reason === 'too-large') canned(res.setHeader('connection', 'close'), 413, 'text');
      else resetSocket(req.socket);
      return;
    }
    const body = read.body;
    const f: Fault = matcher.applies({ method: entry.method, url: entry.url, headers: req.headers }) ? fault : { kind: 'none' };
    entry.fault = f.kind;
    if (f.kind !== 'none') faulted++;

    if (f.kind === 'latency') {
      await new Promise<void>((r) => {
        const t = setTimeout(r, f.ms);
        t.unref();
        ac.signal.addEventListener('abort', () => {
          clearTimeout(t);
          r();
        });
      });
      if (ac.signal.aborted) return;
    }
    if (f.kind === 'reset' && !f.afterUpstream) return resetSocket(req.socket);
    if (f.kind === 'status' && !f.afterUpstream) return canned(res, f.status, f.body ?? 'text', f.retryAfter);
    if (f.kind === 'non-json') return canned(res, f.status ?? 200, 'text');
    if (f.kind === 'html') return canned(res, f.status ?? 200, 'html');
    if (f.kind === 'auth-gateway' && !(await (gateway as AuthGateway).admit(req, res))) return;
    if (f.kind === 'echo-auth' && !forwards(f)) return canned(res, f.status ?? 503, 'text', undefined, `request credentials: ${credentialsOf(req)}\n`);

    let up: UpstreamAnswer;
    try {
      up = await forward({
        upstream,
        method: entry.method,
        url: entry.url,
        headers: req.headers,
        body,
        timeoutMs: upstreamTimeoutMs,
        ca: opts.upstreamCa,
        signal: ac.signal,
      });
    } catch (err) {
      if (ac.signal.aborted) return;
      const timeout = /did not answer/.test(String((err as Error).message));
      return canned(res, timeout ? 504 : 502, 'text', undefined, `fault-proxy: upstream: ${(err as Error).message}\n`);
    }
    if (ac.signal.aborted) return;
    switch (f.kind) {
      case 'reset':
        return resetSocket(req.socket);
      case 'status':
        return canned(res, f.status, f.body ?? 'text', f.retryAfter);
      case 'truncate':
        return truncated(res, up, f.contentLength ?? 'cut');
      case 'close-mid-body':
        return closedMidBody(res, up);
      case 'stall':
        return stalled(res, up, Math.min(f.maxMs ?? stallMaxMs, stallMaxMs), () => {});
      case 'echo-auth':
        return echoed(res, up, credentialsOf(req));
      default:
        return relay(res, up);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) canned(res, 502, 'text');
      else resetSocket(res.socket);
    });
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createHttpServer(listener);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.keepAliveTimeout = 5_000;

  const stop = (reason: string): Promise<void> => {
    if (!stopping) {
      stopping = true;
      stopReason = reason;
      clearTimeout(lifetime);
    }
    return new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => {
        resolveStopped(stopReason);
        resolve();
      });
      // Idle keep-alive sockets go now; in-flight answers may finish, stalled ones are cut.
      server.closeIdleConnections();
      if (reason === 'closed') {
        for (const ac of inflight) ac.abort();
        server.closeAllConnections();
      }
    });
  };

  const port = await listenLoopback(server, opts.port ?? 0);
  // At the end of its lifetime every connection goes at once, stalled ones included.
  const lifetime = setTimeout(() => {
    void stop(`lifetime of ${lifetimeMs} ms reached`);
    for (const ac of inflight) ac.abort();
    server.closeAllConnections();
  }, lifetimeMs);
  lifetime.unref();

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    setFault(f, m) {
      const next = toFault(f);
      needsGateway(next);
      fault = next;
      if (m !== undefined) matcher = new Matcher(m);
    },
    get requests() {
      return requests;
    },
    get faulted() {
      return faulted;
    },
    get log() {
      return log;
    },
    stopped,
    close: () => stop('closed'),
  };
}
