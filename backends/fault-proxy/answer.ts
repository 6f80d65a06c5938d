/** How the proxy answers a request under each fault (the upstream's answer, if any, already in hand). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { cannedBody, type Fault } from './faults.ts';
import type { UpstreamAnswer } from './forward.ts';

/** Closes the connection abruptly (TCP RST where the platform allows it). */
export function resetSocket(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  const s = socket as Socket & { resetAndDestroy?: () => Socket };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}

/** Sends an upstream answer unchanged. */
export function relay(res: ServerResponse, up: UpstreamAnswer): void {
  res.writeHead(up.status, { ...up.headers, 'content-length': String(up.body.length) });
  res.end(up.body);
}

/** A body the proxy makes up (status, text / HTML / JSON error, optional Retry-After). */
export function canned(res: ServerResponse, status: number, kind: 'text' | 'html' | 'json', retryAfter?: string, extra?: string): void {
  let { type, body } = cannedBody(kind, status);
  if (kind === 'html' && status >= 200 && status < 300) {
    body =
      '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><form method="post" action="/login"><input name="user"><input name="password" type="password"></form></body></html>\n';
  }
  if (extra) body += extra;
  const headers: Record<string, string> = { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' };
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  res.writeHead(status, headers);
  res.end(body);
}

/** The first half of the upstream body; with `full`, the header still announces the whole body and the connection closes after the half. */
export function truncated(res: ServerResponse, up: UpstreamAnswer, contentLength: 'cut' | 'full'): void {
  const half = up.body.subarray(0, Math.floor(up.body.length / 2));
  if (contentLength === 'cut') {
    res.writeHead(up.status, { ...up.headers, 'content-length': String(half.length) });
    res.end(half);
    return;
  }
  res.writeHead(up.status, { ...up.headers, 'content-length': String(up.body.length) });
  res.write(half, () => res.socket?.end());
}

/** Headers and half the body as chunks, then the connection is destroyed. */
export function closedMidBody(res: ServerResponse, up: UpstreamAnswer): void {
  const half = up.body.subarray(0, Math.max(1, Math.floor(up.body.length / 2)));
  res.writeHead(up.status, up.headers);
  res.write(half, () => resetSocket(res.socket));
}

/** Headers and a few body bytes, then silence until the client gives up or `maxMs` passes. */
export function stalled(res: ServerResponse, up: UpstreamAnswer, maxMs: number, onDone: () => void): void {
  res.writeHead(up.status, up.headers);
  res.write(up.body.subarray(0, Math.min(8, up.body.length)));
  const timer = setTimeout(() => resetSocket(res.socket), maxMs);
  timer.unref();
  res.on('close', () => {
    clearTimeout(timer);
    onDone();
  });
}

/** The request's credentials, as a debugging gateway would quote them. */
export function credentialsOf(req: IncomingMessage): string {
  const parts: string[] = [];
  for (const name of ['authorization', 'x-auth-token']) {
    const v = req.headers[name];
    if (v) parts.push(`${name}: ${Array.isArray(v) ? v.join(', ') : v}`);
  }
  return parts.join('; ');
}

/** The upstream answer with the request's credentials echoed in a header and (JSON objects) in the body. */
export function echoed(res: ServerResponse, up: UpstreamAnswer, credentials: string): void {
  let body = up.body;
  try {
    const json = JSON.parse(up.body.toString('utf8')) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      body = Buffer.from(JSON.stringify({ ...(json as Record<string, unknown>), echoedCredentials: credentials }));
    }
  } catch {
    // not JSON: only the header carries the echo
  }
  res.writeHead(up.status, { ...up.headers, 'x-echo-credentials': credentials, 'content-length': String(body.length) });
  res.end(body);
}

/** Whether a fault needs the upstream's answer first. */
export function forwards(f: Fault): boolean {
  switch (f.kind) {
    case 'status':
      return Boolean(f.afterUpstream);
    case 'non-json':
    case 'html':
      return false;
    case 'reset':
      return Boolean(f.afterUpstream);
    case 'echo-auth':
      return f.status === undefined;
    default:
      return true;
  }
}
