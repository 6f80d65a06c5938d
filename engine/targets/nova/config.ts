import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Env, get, getBool, getUrl } from '../../config/env.ts';
import { registerSecret } from '../../config/secrets.ts';
import { ConfigError } from '../../errors.ts';
import { parseYaml } from '../../yaml.ts';

export type OsAuthType = 'password' | 'token' | 'none';

/** One set of OpenStack credentials (the main one or the alternate project's). */
export interface OsCredentials {
  authType: OsAuthType;
  authUrl?: string;
  username?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  userDomainName: string;
  projectDomainName: string;
  token?: string;
}

/** The variable prefix of a credential set: the main one, the second project's, the main project's reader. */
export type CredentialSet = 'OS' | 'OS_ALT' | 'OS_READER';

/** Where and how to reach a compute API. */
export interface NovaTargetConfig {
  credentials: OsCredentials;
  /** Another project's credentials, for the cross-project cases. */
  alt?: OsCredentials;
  /** A user with only the reader role on the main project, for the policy cases. */
  reader?: OsCredentials;
  regionName?: string;
  interface: 'public' | 'internal' | 'admin';
  ca?: string;
  insecure: boolean;
  /** Compute endpoint that skips the catalog lookup. */
  endpointOverride?: string;
  /** Highest microversion to test (`OS_COMPUTE_API_VERSION`). */
  apiVersionCap?: string;
  /** Existing servers to update (restored at the end). */
  serverIds: string[];
  /** Another project's server ids (for the cross-project cases without creation). */
  altServerIds: string[];
  /** A server of the main project that is already SHUTOFF: the stop setup uses it instead of stopping one. */
  shutoffServerId?: string;
  /** How long a server action of a case's setup (os-stop, and os-start undoing it) may take (NOVA_ACTION_WAIT_SECONDS, default 60 s). */
  actionWaitMs: number;
  /** Server creation instead of `serverIds`. */
  create?: { imageRef: string; flavorRef: string; networks: string };
  origin: string;
}

const CLOUD_FILE_DIRS = () => [process.cwd(), join(homedir(), '.config', 'openstack'), '/etc/openstack'];

function readYaml(variable: string, path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(variable, `cannot read ${path} (${(err as NodeJS.ErrnoException).code})`, 'check the path and its permissions');
  }
  try {
    return (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(variable, `${path} is not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix the file');
  }
}

function findCloudFile(env: Env, name: 'clouds' | 'secure'): string | undefined {
  const explicit = get(env, name === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE');
  if (explicit) return explicit;
  for (const dir of CLOUD_FILE_DIRS()) {
    for (const ext of ['yaml', 'yml']) {
      const p = join(dir, `${name}.${ext}`);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = prev && v && typeof prev === 'object' && typeof v === 'object' ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Loads one named cloud from clouds.yaml merged with secure.yaml. */
function loadCloud(env: Env, variable: string, cloudName: string): Record<string, unknown> {
  const cloudsPath = findCloudFile(env, 'clouds');
  if (!cloudsPath)
    throw new ConfigError(
      variable,
      `cloud "${cloudName}" requested but no clouds.yaml was found`,
      'set OS_CLIENT_CONFIG_FILE or put clouds.yaml in ~/.config/openstack',
    );
  const clouds = (readYaml('OS_CLIENT_CONFIG_FILE', cloudsPath).clouds ?? {}) as Record<string, Record<string, unknown>>;
  const cloud = clouds[cloudName];
  if (!cloud) {
    const names = Object.keys(clouds).join(', ') || 'none';
    throw new ConfigError(variable, `no cloud "${cloudName}" in ${cloudsPath}`, `use one of: ${names}`);
  }
  const securePath = findCloudFile(env, 'secure') ?? join(dirname(cloudsPath), 'secure.yaml');
  const secure = existsSync(securePath) ? ((readYaml('OS_CLIENT_SECURE_FILE', securePath).clouds ?? {}) as Record<string, Record<string, unknown>>) : {};
  return deepMerge(cloud, secure[cloudName] ?? {});
}

function credentialsFromCloud(variable: string, cloud: Record<string, unknown>): OsCredentials {
  const auth = (cloud.auth ?? {}) as Record<string, string | undefined>;
  const authType = normalizeAuthType(variable, (cloud.auth_type as string | undefined) ?? (auth.token && !auth.password ? 'token' : 'password'));
  return checkCredentials(variable, {
    authType,
    authUrl: auth.auth_url?.replace(/\/+$/, ''),
    username: auth.username,
    password: auth.password,
    projectName: auth.project_name,
    projectId: auth.project_id,
    userDomainName: auth.user_domain_name ?? auth.domain_name ?? 'Default',
    projectDomainName: auth.project_domain_name ?? auth.domain_name ?? 'Default',
    token: auth.token,
  });
}

function normalizeAuthType(variable: string, value: string): OsAuthType {
  const v = value.toLowerCase();
  if (v === 'password' || v === 'v3password') return 'password';
  if (v === 'token' || v === 'v3token' || v === 'admin_token') return 'token';
  if (v === 'none' || v === 'noauth') return 'none';
  throw new ConfigError(variable, `auth type "${value}" is not supported`, 'use password, token or none');
}

function checkCredentials(variable: string, c: OsCredentials): OsCredentials {
  if (c.authType === 'password') {
    for (const [field, name] of [
      ['authUrl', 'OS_AUTH_URL'],
      ['username', 'OS_USERNAME'],
      ['password', 'OS_PASSWORD'],
    ] as const) {
      if (!c[field]) throw new ConfigError(variable === 'OS_CLOUD' ? 'OS_CLOUD' : name, `${name} is required for password auth`, `set ${name}`);
    }
    if (!c.projectName && !c.projectId)
      throw new ConfigError(
        variable === 'OS_CLOUD' ? 'OS_CLOUD' : 'OS_PROJECT_NAME',
        'no project to scope the token to',
        'set OS_PROJECT_NAME or OS_PROJECT_ID',
      );
    try {
      const u = new URL(c.authUrl ?? '');
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new ConfigError(
        variable === 'OS_CLOUD' ? 'OS_CLOUD' : 'OS_AUTH_URL',
        `"${c.authUrl}" is not a valid http(s) URL`,
        'use e.g. https://keystone:5000/v3',
      );
    }
  }
  if (c.authType === 'token' && !c.token) throw new ConfigError('OS_TOKEN', 'is required when OS_AUTH_TYPE=token', 'set OS_TOKEN');
  registerSecret(c.password);
  registerSecret(c.token);
  return c;
}

function credentialsFromEnv(env: Env, prefix: `${CredentialSet}_`): OsCredentials {
  const v = (name: string) => get(env, `${prefix}${name}`) ?? (prefix !== 'OS_' ? get(env, `OS_${name}`) : undefined);
  const authType = normalizeAuthType(`${prefix}AUTH_TYPE`, get(env, `${prefix}AUTH_TYPE`) ?? get(env, 'OS_AUTH_TYPE') ?? 'password');
  return checkCredentials(`${prefix}USERNAME`, {
    authType,
    authUrl: (prefix === 'OS_' ? getUrl(env, 'OS_AUTH_URL') : (getUrl(env, `${prefix}AUTH_URL`) ?? getUrl(env, 'OS_AUTH_URL'))) ?? undefined,
    username: get(env, `${prefix}USERNAME`),
    password: get(env, `${prefix}PASSWORD`),
    projectName: get(env, `${prefix}PROJECT_NAME`),
    projectId: get(env, `${prefix}PROJECT_ID`),
    userDomainName: v('USER_DOMAIN_NAME') ?? 'Default',
    projectDomainName: v('PROJECT_DOMAIN_NAME') ?? 'Default',
    token: get(env, `${prefix}TOKEN`),
  });
}

function idList(env: Env, name: string): string[] {
  const raw = get(env, name);
  if (!raw) return [];
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of ids) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new ConfigError(name, `"${id}" is not a server id`, 'give comma-separated server UUIDs');
  }
  return ids;
}

/** Reads OS_CLOUD / OS_* settings; undefined when no compute target is configured. */
export function loadNovaConfig(env: Env): NovaTargetConfig | undefined {
  const cloudName = get(env, 'OS_CLOUD');
  const hasEnvTarget = ['OS_AUTH_URL', 'OS_COMPUTE_ENDPOINT_OVERRIDE', 'OS_AUTH_TYPE'].some((n) => get(env, n));
  if (!cloudName && !hasEnvTarget) {
    for (const n of ['NOVA_SERVER_IDS', 'OS_USERNAME', 'OS_PASSWORD', 'OS_TOKEN']) {
      if (get(env, n)) throw new ConfigError(n, 'is set but no compute target is', 'set OS_CLOUD, OS_AUTH_URL or OS_COMPUTE_ENDPOINT_OVERRIDE too');
    }
    return undefined;
  }
  let credentials: OsCredentials;
  let alt: OsCredentials | undefined;
  let cloud: Record<string, unknown> = {};
  if (cloudName) {
    if (get(env, 'OS_AUTH_URL')) throw new ConfigError('OS_AUTH_URL', 'is set together with OS_CLOUD', 'use one of them, not both');
    cloud = loadCloud(env, 'OS_CLOUD', cloudName);
    credentials = credentialsFromCloud('OS_CLOUD', cloud);
    const altCloud = get(env, 'OS_ALT_CLOUD');
    if (altCloud) alt = credentialsFromCloud('OS_ALT_CLOUD', loadCloud(env, 'OS_ALT_CLOUD', altCloud));
  } else {
    credentials = credentialsFromEnv(env, 'OS_');
  }
  if (!alt && (get(env, 'OS_ALT_USERNAME') || get(env, 'OS_ALT_TOKEN'))) {
    alt = credentialsFromEnv(env, 'OS_ALT_');
    if (alt.authType === 'password' && !alt.username) throw new ConfigError('OS_ALT_USERNAME', 'is required with OS_ALT_PASSWORD', 'set OS_ALT_USERNAME');
  }
  const readerCloud = get(env, 'OS_READER_CLOUD');
  let reader: OsCredentials | undefined;
  if (readerCloud) reader = credentialsFromCloud('OS_READER_CLOUD', loadCloud(env, 'OS_READER_CLOUD', readerCloud));
  else if (get(env, 'OS_READER_USERNAME') || get(env, 'OS_READER_TOKEN')) reader = credentialsFromEnv(env, 'OS_READER_');
  if (credentials.authType === 'none' && credentials.token === undefined && get(env, 'OS_TOKEN')) credentials.token = get(env, 'OS_TOKEN');
  const endpointOverride = getUrl(env, 'OS_COMPUTE_ENDPOINT_OVERRIDE') ?? (cloud.compute_endpoint_override as string | undefined);
  if (credentials.authType !== 'password' && !endpointOverride) {
    throw new ConfigError(
      'OS_COMPUTE_ENDPOINT_OVERRIDE',
      `is required with auth type ${credentials.authType} (there is no catalog)`,
      'set it to the compute endpoint, e.g. http://nova:8774/v2.1',
    );
  }
  const iface = (get(env, 'OS_INTERFACE') ?? (cloud.interface as string | undefined) ?? 'public').replace(/URL$/, '');
  if (iface !== 'public' && iface !== 'internal' && iface !== 'admin') {
    throw new ConfigError('OS_INTERFACE', `"${iface}" is not an endpoint interface`, 'use public, internal or admin');
  }
  const cap = get(env, 'OS_COMPUTE_API_VERSION');
  if (cap && !/^2\.(0|[1-9]\d*)$|^latest$/.test(cap)) {
    throw new ConfigError('OS_COMPUTE_API_VERSION', `"${cap}" is not a compute microversion`, 'use a value like 2.93 or latest');
  }
  const cacertPath = get(env, 'OS_CACERT') ?? (cloud.cacert as string | undefined);
  const insecure = getBool(env, 'OS_INSECURE') || cloud.verify === false;
  if (cacertPath && insecure) throw new ConfigError('OS_INSECURE', 'is set together with OS_CACERT', 'trust the CA or skip verification, not both');
  let ca: string | undefined;
  if (cacertPath) {
    try {
      ca = readFileSync(cacertPath, 'utf8');
    } catch (err) {
      throw new ConfigError('OS_CACERT', `cannot read ${cacertPath} (${(err as NodeJS.ErrnoException).code})`, 'check the path');
    }
  }
  const serverIds = idList(env, 'NOVA_SERVER_IDS');
  const imageRef = get(env, 'NOVA_IMAGE_REF');
  const flavorRef = get(env, 'NOVA_FLAVOR_REF');
  if (serverIds.length > 0 && (imageRef || flavorRef)) {
    throw new ConfigError(
      'NOVA_SERVER_IDS',
      'is set together with NOVA_IMAGE_REF/NOVA_FLAVOR_REF',
      'either update existing servers or create new ones, not both',
    );
  }
  if (Boolean(imageRef) !== Boolean(flavorRef)) {
    throw new ConfigError(imageRef ? 'NOVA_FLAVOR_REF' : 'NOVA_IMAGE_REF', 'is missing', 'server creation needs both NOVA_IMAGE_REF and NOVA_FLAVOR_REF');
  }
  if (serverIds.length === 0 && !imageRef) {
    throw new ConfigError(
      'NOVA_SERVER_IDS',
      'no servers to update',
      'set NOVA_SERVER_IDS to existing server ids, or NOVA_IMAGE_REF and NOVA_FLAVOR_REF to create them',
    );
  }
  const networks = get(env, 'NOVA_NETWORKS') ?? 'none';
  const wait = get(env, 'NOVA_ACTION_WAIT_SECONDS') ?? '60';
  if (!/^\d+$/.test(wait) || Number(wait) < 1 || Number(wait) > 3600)
    throw new ConfigError('NOVA_ACTION_WAIT_SECONDS', `"${wait}" is not a number of seconds from 1 to 3600`, 'give whole seconds, e.g. 60');
  return {
    credentials,
    alt,
    reader,
    regionName: get(env, 'OS_REGION_NAME') ?? (cloud.region_name as string | undefined),
    interface: iface,
    ca,
    insecure,
    endpointOverride,
    apiVersionCap: cap === 'latest' ? undefined : cap,
    serverIds,
    altServerIds: idList(env, 'NOVA_ALT_SERVER_IDS'),
    shutoffServerId: idList(env, 'NOVA_SHUTOFF_SERVER_ID')[0],
    actionWaitMs: Number(wait) * 1000,
    create: imageRef && flavorRef ? { imageRef, flavorRef, networks } : undefined,
    origin: cloudName ? `OS_CLOUD ${cloudName}` : 'OS_* variables',
  };
}
