import { SetupError } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import { NovaClient } from './client.ts';
import type { CredentialSet, NovaTargetConfig } from './config.ts';
import { AuthSession } from './keystone.ts';

/** The one HTTP client (TLS settings, timeout) every compute and identity call of a run shares. */
export function novaHttp(cfg: NovaTargetConfig, timeoutMs: number): HttpClient {
  return new HttpClient({ timeoutMs, ca: cfg.ca, insecure: cfg.insecure });
}

/**
 * An authenticated compute client for the main (`OS`), the second project's (`OS_ALT`) or the reader's (`OS_READER`) credentials: a token
 * is issued now, so bad credentials fail here (AuthError), and the endpoint comes from the override or the
 * catalog (SetupError naming the settings when the catalog has none).
 */
export async function novaClient(cfg: NovaTargetConfig, http: HttpClient, which: CredentialSet = 'OS'): Promise<NovaClient> {
  const creds = which === 'OS' ? cfg.credentials : which === 'OS_ALT' ? cfg.alt : cfg.reader;
  if (!creds) throw new SetupError(which === 'OS_ALT' ? 'no second project configured' : 'no reader-only user configured');
  const auth = new AuthSession(creds, http, { regionName: cfg.regionName, interface: cfg.interface }, which);
  await auth.headers();
  const endpoint = cfg.endpointOverride ?? auth.computeEndpoint;
  if (!endpoint) {
    throw new SetupError(
      `the Keystone catalog has no ${cfg.interface} compute endpoint${cfg.regionName ? ` in region ${cfg.regionName}` : ''}; set OS_REGION_NAME/OS_INTERFACE or OS_COMPUTE_ENDPOINT_OVERRIDE`,
    );
  }
  return new NovaClient(http, auth, endpoint);
}

/** Runs `work` with a main-project client and closes the connection afterwards, whatever happens. */
export async function withNovaClient<T>(cfg: NovaTargetConfig, timeoutMs: number, work: (client: NovaClient, http: HttpClient) => Promise<T>): Promise<T> {
  const http = novaHttp(cfg, timeoutMs);
  try {
    return await work(await novaClient(cfg, http), http);
  } finally {
    await http.close();
  }
}
