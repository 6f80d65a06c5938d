/**
 * HTTP plumbing of the reference backend: binds 127.0.0.1, reads bodies under a size limit,
 * routes identity / version documents / compute, and never lets an exception escape as a crash.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBodyLimited } from '../shared/body.ts';
import { closeNow, listenLoopback } from '../shared/listen.ts';
import type { NovaFault } from './faults.ts';
import { Keystone } from './keystone.ts';
import { MIN_MICROVERSION, type Microversion, mvToString } from './microversion.ts';
import { type ComputeDeps, faultReply, handleCompute, matchRoute, PLAIN_404, type Reply, type RequestInfo, unauthorizedReply } from './routes.ts';
import { ServerStore } from './store.ts';

/** oslo.middleware sizelimit's default `max_request_body_size` (112 KiB), in Nova's pipeline before auth. */
export const DEFAULT_BODY_LIMIT = 114688;

/** oslo sizelimit raises webob's HTTPRequestEntityTooLarge: webob's JSON error page, not a Nova fault (observed on Zed). */
const SIZE_LIMIT_413: Reply = {
  status: 413,
  headers: { 'Content-Type': 'application/json' },
  body: {
    message: `Request is too large. Larger than max_request_body_size (${DEFAULT_BODY_LIMIT}).<br /><br />\n\n\n`,
    code: '413 Request Entity Too Large',
    title: 'Request Entity Too Large',
  },
};

/** The size limit as the faults bend it: none at all, or one byte short (>= instead of >). */
function bodyLimit(limit: number, faults: ReadonlySet<NovaFault>): number {
  if (faults.has('no-body-size-limit')) return Number.MAX_SAFE_INTEGER;
  return faults.has('body-limit-off-by-one') ? limit - 1 : limit;
}

export interface StartOptions {
  port: number;
  maxMicroversion: Microversion;
  tokenLifetimeSeconds: number;
  bodyLimitBytes: number;
  faults: NovaFault[];
  /** false: the compute service never acts on os-stop/os-start (routes.ts ComputeDeps.computeActs). */
  computeActs?: boolean;
}

export interface Running {
  origin: string;
  keystone: Keystone;
  store: ServerStore;
  serverIds: { a: string[]; b: string[] };
  setFaults(f: NovaFault[]): void;
  close(): Promise<void>;
}

function versionsDocument(origin: string, max: Microversion): unknown {
  return {
    versions: [
      {
        id: 'v2.0',
        status: 'SUPPORTED',
        version: '',
        min_version: '',
        updated: '2011-01-21T11:33:21Z',
        links: [{ rel: 'self', href: `${origin}/v2/` }],
      },
      {
        id: 'v2.1',
        status: 'CURRENT',
        version: mvToString(max),
        min_version: mvToString(MIN_MICROVERSION),
        updated: '2013-07-23T11:33:21Z',
        links: [{ rel: 'self', href: `${origin}/v2.1/` }],
      },
    ],
  };
}

function versionDocument(origin: string, max: Microversion): unknown {
  return {
    version: {
      id: 'v2.1',
      status: 'CURRENT',
      version: mvToString(max),
      min_version: mvToString(MIN_MICROVERSION),
      updated: '2013-07-23T11:33:21Z',
      links: [
        { rel: 'self', href: `${origin}/v2.1/` },
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    },
  };
}

function send(res: ServerResponse, reply: Reply, closeAfter = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: Buffer | undefined;
  if (reply.text !== undefined) {
    payload = Buffer.from(reply.text, 'utf8');
    headers['Content-Type'] ??= 'text/plain; charset=UTF-8';
  } else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
    headers['Content-Type'] ??= 'application/json';
  }
  if (reply.status !== 204 && reply.status !== 304) headers['Content-Length'] = String(payload?.length ?? 0);
  if (closeAfter) headers.Connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : payload);
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export async function startServer(opts: StartOptions): Promise<Running> {
  let faults: ReadonlySet<NovaFault> = new Set(opts.faults);
  let origin = '';
  const store = new ServerStore();
  const keystone = new Keystone(
    opts.tokenLifetimeSeconds,
    () => `${origin}/v2.1`,
    () => `${origin}/identity/v3`,
  );
  const serverIds = store.seed(
    { id: keystone.projectA.id, userId: keystone.users.memberA.id },
    { id: keystone.projectB.id, userId: keystone.users.memberB.id },
  );
  const deps: ComputeDeps = { store, keystone, faults: () => faults, maxMicroversion: opts.maxMicroversion, computeActs: opts.computeActs ?? true };

  const route = (req: IncomingMessage, body: Buffer): Reply => {
    // The request target is a path: resolved against a base, "//" or "//x/…" would read as a host (and throw).
    const target = req.url ?? '/';
    let url: URL;
    try {
      url = new URL(target.startsWith('/') ? `http://placeholder${target}` : target);
    } catch {
      return {
        status: 400,
        headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
        text: '400 Bad Request\n\nThe server could not comply with the request since it is either malformed or otherwise incorrect.\n\n   ',
      };
    }
    const path = url.pathname.replace(/\/{2,}/g, '/');
    const method = (req.method ?? 'GET').toUpperCase();
    const info: RequestInfo = { method, path, query: url.searchParams, headers: req.headers, body, origin };

    // Identity.
    if (path === '/identity' || path === '/identity/') {
      if (method !== 'GET') return PLAIN_404;
      return { status: 300, body: { versions: { values: [(keystone.versionDocument().body as { version: unknown }).version] } } };
    }
    if (path === '/identity/v3' || path === '/identity/v3/') {
      if (method !== 'GET') return PLAIN_404;
      return keystone.versionDocument();
    }
    if (path === '/identity/v3/auth/tokens') {
      if (method === 'POST') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          return { status: 400, body: { error: { code: 400, title: 'Bad Request', message: 'Malformed request body' } } };
        }
        return keystone.issue(parsed);
      }
      if (method === 'GET' || method === 'HEAD') {
        return keystone.validate(headerString(req.headers['x-auth-token']), headerString(req.headers['x-subject-token']));
      }
      return PLAIN_404;
    }

    // Version documents (unauthenticated in Nova's paste pipeline).
    if (path === '/' && method === 'GET') return { status: 300, body: versionsDocument(origin, opts.maxMicroversion) };
    if ((path === '/v2.1' || path === '/v2.1/') && method === 'GET') return { status: 200, body: versionDocument(origin, opts.maxMicroversion) };

    if (!path.startsWith('/v2.1/')) return PLAIN_404;

    // keystonemiddleware.
    let token = keystone.check(headerString(req.headers['x-auth-token']));
    if (!token?.project) {
      if (!faults.has('no-auth')) return unauthorizedReply(keystone, `${origin}/identity/v3`, faults);
      token = keystone.check(keystone.users.memberA.staticToken);
      if (!token) return PLAIN_404;
    }
    const r = matchRoute(path, faults);
    if (!r) return PLAIN_404;
    return handleCompute(info, r, token, deps);
  };

  const server = createServer((req, res) => {
    // Like oslo sizelimit: a declared or actual excess is refused at once and the connection closed after the 413.
    void readBodyLimited(req, bodyLimit(opts.bodyLimitBytes, faults), { tooLargeAt: 'now', checkContentLength: true }).then((read) => {
      if (!read.ok) {
        // A failed upload (the client went away) gets no answer.
        if (read.reason === 'too-large') send(res, SIZE_LIMIT_413, true);
        return;
      }
      let reply: Reply;
      try {
        reply = route(req, read.body);
      } catch (err) {
        // Never crash; an internal error is reported the way Nova's FaultWrapper does.
        reply = faultReply(
          500,
          `Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class '${(err as Error)?.name ?? 'Error'}'>`,
          new Set(),
        );
      }
      if (faults.has('json-as-text-plain') && reply.body !== undefined)
        reply = { ...reply, headers: { ...reply.headers, 'Content-Type': 'text/plain; charset=UTF-8' } };
      send(res, reply);
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.keepAliveTimeout = 5000;

  origin = `http://127.0.0.1:${await listenLoopback(server, opts.port)}`;

  return {
    origin,
    keystone,
    store,
    serverIds,
    setFaults(f: NovaFault[]) {
      faults = new Set(f);
      // A fault run must not inherit what the previous one let through (e.g. an invalid address).
      store.resetSeeded();
    },
    close: () => closeNow(server),
  };
}
