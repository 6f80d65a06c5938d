/**
 * TLS: certificate verification is on by default. Against an HTTPS endpoint on 127.0.0.1 (the fault proxy
 * serving a certificate of a CA made here with openssl, in front of the reference backends): without the CA
 * the run stops before any update, exit 2, with one line naming K8S_CA_FILE (OS_CACERT for compute); with the
 * CA it passes; with verification switched off it passes, says so on the console and flags it in the reports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../backends/fault-proxy/index.ts';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { counts, readReport, reportDir, runMain } from './support/run-cli.ts';

const K8S_TOKEN = 'tls-k8s-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'uc-tls-'));
const path = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
}

/** A CA and a certificate it signs, for `san` (e.g. IP:127.0.0.1), in `dir`. */
function makePki(prefix: string, san: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', `${prefix}ca.key`, '-out', `${prefix}ca.pem`, '-days', '2', '-subj', `/CN=update-conformance ${prefix}test CA`);
  openssl('req', ...ec, '-keyout', `${prefix}server.key`, '-out', `${prefix}server.csr`, '-subj', '/CN=127.0.0.1');
  writeFileSync(
    path(`${prefix}ext.cnf`),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${prefix}server.csr`,
    '-CA',
    `${prefix}ca.pem`,
    '-CAkey',
    `${prefix}ca.key`,
    '-CAcreateserial',
    '-out',
    `${prefix}server.pem`,
    '-days',
    '2',
    '-extfile',
    `${prefix}ext.cnf`,
  );
}

let k8s: K8sReference;
let nova: NovaReference;
let k8sTls: FaultProxy;
let novaTls: FaultProxy;
let wrongHost: FaultProxy;

beforeAll(async () => {
  makePki('', 'IP:127.0.0.1');
  makePki('other-', 'IP:127.0.0.1');
  makePki('host-', 'DNS:api.example.test');
  const tls = (prefix: string) => ({ key: readFileSync(path(`${prefix}server.key`), 'utf8'), cert: readFileSync(path(`${prefix}server.pem`), 'utf8') });
  k8s = await startK8sReference({ token: K8S_TOKEN });
  nova = await startNovaReference({});
  const bounded = { maxRequests: 20_000, lifetimeMs: 300_000 };
  k8sTls = await startFaultProxy({ upstream: k8s.url, tls: tls(''), ...bounded });
  novaTls = await startFaultProxy({ upstream: new URL(nova.url).origin, tls: tls(''), ...bounded });
  // Signed by the same CA but for another name: verification must fail on the name.
  wrongHost = await startFaultProxy({ upstream: k8s.url, tls: { ...tls('host-') }, ...bounded });
});

afterAll(async () => {
  await k8sTls?.close();
  await novaTls?.close();
  await wrongHost?.close();
  await k8s?.close();
  await nova?.close();
  rmSync(dir, { recursive: true, force: true });
});

const k8sEnv = (server: string, extra: Record<string, string>, report: string) => ({
  K8S_SERVER: server,
  K8S_TOKEN,
  CONFORMANCE_REPORT_DIR: reportDir(`tls/${report}`),
  ...extra,
});

const novaEnv = (extra: Record<string, string>, report: string) => {
  const u = nova.users;
  return {
    OS_AUTH_URL: `${novaTls.url}/identity/v3`,
    OS_USERNAME: u.memberA.username,
    OS_PASSWORD: u.memberA.password,
    OS_PROJECT_NAME: u.memberA.project,
    OS_COMPUTE_ENDPOINT_OVERRIDE: `${novaTls.url}/v2.1`,
    NOVA_SERVER_IDS: nova.serverIds.a.join(','),
    CONFORMANCE_REPORT_DIR: reportDir(`tls/${report}`),
    ...extra,
  };
};

const K8S_CASES = ['run', '--case', 'k8s.pods.patch.labels-add,k8s.pods.patch.label-bad-key@merge-patch'];
const NOVA_CASES = ['run', '--case', 'nova.servers.update.rename@2.93,nova.servers.update.name-empty@2.93'];

describe('Kubernetes over HTTPS', () => {
  test('verification is on by default: an unknown CA stops the run (exit 2), one line naming K8S_CA_FILE, nothing updated', async () => {
    const pods = k8s.podCount();
    const before = k8sTls.requests;
    const run = await runMain(K8S_CASES, k8sEnv(k8sTls.url, {}, 'k8s-no-ca'));
    expect(run.code, run.out.join('\n')).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^configuration error: K8S_CA_FILE: the certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted .* — set K8S_CA_FILE/);
    // The handshake failed: no request reached the backend through the proxy.
    expect(k8sTls.requests).toBe(before);
    expect(k8s.podCount()).toBe(pods);
  });

  test('a CA that did not sign the certificate is refused the same way', async () => {
    const run = await runMain(K8S_CASES, k8sEnv(k8sTls.url, { K8S_CA_FILE: path('other-ca.pem') }, 'k8s-wrong-ca'));
    expect(run.code).toBe(2);
    expect(run.err).toEqual([expect.stringMatching(/^configuration error: K8S_CA_FILE: /)]);
  });

  test('a certificate for another host name is refused (exit 2, one line)', async () => {
    const run = await runMain(K8S_CASES, k8sEnv(wrongHost.url, { K8S_CA_FILE: path('host-ca.pem') }, 'k8s-wrong-host'));
    expect(run.code).toBe(2);
    expect(run.err).toHaveLength(1);
    // Today it names K8S_CA_FILE; naming K8S_SERVER (the host the certificate is not for) would be more to the point.
    expect(run.err[0]).toMatch(/^configuration error: (K8S_CA_FILE|K8S_SERVER): .*(altnames|host name)/i);
  });

  test('with K8S_CA_FILE the run passes', async () => {
    const env = k8sEnv(k8sTls.url, { K8S_CA_FILE: path('ca.pem') }, 'k8s-ca');
    const run = await runMain(K8S_CASES, env);
    expect(run.code, [...run.out, ...run.err].join('\n')).toBe(0);
    expect(counts(readReport(env.CONFORMANCE_REPORT_DIR).results)).toMatchObject({ pass: 4, fail: 0, error: 0 });
    expect(run.out.join('\n')).not.toMatch(/WARNING/);
  });

  test('with K8S_INSECURE_SKIP_TLS_VERIFY=true it passes, warns on the console and flags the reports', async () => {
    const env = k8sEnv(k8sTls.url, { K8S_INSECURE_SKIP_TLS_VERIFY: 'true' }, 'k8s-insecure');
    const run = await runMain(K8S_CASES, env);
    expect(run.code, [...run.out, ...run.err].join('\n')).toBe(0);
    expect(run.out).toContain('WARNING: K8S_INSECURE_SKIP_TLS_VERIFY is on: the server certificate is NOT verified.');
    const report = env.CONFORMANCE_REPORT_DIR;
    expect(readReport(report).targets.find((t) => t.suite === 'k8s.pods.patch')?.insecure).toBe(true);
    expect(readFileSync(join(report, 'summary.md'), 'utf8')).toMatch(/k8s\.pods\.patch.*TLS verification disabled/);
    expect(readFileSync(join(report, 'report.html'), 'utf8')).toContain('TLS verification DISABLED');
  });
});

describe('OpenStack over HTTPS', () => {
  test('an unknown CA stops the run (exit 2), one line naming OS_CACERT', async () => {
    const run = await runMain(NOVA_CASES, novaEnv({}, 'nova-no-ca'));
    expect(run.code).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^configuration error: OS_CACERT: the certificate of https:\/\/127\.0\.0\.1:\d+.* is not trusted .* — set OS_CACERT/);
  });

  test('with OS_CACERT the run passes', async () => {
    const env = novaEnv({ OS_CACERT: path('ca.pem') }, 'nova-ca');
    const run = await runMain(NOVA_CASES, env);
    expect(run.code, [...run.out, ...run.err].join('\n')).toBe(0);
    expect(counts(readReport(env.CONFORMANCE_REPORT_DIR).results)).toMatchObject({ pass: 2, fail: 0, error: 0 });
  });

  test('with OS_INSECURE=true it passes, warns and flags the reports', async () => {
    const env = novaEnv({ OS_INSECURE: 'true' }, 'nova-insecure');
    const run = await runMain(NOVA_CASES, env);
    expect(run.code, [...run.out, ...run.err].join('\n')).toBe(0);
    expect(run.out).toContain('WARNING: OS_INSECURE is on: the server certificate is NOT verified.');
    expect(readFileSync(join(env.CONFORMANCE_REPORT_DIR, 'summary.md'), 'utf8')).toMatch(/nova\.servers\.update.*TLS verification disabled/);
    expect(readFileSync(join(env.CONFORMANCE_REPORT_DIR, 'report.html'), 'utf8')).toContain('TLS verification DISABLED');
  });
});
