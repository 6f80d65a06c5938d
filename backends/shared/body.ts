/**
 * Reading a request (or upstream answer) body into memory under a byte limit, for the reference backends and
 * the fault proxy. What each one answers to an oversized or broken upload stays with the caller.
 */
import type { IncomingMessage } from 'node:http';

export type LimitedBody = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' } | { ok: false; reason: 'failed'; error: Error };

export interface LimitOptions {
  /**
   * When an oversized body is reported: 'now' as soon as the limit is crossed (the rest is drained and
   * dropped), so the caller can answer 413 before the upload ends; 'end' (default) after the last byte.
   */
  tooLargeAt?: 'now' | 'end';
  /** Report a declared Content-Length above the limit before reading a byte (the body is drained). */
  checkContentLength?: boolean;
}

/** Never rejects: a stream error or an aborted upload is `{ ok: false, reason: 'failed' }`. */
export function readBodyLimited(stream: IncomingMessage, maxBytes: number, opts: LimitOptions = {}): Promise<LimitedBody> {
  return new Promise((resolve) => {
    if (opts.checkContentLength) {
      const declared = Number(stream.headers['content-length'] ?? '0');
      if (Number.isFinite(declared) && declared > maxBytes) {
        stream.resume();
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Keep consuming (and dropping) the rest, so the connection can still carry an answer.
      over = true;
      chunks.length = 0;
      if (opts.tooLargeAt === 'now') resolve({ ok: false, reason: 'too-large' });
    });
    stream.on('end', () => resolve(over ? { ok: false, reason: 'too-large' } : { ok: true, body: Buffer.concat(chunks) }));
    stream.on('error', (error) => resolve({ ok: false, reason: 'failed', error }));
    stream.on('aborted', () => resolve({ ok: false, reason: 'failed', error: new Error('aborted') }));
  });
}
