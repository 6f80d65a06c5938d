/**
 * Bad configuration: each entry exits 2 before any update request, with one line that names the setting and
 * the fix. Entries that need a peer use loopback servers (an HTML page, the reference backends).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { main } from '../cli/main.ts';
import { type Loopback, loopback } from './support/loopback.ts';

const dir = mkdtempSync(join(tmpdir(), 'uc-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const kubeconfig = file(
  'kubeconfig',
  'apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: abcdefgh}}]\n',
);
const clouds = file('clouds.yaml', 'clouds:\n  lab:\n    auth: {auth_url: "http://127.0.0.1:1/v3", username: u, password: pw123456, project_name: p}\n');
const SETTING_PREFIXES = /^(K8S_|OS_|NOVA_|KUBECONFIG|CONFORMANCE_)/;

let html: Loopback;
let k8s: K8sReference;
let nova: NovaReference;

beforeAll(async () => {
  html = await loopback((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'));
  k8s = await startK8sReference({ token: 'the-right-token' });
  nova = await startNovaReference({});
});
afterAll(async () => {
  await html.close();
  await k8s.close();
  await nova.close();
});

type Row = [name: string, env: () => Record<string, string>, variable: string];
const k8sOk = () => ({ K8S_SERVER: k8s.url, K8S_TOKEN: 'the-right-token' });
const ROWS: Row[] = [
  ['malformed K8S_SERVER', () => ({ K8S_SERVER: 'not a url', K8S_TOKEN: 'x' }), 'K8S_SERVER'],
  ['K8S_SERVER with another scheme', () => ({ K8S_SERVER: 'ftp://host', K8S_TOKEN: 'x' }), 'K8S_SERVER'],
  ['K8S_SERVER with credentials in it', () => ({ K8S_SERVER: 'https://u:p@host', K8S_TOKEN: 'x' }), 'K8S_SERVER'],
  ['K8S_SERVER without credentials', () => ({ K8S_SERVER: 'https://127.0.0.1:6443' }), 'K8S_TOKEN'],
  ['K8S_TOKEN without a server', () => ({ K8S_TOKEN: 'abcdefgh' }), 'K8S_TOKEN'],
  ['client certificate without key', () => ({ K8S_SERVER: 'https://h', K8S_CLIENT_CERT: '/x.crt' }), 'K8S_CLIENT_KEY'],
  ['token and client certificate', () => ({ K8S_SERVER: 'https://h', K8S_TOKEN: 't', K8S_CLIENT_CERT: '/a', K8S_CLIENT_KEY: '/b' }), 'K8S_TOKEN'],
  ['unreadable K8S_CA_FILE', () => ({ K8S_SERVER: 'https://h', K8S_TOKEN: 't', K8S_CA_FILE: join(dir, 'missing.crt') }), 'K8S_CA_FILE'],
  [
    'CA file and insecure together',
    () => ({ K8S_SERVER: 'https://h', K8S_TOKEN: 't', K8S_CA_FILE: kubeconfig, K8S_INSECURE_SKIP_TLS_VERIFY: 'true' }),
    'K8S_INSECURE_SKIP_TLS_VERIFY',
  ],
  ['insecure switch not a boolean', () => ({ K8S_SERVER: 'https://h', K8S_TOKEN: 't', K8S_INSECURE_SKIP_TLS_VERIFY: 'maybe' }), 'K8S_INSECURE_SKIP_TLS_VERIFY'],
  ['invalid namespace name', () => ({ ...k8sOk(), K8S_NAMESPACE: 'Bad_NS' }), 'K8S_NAMESPACE'],
  ['namespace that does not exist', () => ({ ...k8sOk(), K8S_NAMESPACE: 'nope' }), 'K8S_NAMESPACE'],
  ['missing KUBECONFIG file', () => ({ KUBECONFIG: join(dir, 'nope') }), 'KUBECONFIG'],
  ['KUBECONFIG not YAML', () => ({ KUBECONFIG: file('bad.yaml', 'a: [unclosed') }), 'KUBECONFIG'],
  ['unknown K8S_CONTEXT', () => ({ KUBECONFIG: kubeconfig, K8S_CONTEXT: 'other' }), 'K8S_CONTEXT'],
  ['KUBECONFIG and K8S_SERVER together', () => ({ KUBECONFIG: kubeconfig, K8S_SERVER: 'https://h' }), 'K8S_SERVER'],
  ['unreachable K8S_SERVER', () => ({ K8S_SERVER: 'http://127.0.0.1:1', K8S_TOKEN: 'abcdefgh' }), 'K8S_SERVER'],
  ['target that answers HTML', () => ({ K8S_SERVER: html.url, K8S_TOKEN: 'abcdefgh' }), 'K8S_SERVER'],
  ['wrong K8S_TOKEN', () => ({ K8S_SERVER: k8s.url, K8S_TOKEN: 'the-wrong-token' }), 'K8S_TOKEN'],
  ['a compute API given as K8S_SERVER (wrong kind)', () => ({ K8S_SERVER: nova.url, K8S_TOKEN: 'abcdefgh' }), 'K8S_SERVER'],
  ['unknown suite', () => ({ CONFORMANCE_SUITES: 'k8s,glance' }), 'CONFORMANCE_SUITES'],
  ['concurrency zero', () => ({ CONFORMANCE_CONCURRENCY: '0' }), 'CONFORMANCE_CONCURRENCY'],
  ['concurrency not a number', () => ({ CONFORMANCE_CONCURRENCY: 'many' }), 'CONFORMANCE_CONCURRENCY'],
  ['negative timeout', () => ({ CONFORMANCE_TIMEOUT_MS: '-5' }), 'CONFORMANCE_TIMEOUT_MS'],
  ['bad run id', () => ({ CONFORMANCE_RUN_ID: 'RUN!' }), 'CONFORMANCE_RUN_ID'],
  ['missing env file', () => ({ CONFORMANCE_ENV_FILE: join(dir, 'none.env') }), 'CONFORMANCE_ENV_FILE'],
  ['unknown OS_AUTH_TYPE', () => ({ OS_AUTH_TYPE: 'kerberos', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1' }), 'OS_AUTH_TYPE'],
  ['password auth without OS_USERNAME', () => ({ OS_AUTH_URL: 'http://h/v3', OS_PASSWORD: 'pw123456', NOVA_SERVER_IDS: 'a' }), 'OS_USERNAME'],
  [
    'password auth without a project',
    () => ({ OS_AUTH_URL: 'http://h/v3', OS_USERNAME: 'u', OS_PASSWORD: 'pw123456', NOVA_SERVER_IDS: 'a' }),
    'OS_PROJECT_NAME',
  ],
  ['token auth without OS_TOKEN', () => ({ OS_AUTH_TYPE: 'token', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1', NOVA_SERVER_IDS: 'a' }), 'OS_TOKEN'],
  ['noauth without an endpoint', () => ({ OS_AUTH_TYPE: 'none', NOVA_SERVER_IDS: 'a' }), 'OS_COMPUTE_ENDPOINT_OVERRIDE'],
  ['OS_CLOUD not in clouds.yaml', () => ({ OS_CLOUD: 'prod', OS_CLIENT_CONFIG_FILE: clouds, NOVA_SERVER_IDS: 'a' }), 'OS_CLOUD'],
  ['OS_CLOUD and OS_AUTH_URL together', () => ({ OS_CLOUD: 'lab', OS_CLIENT_CONFIG_FILE: clouds, OS_AUTH_URL: 'http://h/v3' }), 'OS_AUTH_URL'],
  [
    'bad OS_COMPUTE_API_VERSION',
    () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1', OS_COMPUTE_API_VERSION: '3.x', NOVA_SERVER_IDS: 'a' }),
    'OS_COMPUTE_API_VERSION',
  ],
  [
    'bad OS_INTERFACE',
    () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1', OS_INTERFACE: 'private', NOVA_SERVER_IDS: 'a' }),
    'OS_INTERFACE',
  ],
  ['malformed server id', () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1', NOVA_SERVER_IDS: 'a b' }), 'NOVA_SERVER_IDS'],
  [
    'server ids and server creation together',
    () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1', NOVA_SERVER_IDS: 'a', NOVA_IMAGE_REF: 'i', NOVA_FLAVOR_REF: 'f' }),
    'NOVA_SERVER_IDS',
  ],
  ['no servers to update', () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: 'http://h/v2.1' }), 'NOVA_SERVER_IDS'],
  ['unreachable Keystone', () => ({ OS_CLOUD: 'lab', OS_CLIENT_CONFIG_FILE: clouds, NOVA_SERVER_IDS: 'a' }), 'OS_AUTH_URL'],
  [
    'wrong password',
    () => ({
      OS_AUTH_URL: nova.identityUrl,
      OS_USERNAME: nova.users.memberA.username,
      OS_PASSWORD: 'wrong-password',
      OS_PROJECT_NAME: nova.users.memberA.project,
      NOVA_SERVER_IDS: 'a',
    }),
    'OS_USERNAME',
  ],
  [
    'a Kubernetes API given as the compute endpoint (wrong kind)',
    () => ({ OS_AUTH_TYPE: 'none', OS_COMPUTE_ENDPOINT_OVERRIDE: k8s.url, NOVA_SERVER_IDS: 'a' }),
    'OS_COMPUTE_ENDPOINT_OVERRIDE',
  ],
];

describe('bad configuration exits 2 before any update, naming the setting', () => {
  test(`the table has at least 25 entries (${ROWS.length})`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
  });
  test.for(ROWS)('%s', async ([, env, variable]) => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (SETTING_PREFIXES.test(k)) delete process.env[k];
    Object.assign(process.env, env(), { CONFORMANCE_REPORT_DIR: join(dir, 'reports') });
    const out: string[] = [];
    const err: string[] = [];
    const updatesBefore = k8s.podCount();
    try {
      const code = await main(['run'], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect({ code, err }).toMatchObject({ code: 2, err: [expect.stringContaining(`configuration error: ${variable}`)] });
      expect(err).toHaveLength(1);
      expect(err[0], 'names the fix after a dash').toMatch(/ — \S/);
      expect(k8s.podCount()).toBe(updatesBefore);
    } finally {
      process.env = saved;
    }
  });
});
