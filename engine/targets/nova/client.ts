import { AuthError, SetupError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { Exchange } from '../../http/exchange.ts';
import type { Obj } from '../../json.ts';
import type { SubjectLedger } from '../../lifecycle/ledger.ts';
import type { AuthSession } from './keystone.ts';
import type { MicroversionRange } from './microversions.ts';
import { computeRoot } from './url-forms.ts';

export interface NovaRequest {
  method: string;
  path: string;
  body?: string;
  /** Content-Type; null sends none. */
  contentType?: string | null;
  /** Microversion (`2.19`, `latest`), sent as `OpenStack-API-Version: compute <value>`. */
  microversion?: string;
  /** Raw `OpenStack-API-Version` value instead (`none` sends no header); for malformed-header cases. */
  rawVersionHeader?: string;
  legacyMicroversion?: string;
  /** Replace the session's token: `none` or a literal token. */
  token?: 'none' | { literal: string };
  /** Another base URL than the endpoint (url-forms.ts updateBase: with or without a project id). */
  base?: string;
}

/** A thin compute client: one endpoint, one auth session, every call returns its exchange. */
export class NovaClient {
  constructor(
    readonly http: HttpClient,
    readonly auth: AuthSession,
    /** Compute endpoint, e.g. http://nova:8774/v2.1 (a /{project_id} suffix is kept). */
    readonly endpoint: string,
  ) {}

  /** Where every request about a server (`/servers/{id}…`) is recorded, when the run keeps one (session.ts). */
  ledger?: SubjectLedger;

  async send(req: NovaRequest): Promise<Exchange> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.token === undefined) Object.assign(headers, await this.auth.headers());
    else if (req.token !== 'none') headers['x-auth-token'] = req.token.literal;
    if (req.contentType !== null && req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    if (req.rawVersionHeader !== undefined) {
      if (req.rawVersionHeader !== 'none') headers['openstack-api-version'] = req.rawVersionHeader;
    } else if (req.microversion) headers['openstack-api-version'] = `compute ${req.microversion}`;
    if (req.legacyMicroversion) headers['x-openstack-nova-api-version'] = req.legacyMicroversion;
    const server = this.ledger ? /^\/servers\/([^/?#]+)/.exec(req.path)?.[1] : undefined;
    const n = server ? this.ledger?.sent(server) : undefined;
    const ex = await this.http.send({ method: req.method, url: `${req.base ?? this.endpoint}${req.path}`, headers, body: req.body });
    if (server && n !== undefined && req.method === 'GET') this.ledger?.answered(server, n, ex);
    return ex;
  }

  showServer(id: string, microversion: string): Promise<Exchange> {
    return this.send({ method: 'GET', path: `/servers/${id}`, microversion });
  }

  updateServer(id: string, server: Obj, microversion: string): Promise<Exchange> {
    return this.send({ method: 'PUT', path: `/servers/${id}`, body: JSON.stringify({ server }), microversion });
  }

  /** The version document of the endpoint: min and max microversion. */
  async versionRange(): Promise<MicroversionRange & { exchange: Exchange }> {
    const root = computeRoot(this.endpoint);
    const ex = await this.http.send({ method: 'GET', url: `${root}/`, headers: { accept: 'application/json', ...(await this.auth.headers()) } });
    const v = ((ex.response.json as Obj)?.version ?? {}) as Obj;
    const body = ex.response.json as Obj | undefined;
    // keystonemiddleware answers {"error": …}, Nova itself {"unauthorized": …}; any other 401 is another API.
    if (ex.response.status === 401 && body && ('error' in body || 'unauthorized' in body)) {
      throw new AuthError('OS_TOKEN', `the compute endpoint ${root} rejected the token (401)`, 'use valid credentials for this cloud');
    }
    if (ex.response.status !== 200 || typeof v.version !== 'string') {
      throw new SetupError(
        `GET ${root}/ answered ${ex.response.status}${ex.response.jsonError ? ` (${ex.response.jsonError})` : ''} without a version document: is this a compute v2.1 endpoint?`,
      );
    }
    const min = typeof v.min_version === 'string' && v.min_version ? v.min_version : '2.1';
    const max = v.version || '2.1';
    return { min, max, exchange: ex };
  }
}
