/** Sends a buffered request to the upstream and buffers its answer (both bounded). */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readBodyLimited } from '../shared/body.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1): never forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Bodies larger than this (either way) are refused, so the proxy's memory stays bounded. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Headers to pass on, without hop-by-hop ones and without the length (recomputed by the sender). */
export function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(name) || listed.includes(name) || name === 'content-length' || name === 'host') continue;
    out[name] = v;
  }
  return out;
}

export interface ForwardOptions {
  upstream: URL;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  timeoutMs: number;
  /** CA for an https upstream. */
  ca?: string;
  /** Aborts the upstream request (the client went away, the proxy is closing). */
  signal: AbortSignal;
}

export function forward(o: ForwardOptions): Promise<UpstreamAnswer> {
  const headers: OutgoingHttpHeaders = { ...endToEnd(o.headers), host: o.upstream.host, 'content-length': String(o.body.length) };
  if (o.body.length === 0 && !['POST', 'PUT', 'PATCH'].includes(o.method)) delete headers['content-length'];
  const basePath = o.upstream.pathname.replace(/\/+$/, '');
  const send = o.upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: o.upstream.protocol,
        hostname: o.upstream.hostname.replace(/^\[|\]$/g, ''),
        port: o.upstream.port || undefined,
        method: o.method,
        path: `${basePath}${o.url}`,
        headers,
        ca: o.ca,
        signal: o.signal,
        timeout: o.timeoutMs,
      },
      (res) => {
        void readBodyLimited(res, MAX_BODY_BYTES, { tooLargeAt: 'now' }).then((read) => {
          if (read.ok) resolve({ status: res.statusCode ?? 502, headers: endToEnd(res.headers), body: read.body });
          else reject(read.reason === 'too-large' ? new Error(`body larger than ${MAX_BODY_BYTES} bytes`) : read.error);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`upstream did not answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
