import { ConfigError, TransportError } from '../errors.ts';
import type { Exchange } from './exchange.ts';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|EPROTO/;

/** Turns a transport failure before the run into one line that says which setting to fix. */
export function unreachable(urlVariable: string, caVariable: string, url: string, err: unknown): ConfigError {
  const cause = err instanceof TransportError ? (err.cause as (Error & { code?: string }) | undefined) : undefined;
  const code = cause?.code ?? '';
  const detail = cause ? `${code || cause.name}: ${cause.message}` : String(err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ConfigError(urlVariable, `the certificate of ${url} is not issued for that host name (${detail})`, 'use the host name the certificate names');
  }
  if (TLS_CODES.test(code) || /certificate/i.test(cause?.message ?? '')) {
    return new ConfigError(caVariable, `the certificate of ${url} is not trusted (${detail})`, `set ${caVariable} to the CA that signed it`);
  }
  if (/TIMEOUT/.test(code))
    return new ConfigError(urlVariable, `${url} did not answer in time (${detail})`, 'check the host and port, or raise CONFORMANCE_TIMEOUT_MS');
  return new ConfigError(urlVariable, `cannot reach ${url} (${detail})`, 'check the URL, that the server is up, and proxy settings');
}

/**
 * The answer came, but not from the kind of API the setting should point at; `asked` names the request when it
 * was not the first one (`GET /api/v1/namespaces/default/pods`), `got` what was wrong with a JSON answer.
 */
export function notTheApi(variable: string, url: string, ex: Exchange, what: string, asked?: string, got?: string): ConfigError {
  const answer = got ?? ex.response.jsonError ?? `status ${ex.response.status}`;
  return new ConfigError(
    variable,
    `${url}${asked ? ` (${asked})` : ''} answered ${ex.response.status} with ${answer}: it does not look like ${what}`,
    `point ${variable} at ${what}`,
  );
}

/** The message of an error body, whichever of the two shapes it has (`{message}` or `{fault: {message}}`), in parentheses. */
export function errorMessageOf(body: unknown): string {
  const b = body as Record<string, unknown> | undefined;
  if (typeof b?.message === 'string') return `(${b.message})`;
  const inner = b && typeof b === 'object' ? (Object.values(b)[0] as Record<string, unknown> | undefined) : undefined;
  return typeof inner?.message === 'string' ? `(${inner.message})` : '';
}
