import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { TransportError } from '../errors.ts';
import type { Exchange } from './exchange.ts';

export interface HttpSettings {
  /** Connect, headers and body timeout, each. */
  timeoutMs: number;
  /** PEM CA bundle to trust instead of the system store. */
  ca?: string;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
  /** Skip TLS verification (flagged in the report). */
  insecure?: boolean;
  /** Keep-alive connections per origin. */
  connections?: number;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Responses larger than this are cut and reported as garbage rather than buffered without limit. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * One keep-alive dispatcher per target with explicit timeouts. It never retries: the request under
 * assertion is sent exactly once, and a transport failure surfaces as `TransportError`.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private closed = false;
  /** Requests sent, for the report's requests-per-case figure. */
  sent = 0;

  constructor(settings: HttpSettings) {
    const options = {
      connect: {
        ca: settings.ca,
        cert: settings.cert,
        key: settings.key,
        rejectUnauthorized: !settings.insecure,
        timeout: settings.timeoutMs,
      },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      keepAliveTimeout: 30_000,
      connections: settings.connections ?? 32,
    };
    const proxied = PROXY_VARS.some((v) => process.env[v]);
    this.dispatcher = proxied ? new EnvHttpProxyAgent(options) : new Agent(options);
  }

  async send(req: HttpRequest): Promise<Exchange> {
    const headers = { ...(req.headers ?? {}) };
    const started = performance.now();
    this.sent++;
    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        dispatcher: this.dispatcher,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          truncated = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const responseHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) responseHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      const exchange: Exchange = {
        request: { method: req.method, url: req.url, headers, body: req.body },
        response: { status: res.statusCode, headers: responseHeaders, text },
        elapsedMs: performance.now() - started,
      };
      parseJson(exchange, truncated);
      return exchange;
    } catch (err) {
      throw new TransportError(`${req.method} ${stripQuery(req.url)} failed`, err, { method: req.method, url: req.url, headers, body: req.body });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }
}

function stripQuery(url: string): string {
  return url.replace(/\?.*$/, '');
}

function parseJson(ex: Exchange, truncated: boolean): void {
  const { text, headers } = ex.response;
  if (truncated) {
    ex.response.jsonError = `body larger than ${MAX_RESPONSE_BYTES} bytes`;
    return;
  }
  if (text.length === 0) {
    ex.response.jsonError = 'empty body';
    return;
  }
  try {
    ex.response.json = JSON.parse(text);
  } catch (err) {
    const type = headers['content-type'] ?? 'no content-type';
    const looksHtml = /^\s*</.test(text);
    ex.response.jsonError = looksHtml ? `HTML instead of JSON (${type})` : `not JSON (${type}): ${(err as Error).message}`;
  }
}
