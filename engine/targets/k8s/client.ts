import { SetupError } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import type { Exchange } from '../../http/exchange.ts';
import type { K8sTargetConfig } from './config.ts';

export interface K8sRequestOptions {
  body?: string;
  contentType?: string;
  query?: Record<string, string>;
}

/** A thin client for the few Kubernetes calls the suite makes; every call returns its exchange. */
export class K8sClient {
  readonly http: HttpClient;
  private readonly auth: Record<string, string>;

  constructor(
    readonly config: K8sTargetConfig,
    timeoutMs: number,
  ) {
    this.http = new HttpClient({
      timeoutMs,
      ca: config.ca,
      cert: config.clientCert,
      key: config.clientKey,
      insecure: config.insecureSkipTlsVerify,
    });
    this.auth = config.token ? { authorization: `Bearer ${config.token}` } : {};
  }

  send(method: string, path: string, opts: K8sRequestOptions = {}): Promise<Exchange> {
    const qs = opts.query && Object.keys(opts.query).length ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const headers: Record<string, string> = { accept: 'application/json', ...this.auth };
    if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    return this.http.send({ method, url: `${this.config.server}${path}${qs}`, headers, body: opts.body });
  }

  podPath(namespace: string, name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  /** The server's version: `{major, minor, gitVersion}`. */
  async version(): Promise<{ major: string; minor: string; gitVersion: string; exchange: Exchange }> {
    const ex = await this.send('GET', '/version');
    const body = ex.response.json as Record<string, string> | undefined;
    if (ex.response.status !== 200 || !body || typeof body.minor !== 'string') {
      throw new SetupError(
        `GET /version answered ${ex.response.status}${ex.response.jsonError ? ` (${ex.response.jsonError})` : ''}: is K8S_SERVER a Kubernetes API server?`,
      );
    }
    return { major: body.major ?? '1', minor: body.minor.replace(/\D+$/, ''), gitVersion: body.gitVersion ?? '', exchange: ex };
  }

  createNamespace(name: string, labels: Record<string, string>): Promise<Exchange> {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    return this.send('POST', '/api/v1/namespaces', { body, contentType: 'application/json' });
  }

  deleteNamespace(name: string): Promise<Exchange> {
    return this.send('DELETE', `/api/v1/namespaces/${encodeURIComponent(name)}`);
  }

  createPod(namespace: string, pod: unknown): Promise<Exchange> {
    return this.send('POST', this.podPath(namespace), { body: JSON.stringify(pod), contentType: 'application/json' });
  }

  getPod(namespace: string, name: string): Promise<Exchange> {
    return this.send('GET', this.podPath(namespace, name));
  }

  /**
   * Deletes a pod for good: a pod that still has finalizers is only marked as being deleted, so they are
   * cleared too (the answer is then that patch's). Nothing else would remove them on a test cluster.
   */
  async deletePod(namespace: string, name: string): Promise<Exchange> {
    const ex = await this.send('DELETE', this.podPath(namespace, name), { query: { gracePeriodSeconds: '0' } });
    const finalizers = ((ex.response.json as { metadata?: { finalizers?: unknown[] } } | undefined)?.metadata?.finalizers ?? []).length;
    if ((ex.response.status !== 200 && ex.response.status !== 202) || finalizers === 0) return ex;
    return this.send('PATCH', this.podPath(namespace, name), {
      body: JSON.stringify({ metadata: { finalizers: null } }),
      contentType: 'application/merge-patch+json',
    });
  }

  listPods(namespace: string, labelSelector: string): Promise<Exchange> {
    return this.send('GET', this.podPath(namespace), { query: { labelSelector } });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
