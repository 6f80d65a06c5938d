import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';
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

/*
 * The two dispatchers only, from undici's lib/: its index also loads fetch, WebSocket, EventSource, the cache and
 * the mocks, about 150 ms of every process's start-up (bench/README.md) for code a conformance run never calls.
 * The version is pinned by the lockfile; a path that moved fails at the first import, in every self-test.
 */
const requireUndici = createRequire(import.meta.url);
const Agent = requireUndici('undici/lib/dispatcher/agent.js') as typeof AgentType;
const EnvHttpProxyAgent = requireUndici('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof EnvHttpProxyAgentType;

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
      const response = await this.dispatch(req, headers);
      const exchange: Exchange = {
        request: { method: req.method, url: req.url, headers, body: req.body },
        response: { status: response.status, headers: response.headers, text: response.text },
        elapsedMs: performance.now() - started,
      };
      parseJson(exchange, response.truncated);
      return exchange;
    } catch (err) {
      throw new TransportError(`${req.method} ${stripQuery(req.url)} failed`, err, { method: req.method, url: req.url, headers, body: req.body });
    }
  }

  /**
   * One request through undici's dispatch handler API rather than `request()`: no body stream per response,
   * which measured about a third less CPU per loopback request, client and server together (bench/README.md).
   * Timeouts are the dispatcher's; a body over the limit aborts the response and is reported as truncated.
   */
  private dispatch(req: HttpRequest, headers: Record<string, string>): Promise<RawResponse> {
    const url = new URL(req.url);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let responseHeaders: Record<string, string> = {};
      const done = (truncated: boolean) => resolve({ status, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8'), truncated });
      this.dispatcher.dispatch(
        { origin: url.origin, path: url.pathname + url.search, method: req.method as Dispatcher.HttpMethod, headers, body: req.body },
        {
          // Its presence is what marks this handler as the controller-based kind.
          onRequestStart() {},
          onResponseStart(_controller, statusCode, received) {
            status = statusCode;
            responseHeaders = flatHeaders(received);
          },
          onResponseData(controller, chunk) {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              controller.abort(new Error('response too large'));
              done(true);
              return;
            }
            chunks.push(chunk);
          },
          onResponseEnd: () => done(false),
          // After a truncation the abort lands here too; the promise is settled by then.
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  truncated: boolean;
}

/** Repeated headers joined as HTTP allows (undici already gives the names in lower case). */
function flatHeaders(received: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(received)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  return flat;
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
