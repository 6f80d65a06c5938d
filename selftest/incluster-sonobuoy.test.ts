/**
 * In-cluster configuration and the Sonobuoy plugin mode, against the Kubernetes reference backend behind TLS
 * (the fault proxy with a CA made here): the ServiceAccount mount (token, ca.crt, namespace) and
 * KUBERNETES_SERVICE_HOST/_PORT configure the run; SONOBUOY_RESULTS_DIR makes it write sonobuoy_results.yaml in
 * Sonobuoy's item format (one item per variant, failures with their lines and the redacted update exchange),
 * the usual reports and then `done`; SONOBUOY_PROGRESS_PORT gets one progress update per variant.
 * The same against the real kube-apiserver with a namespaced Role: .ci/k8s-incluster.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../backends/fault-proxy/index.ts';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { loadConfig } from '../engine/config/index.ts';
import { ConfigError } from '../engine/errors.ts';
import { type K8sTargetConfig, SERVICE_ACCOUNT_DIR } from '../engine/targets/k8s/config.ts';
import { type Loopback, loopback } from './support/loopback.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';
import { checkSonobuoyResults } from './support/sonobuoy.ts';

const TOKEN = 'incluster-sa-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'uc-incluster-'));
const saDir = join(dir, 'serviceaccount');
let k8s: K8sReference;
let tls: FaultProxy;
let progress: Loopback;
const posts: Record<string, unknown>[] = [];

beforeAll(async () => {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=update-conformance in-cluster test CA');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  k8s = await startK8sReference({ token: TOKEN });
  tls = await startFaultProxy({
    upstream: k8s.url,
    tls: { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') },
    maxRequests: 20_000,
    lifetimeMs: 300_000,
  });
  mkdirSync(saDir);
  // What the kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount (the token file has a trailing newline here).
  writeFileSync(join(saDir, 'token'), `${TOKEN}\n`);
  writeFileSync(join(saDir, 'ca.crt'), readFileSync(join(dir, 'ca.pem')));
  writeFileSync(join(saDir, 'namespace'), 'default');
  progress = await loopback((req, res, body) => {
    if (req.method === 'POST' && req.url === '/progress') posts.push(JSON.parse(body) as Record<string, unknown>);
    res.end();
  });
});

afterAll(async () => {
  await progress?.close();
  await tls?.close();
  await k8s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const inCluster = () => ({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(tls.url).port, K8S_SERVICEACCOUNT_DIR: saDir });

describe('in-cluster configuration', () => {
  test('the ServiceAccount mount and the service address configure the target; the namespace is the pod’s', () => {
    const k8sCfg = loadConfig({ ...inCluster(), CONFORMANCE_RUN_ID: 'incl1' }).targets.k8s as K8sTargetConfig;
    expect(k8sCfg).toMatchObject({ server: tls.url, token: TOKEN, namespace: 'default', insecureSkipTlsVerify: false });
    expect(k8sCfg.ca).toContain('BEGIN CERTIFICATE');
    expect(k8sCfg.origin).toBe(`in-cluster ServiceAccount (${saDir})`);
    expect((loadConfig({ ...inCluster(), K8S_NAMESPACE: 'mine' }).targets.k8s as K8sTargetConfig).namespace).toBe('mine');
  });

  test('explicit settings and KUBECONFIG win over the in-cluster ones, as in client libraries', () => {
    const explicit = loadConfig({ ...inCluster(), K8S_SERVER: 'https://elsewhere.test:6443', K8S_TOKEN: 'other' }).targets.k8s as K8sTargetConfig;
    expect(explicit).toMatchObject({ server: 'https://elsewhere.test:6443', token: 'other' });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://kc.test\nusers:\n- name: u\n  user:\n    token: kc\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n',
    );
    expect((loadConfig({ ...inCluster(), KUBECONFIG: kubeconfig }).targets.k8s as K8sTargetConfig).server).toBe('https://kc.test');
  });

  test('not in a pod, or no token mounted: no Kubernetes target; a broken mount is a configuration error', () => {
    // (On a machine that is itself a pod with a mounted token, that token configures the target.)
    const mounted = existsSync(join(SERVICE_ACCOUNT_DIR, 'token'));
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }).targets.k8s === undefined).toBe(!mounted);
    expect(() => loadConfig({ K8S_SERVICEACCOUNT_DIR: saDir })).toThrow(ConfigError);
    expect(() => loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', K8S_SERVICEACCOUNT_DIR: join(dir, 'nowhere') })).toThrow(
      /K8S_SERVICEACCOUNT_DIR: cannot read .*token/,
    );
    const v6 = loadConfig({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443', K8S_SERVICEACCOUNT_DIR: saDir }).targets.k8s as K8sTargetConfig;
    expect(v6.server).toBe('https://[fd00::1]:443');
    expect(() => loadConfig({ SONOBUOY_RESULTS_DIR: dir, CONFORMANCE_REPORT_DIR: dir })).toThrow(
      /CONFORMANCE_REPORT_DIR: is set together with SONOBUOY_RESULTS_DIR/,
    );
  });
});

describe('as a Sonobuoy plugin', () => {
  test('results file in the item format, reports, `done` last, progress per variant; failures carry their lines and the exchange', async () => {
    const results = reportDir('sonobuoy-plugin');
    mkdirSync(results, { recursive: true });
    // A backend that ignores label changes: the allowed label cases fail, the rest pass.
    k8s.setFaults(['drop-allowed-change']);
    posts.length = 0;
    let run: Awaited<ReturnType<typeof runMain>>;
    try {
      run = await runMain(['run', '--case', 'k8s.pods.patch.labels-*,k8s.pods.patch.label-bad-key'], {
        ...inCluster(),
        SONOBUOY_RESULTS_DIR: results,
        SONOBUOY_PROGRESS_PORT: new URL(progress.url).port,
      });
    } finally {
      k8s.setFaults([]);
    }
    const reports = join(results, 'update-conformance');
    expect(run.code, run.out.join('\n')).toBe(1);
    const report = readReport(reports);
    for (const f of ['results.json', 'summary.md', 'report.html', 'junit.xml', 'verdict.json', 'sonobuoy_results.yaml'])
      expect(existsSync(join(reports, f)), f).toBe(true);
    expect(readFileSync(join(results, 'done'), 'utf8')).toBe(reports);

    const { tree, violations, leaves } = checkSonobuoyResults(join(reports, 'sonobuoy_results.yaml'));
    expect(violations).toEqual([]);
    expect(tree).toMatchObject({ name: 'update-conformance', status: 'failed', details: { verdict: 'non-conformant' } });
    expect(tree.items?.map((s) => [s.name, s.status])).toEqual([['k8s.pods.patch', 'failed']]);
    expect(leaves.map((l) => l.name).sort()).toEqual(report.results.map((r) => r.id).sort());
    const failed = report.results.filter((r) => r.verdict === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of report.results) {
      const item = leaves.find((l) => l.name === r.id);
      expect(item?.status).toBe({ pass: 'passed', fail: 'failed', error: 'failed', skip: 'skipped' }[r.verdict]);
      if (r.verdict === 'fail') {
        expect(item?.details?.failure).toContain(`[${r.failures[0]?.check}]`);
        expect(item?.details?.exchange).toMatch(/^PATCH https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/pods\/uc-/);
        expect(item?.details?.exchange).toContain('authorization: Bearer ***');
      }
    }
    expect(readFileSync(join(reports, 'sonobuoy_results.yaml'), 'utf8')).not.toContain(TOKEN);

    // One update before the first variant, one per variant, one with the verdict; failures accumulate.
    const n = report.results.length;
    expect(posts.length).toBe(n + 2);
    expect(posts.map((p) => p.completed)).toEqual([0, ...Array.from({ length: n }, (_, i) => i + 1), n]);
    expect(posts.every((p) => p.total === n && p.name === 'update-conformance' && p.node === 'global')).toBe(true);
    expect(posts.at(-1)?.msg).toMatch(/^partial: \d+ of \d+ variants .* — non-conformant/);
    expect(new Set(posts.at(-1)?.failures as string[])).toEqual(new Set(failed.map((r) => r.id)));
  });

  test('a worker that does not answer progress updates never fails or slows the run', async () => {
    const results = reportDir('sonobuoy-no-worker');
    mkdirSync(results, { recursive: true });
    const dead = await loopback(() => {});
    const port = new URL(dead.url).port;
    await dead.close();
    const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-add'], { ...inCluster(), SONOBUOY_RESULTS_DIR: results, SONOBUOY_PROGRESS_PORT: port });
    expect(run.code, run.out.join('\n')).toBe(0);
    expect(run.out.some((l) => l.startsWith(`sonobuoy: progress updates to localhost:${port} stopped`))).toBe(true);
    expect(existsSync(join(results, 'done'))).toBe(true);
  });
});
