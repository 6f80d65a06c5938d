import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, get, getBool, getUrl } from '../../config/env.ts';
import { registerSecret } from '../../config/secrets.ts';
import { ConfigError } from '../../errors.ts';
import { parseYaml } from '../../yaml.ts';

/** Where and how to reach a Kubernetes API server. */
export interface K8sTargetConfig {
  server: string;
  token?: string;
  clientCert?: string;
  clientKey?: string;
  /** PEM of the CA that signed the server certificate. */
  ca?: string;
  insecureSkipTlsVerify: boolean;
  /** Use this namespace (touch only pods the run created); unset = a run-scoped namespace. */
  namespace?: string;
  /** Where the settings came from, for the report header. */
  origin: string;
}

function readFileSetting(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(variable, `cannot read ${path} (${code})`, 'check the path and its permissions');
  }
}

/** Reads the K8S_* / KUBECONFIG settings; undefined when no Kubernetes target is configured. */
export function loadK8sConfig(env: Env): K8sTargetConfig | undefined {
  const kubeconfig = get(env, 'KUBECONFIG');
  const server = getUrl(env, 'K8S_SERVER');
  if (kubeconfig && server) {
    throw new ConfigError('K8S_SERVER', 'is set together with KUBECONFIG', 'use one of them, not both');
  }
  const namespace = get(env, 'K8S_NAMESPACE');
  if (namespace && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new ConfigError('K8S_NAMESPACE', `"${namespace}" is not a valid namespace name`, 'use a DNS-1123 label');
  }
  const insecure = getBool(env, 'K8S_INSECURE_SKIP_TLS_VERIFY');
  const caFile = get(env, 'K8S_CA_FILE');
  if (kubeconfig) return fromKubeconfig(env, kubeconfig, namespace, insecure, caFile);
  if (!server) {
    const inCluster = fromServiceAccount(env, namespace);
    if (inCluster) return inCluster;
    for (const v of ['K8S_TOKEN', 'K8S_CLIENT_CERT', 'K8S_CLIENT_KEY', 'K8S_CA_FILE', 'K8S_NAMESPACE']) {
      if (get(env, v)) throw new ConfigError(v, 'is set but K8S_SERVER is not', 'set K8S_SERVER (or KUBECONFIG) too');
    }
    return undefined;
  }
  const token = get(env, 'K8S_TOKEN');
  const certFile = get(env, 'K8S_CLIENT_CERT');
  const keyFile = get(env, 'K8S_CLIENT_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(certFile ? 'K8S_CLIENT_KEY' : 'K8S_CLIENT_CERT', 'is missing', 'a client certificate needs both K8S_CLIENT_CERT and K8S_CLIENT_KEY');
  }
  if (token && certFile) {
    throw new ConfigError('K8S_TOKEN', 'is set together with K8S_CLIENT_CERT', 'use a token or a client certificate, not both');
  }
  if (!token && !certFile) {
    throw new ConfigError('K8S_TOKEN', 'is not set', 'set K8S_TOKEN or K8S_CLIENT_CERT/K8S_CLIENT_KEY for K8S_SERVER');
  }
  if (caFile && insecure) {
    throw new ConfigError('K8S_INSECURE_SKIP_TLS_VERIFY', 'is set together with K8S_CA_FILE', 'trust the CA or skip verification, not both');
  }
  if (server.startsWith('http:') && (caFile || certFile)) {
    throw new ConfigError('K8S_SERVER', 'uses http:// but TLS files are configured', 'use https:// or drop K8S_CA_FILE/K8S_CLIENT_CERT');
  }
  const clientKey = keyFile ? readFileSetting('K8S_CLIENT_KEY', keyFile) : undefined;
  registerSecret(token);
  registerSecret(clientKey);
  return {
    server,
    token,
    clientCert: certFile ? readFileSetting('K8S_CLIENT_CERT', certFile) : undefined,
    clientKey,
    ca: caFile ? readFileSetting('K8S_CA_FILE', caFile) : undefined,
    insecureSkipTlsVerify: insecure,
    namespace,
    origin: 'K8S_SERVER',
  };
}

interface Named<T> {
  name?: string;
  [key: string]: unknown;
  value?: T;
}

function pick<T>(list: unknown, key: string, name: string, variable: string, file: string): T {
  const entries = Array.isArray(list) ? (list as Named<T>[]) : [];
  const hit = entries.find((e) => e?.name === name);
  if (!hit || typeof hit[key] !== 'object' || hit[key] === null) {
    throw new ConfigError(variable, `${file} has no ${key} named "${name}"`, 'check the context/cluster/user names in the kubeconfig');
  }
  return hit[key] as T;
}

function fromKubeconfig(env: Env, path: string, namespace: string | undefined, insecure: boolean, caFile?: string): K8sTargetConfig {
  const text = readFileSetting('KUBECONFIG', path.split(':')[0] ?? path);
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError('KUBECONFIG', `${path} is not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix the file');
  }
  const contextName = get(env, 'K8S_CONTEXT') ?? (doc['current-context'] as string | undefined);
  if (!contextName) throw new ConfigError('K8S_CONTEXT', `${path} has no current-context`, 'set K8S_CONTEXT to one of its contexts');
  const variable = get(env, 'K8S_CONTEXT') ? 'K8S_CONTEXT' : 'KUBECONFIG';
  const context = pick<Record<string, string>>(doc.contexts, 'context', contextName, variable, path);
  const cluster = pick<Record<string, unknown>>(doc.clusters, 'cluster', context.cluster ?? '', 'KUBECONFIG', path);
  const user = context.user ? pick<Record<string, unknown>>(doc.users, 'user', context.user, 'KUBECONFIG', path) : {};
  const server = typeof cluster.server === 'string' ? cluster.server.replace(/\/+$/, '') : undefined;
  if (!server || !/^https?:\/\//.test(server)) {
    throw new ConfigError('KUBECONFIG', `cluster "${context.cluster}" has no valid server URL`, 'fix clusters[].cluster.server');
  }
  const b64 = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined);
  const file = (v: unknown) => (typeof v === 'string' ? readFileSetting('KUBECONFIG', v) : undefined);
  const token = typeof user.token === 'string' ? user.token : user.tokenFile ? file(user.tokenFile)?.trim() : undefined;
  const clientKey = b64(user['client-key-data']) ?? file(user['client-key']);
  if (!token && !clientKey) {
    throw new ConfigError(
      'KUBECONFIG',
      `user "${context.user}" has neither a token nor a client certificate`,
      'exec and auth-provider plugins are not supported; use a token',
    );
  }
  registerSecret(token);
  registerSecret(clientKey);
  return {
    server,
    token,
    clientCert: b64(user['client-certificate-data']) ?? file(user['client-certificate']),
    clientKey,
    ca: caFile ? readFileSetting('K8S_CA_FILE', caFile) : (b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority'])),
    insecureSkipTlsVerify: insecure || cluster['insecure-skip-tls-verify'] === true,
    namespace: namespace ?? context.namespace,
    origin: `KUBECONFIG context ${contextName}`,
  };
}

/** Where Kubernetes mounts a pod's ServiceAccount token, CA and namespace (client-go rest.InClusterConfig). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * In a pod (after K8S_SERVER and KUBECONFIG, as client libraries do): the API server from
 * KUBERNETES_SERVICE_HOST/_PORT, the mounted ServiceAccount token and CA, and the pod's namespace, so the run
 * needs only a Role on pods there. Undefined when not in a pod; K8S_SERVICEACCOUNT_DIR moves the mount (tests).
 */
function fromServiceAccount(env: Env, namespace: string | undefined): K8sTargetConfig | undefined {
  const host = get(env, 'KUBERNETES_SERVICE_HOST');
  const port = get(env, 'KUBERNETES_SERVICE_PORT');
  const explicitDir = get(env, 'K8S_SERVICEACCOUNT_DIR');
  if (!host || !port) {
    if (explicitDir)
      throw new ConfigError(
        'K8S_SERVICEACCOUNT_DIR',
        'is set but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not',
        'set both (a pod has them) or unset it',
      );
    return undefined;
  }
  const dir = explicitDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  // A pod without a mounted token (automountServiceAccountToken: false) is not configured for this suite.
  if (!explicitDir && !existsSync(tokenFile)) return undefined;
  const variable = explicitDir ? 'K8S_SERVICEACCOUNT_DIR' : 'KUBERNETES_SERVICE_HOST';
  const token = readFileSetting(variable, tokenFile).trim();
  if (!token) throw new ConfigError(variable, `${tokenFile} is empty`, 'mount a ServiceAccount token');
  if (!/^\d+$/.test(port)) throw new ConfigError('KUBERNETES_SERVICE_PORT', `"${port}" is not a port`, 'use the port of the kubernetes Service');
  const ns = namespace ?? (existsSync(join(dir, 'namespace')) ? readFileSetting(variable, join(dir, 'namespace')).trim() : undefined);
  if (!ns) throw new ConfigError('K8S_NAMESPACE', `is not set and ${join(dir, 'namespace')} is missing`, "set K8S_NAMESPACE to the pod's namespace");
  registerSecret(token);
  // IPv6 service addresses need brackets in a URL (client-go: net.JoinHostPort).
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    token,
    ca: readFileSetting(variable, join(dir, 'ca.crt')),
    insecureSkipTlsVerify: false,
    namespace: ns,
    origin: `in-cluster ServiceAccount (${dir})`,
  };
}
