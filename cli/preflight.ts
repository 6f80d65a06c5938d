/**
 * Before any update: can each target be reached, does it look like the API we test, are the credentials
 * accepted? Every problem becomes a ConfigError (exit 2) that names the setting to fix.
 */
import type { Config } from '../engine/config/index.ts';
import { ConfigError, TransportError } from '../engine/errors.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { K8sClient } from '../engine/targets/k8s/client.ts';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|EPROTO/;

/** Turns a transport failure into one line that says what to fix. */
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

function notTheApi(variable: string, url: string, ex: Exchange, what: string): ConfigError {
  const got = ex.response.jsonError ?? `status ${ex.response.status}`;
  return new ConfigError(variable, `${url} answered ${ex.response.status} with ${got}: it does not look like ${what}`, `point ${variable} at ${what}`);
}

export async function preflightK8s(config: Config): Promise<string> {
  const k8s = config.k8s;
  if (!k8s) return 'no Kubernetes target';
  const client = new K8sClient(k8s, config.run.timeoutMs);
  const credential = k8s.token ? 'K8S_TOKEN' : 'K8S_CLIENT_CERT';
  try {
    let ex: Exchange;
    try {
      ex = await client.send('GET', '/version');
    } catch (err) {
      throw unreachable('K8S_SERVER', 'K8S_CA_FILE', k8s.server, err);
    }
    const body = ex.response.json as Record<string, unknown> | undefined;
    // Only a Kubernetes Status body says "your token was rejected"; any other 401 comes from another API.
    if (ex.response.status === 401 && body?.kind === 'Status') {
      throw new ConfigError(credential, `was rejected by ${k8s.server} (401 Unauthorized)`, 'use valid credentials for this cluster');
    }
    if (ex.response.status !== 200 || typeof body?.gitVersion !== 'string') throw notTheApi('K8S_SERVER', k8s.server, ex, 'a Kubernetes API server');
    if (k8s.namespace) {
      const ns = await client.send('GET', `/api/v1/namespaces/${k8s.namespace}`);
      if (ns.response.status === 404) throw new ConfigError('K8S_NAMESPACE', `namespace "${k8s.namespace}" does not exist`, 'create it or unset K8S_NAMESPACE');
    }
    const probe = await client.send('GET', `/api/v1/namespaces/${k8s.namespace ?? 'default'}/pods`, { query: { limit: '1' } });
    if (probe.response.status === 401)
      throw new ConfigError(credential, `was rejected by ${k8s.server} (401 Unauthorized)`, 'use valid credentials for this cluster');
    if (probe.response.status === 403) {
      throw new ConfigError(
        credential,
        'may not list pods (403 Forbidden)',
        'grant create/get/patch/delete on pods (and namespaces unless K8S_NAMESPACE is set)',
      );
    }
    return `Kubernetes ${body.gitVersion} at ${k8s.server}`;
  } finally {
    await client.close();
  }
}

export async function preflightNova(config: Config): Promise<string> {
  const nova = config.nova;
  if (!nova) return 'no compute target';
  const { HttpClient } = await import('../engine/http/client.ts');
  const { AuthSession } = await import('../engine/targets/nova/keystone.ts');
  const { NovaClient } = await import('../engine/targets/nova/client.ts');
  const { AuthError, SetupError } = await import('../engine/errors.ts');
  const http = new HttpClient({ timeoutMs: config.run.timeoutMs, ca: nova.ca, insecure: nova.insecure });
  try {
    const auth = new AuthSession(nova.credentials, http, { regionName: nova.regionName, interface: nova.interface });
    try {
      await auth.headers();
    } catch (err) {
      if (err instanceof AuthError) throw err.toConfigError();
      throw unreachable('OS_AUTH_URL', 'OS_CACERT', nova.credentials.authUrl ?? '', err);
    }
    const endpoint = nova.endpointOverride ?? auth.computeEndpoint;
    if (!endpoint)
      throw new ConfigError(
        'OS_REGION_NAME',
        `the catalog has no ${nova.interface} compute endpoint${nova.regionName ? ` in region ${nova.regionName}` : ''}`,
        'set OS_REGION_NAME/OS_INTERFACE or OS_COMPUTE_ENDPOINT_OVERRIDE',
      );
    const client = new NovaClient(http, auth, endpoint);
    let range: { min: string; max: string };
    try {
      range = await client.versionRange();
    } catch (err) {
      if (err instanceof AuthError) throw err.toConfigError();
      if (err instanceof SetupError)
        throw new ConfigError(nova.endpointOverride ? 'OS_COMPUTE_ENDPOINT_OVERRIDE' : 'OS_AUTH_URL', err.message, 'point it at a compute v2.1 endpoint');
      throw unreachable(nova.endpointOverride ? 'OS_COMPUTE_ENDPOINT_OVERRIDE' : 'OS_AUTH_URL', 'OS_CACERT', endpoint, err);
    }
    return `compute ${range.min}–${range.max} at ${endpoint}`;
  } finally {
    await http.close();
  }
}
