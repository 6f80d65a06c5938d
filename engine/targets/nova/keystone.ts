import { registerSecret } from '../../config/secrets.ts';
import { AuthError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { Obj } from '../../json.ts';
import type { CredentialSet, OsCredentials } from './config.ts';

/**
 * Refresh this long before the token expires (at most half its lifetime), so no request under assertion
 * carries a token that expires on the way.
 */
const REFRESH_MARGIN_MS = 120_000;

export interface CatalogLookup {
  regionName?: string;
  interface: 'public' | 'internal' | 'admin';
}

/** Tokens for one set of credentials: password (Keystone v3, refreshed before expiry), a given token, or none. */
export class AuthSession {
  private token?: string;
  private expiresAt = Number.POSITIVE_INFINITY;
  private refreshAt = Number.POSITIVE_INFINITY;
  private pending?: Promise<void>;
  /** The compute endpoint found in the catalog (password auth only). */
  computeEndpoint?: string;
  projectId?: string;
  /** Keystone requests made (for tests of the refresh). */
  issued = 0;

  constructor(
    private readonly creds: OsCredentials,
    private readonly http: HttpClient,
    private readonly lookup: CatalogLookup,
    private readonly label: CredentialSet = 'OS',
  ) {
    this.token = creds.authType === 'password' ? undefined : creds.token;
    this.projectId = creds.projectId;
  }

  /** `X-Auth-Token` header for the next request (empty in noauth mode without OS_TOKEN). */
  async headers(): Promise<Record<string, string>> {
    if (this.creds.authType === 'password' && (!this.token || Date.now() >= this.refreshAt)) {
      this.pending ??= this.issue().finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    return this.token ? { 'x-auth-token': this.token } : {};
  }

  private async issue(): Promise<void> {
    const c = this.creds;
    const base = (c.authUrl ?? '').replace(/\/+$/, '');
    const url = /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
    const project = c.projectId ? { id: c.projectId } : { name: c.projectName, domain: { name: c.projectDomainName } };
    const body = {
      auth: {
        identity: { methods: ['password'], password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } } },
        scope: { project },
      },
    };
    this.issued++;
    const ex = await this.http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const v = this.label;
    if (ex.response.status === 401) {
      throw new AuthError(
        `${v}_USERNAME`,
        `Keystone at ${base} rejected the credentials (401)`,
        `check ${v}_USERNAME, ${v}_PASSWORD, the domains and the project`,
      );
    }
    const token = ex.response.headers['x-subject-token'];
    const t = ((ex.response.json as Obj)?.token ?? {}) as Obj;
    if (ex.response.status !== 201 || !token) {
      const got = ex.response.jsonError ? ` (${ex.response.jsonError})` : token ? '' : ' without an X-Subject-Token header';
      throw new AuthError(
        v === 'OS_ALT' ? 'OS_ALT_AUTH_URL' : 'OS_AUTH_URL',
        `${base} answered ${ex.response.status}${got} to a token request`,
        'point it at a Keystone v3 endpoint',
      );
    }
    registerSecret(token);
    this.token = token;
    const expires = Date.parse(String(t.expires_at ?? ''));
    const issuedAt = Date.now();
    this.expiresAt = Number.isFinite(expires) ? expires : issuedAt + 3_600_000;
    this.refreshAt = this.expiresAt - Math.min(REFRESH_MARGIN_MS, (this.expiresAt - issuedAt) / 2);
    this.projectId = String((t.project as Obj)?.id ?? this.projectId ?? '');
    this.computeEndpoint = findCompute(t.catalog, this.lookup);
  }
}

function findCompute(catalog: unknown, lookup: CatalogLookup): string | undefined {
  const services = Array.isArray(catalog) ? (catalog as Obj[]) : [];
  const compute = services.find((s) => s.type === 'compute');
  const endpoints = Array.isArray(compute?.endpoints) ? (compute.endpoints as Obj[]) : [];
  const hit = endpoints.find(
    (e) => e.interface === lookup.interface && (!lookup.regionName || e.region_id === lookup.regionName || e.region === lookup.regionName),
  );
  return typeof hit?.url === 'string' ? hit.url.replace(/\/+$/, '') : undefined;
}
