/**
 * An API gateway's own token check in front of the upstream (the `auth-gateway` fault): a request without an
 * `X-Auth-Token`, or with a token the identity service does not resolve, is answered 401 by the gateway with
 * its own body, in the style of common gateways (`{"message": …}`), never reaching the API. A resolved token is
 * forwarded unchanged. Tokens are resolved with Keystone's validate call (`GET {authUrl}/auth/tokens`, the
 * token as both `X-Auth-Token` and `X-Subject-Token`) and remembered for a minute, as gateways cache them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loopbackUpstream } from './loopback.ts';

export const GATEWAY_NO_TOKEN = 'No API key found in request';
export const GATEWAY_BAD_TOKEN = 'Invalid authentication credentials';

const CACHE_MS = 60_000;

export interface AuthGateway {
  /** true when the request may pass; otherwise the gateway has answered it. */
  admit(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** The gateway's 401: JSON of its own, and a challenge naming it. */
function refuse(res: ServerResponse, message: string): void {
  const body = `${JSON.stringify({ message })}\n`;
  res.writeHead(401, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'www-authenticate': 'Key realm="fault-proxy-gateway"',
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** A gateway resolving tokens against the Keystone v3 API at `authUrl` (loopback only, e.g. http://127.0.0.1:5000/v3). */
export function authGateway(authUrl: string): AuthGateway {
  const base = loopbackUpstream(authUrl).href.replace(/\/+$/, '');
  const resolved = new Map<string, number>();
  const resolves = async (token: string): Promise<boolean> => {
    const until = resolved.get(token);
    if (until !== undefined && until > Date.now()) return true;
    const answer = await fetch(`${base}/auth/tokens`, {
      headers: { 'x-auth-token': token, 'x-subject-token': token, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    await answer?.arrayBuffer().catch(() => undefined);
    if (answer?.status !== 200) return false;
    resolved.set(token, Date.now() + CACHE_MS);
    return true;
  };
  return {
    async admit(req, res) {
      const header = req.headers['x-auth-token'];
      const token = Array.isArray(header) ? header[0] : header;
      if (!token) {
        refuse(res, GATEWAY_NO_TOKEN);
        return false;
      }
      if (!(await resolves(token))) {
        refuse(res, GATEWAY_BAD_TOKEN);
        return false;
      }
      return true;
    },
  };
}
