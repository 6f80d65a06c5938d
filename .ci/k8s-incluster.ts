/**
 * The in-cluster / Sonobuoy self-test against the real kube-apiserver (backends/k8s-real, started by
 * .ci/stages/30-k8s-incluster.sh): as cluster admin it creates a namespace and applies deploy/sonobuoy/rbac.yaml
 * there (ServiceAccount, Role on pods, RoleBinding), gets the ServiceAccount a token (TokenRequest API) and mounts
 * it like a pod would (token, ca.crt, namespace in K8S_SERVICEACCOUNT_DIR); then, with only in-cluster settings:
 *   1. the ServiceAccount is no cluster-admin (SelfSubjectAccessReview: no namespaces, no pods elsewhere);
 *   2. `doctor` passes, and names the verb when the Role lacks one;
 *   3. the suite runs as a Sonobuoy plugin would (SONOBUOY_RESULTS_DIR, SONOBUOY_PROGRESS_PORT): the results
 *      file matches Sonobuoy's item format with one item per variant, `done` names the reports, progress arrived;
 *   4. with a ValidatingAdmissionPolicy that freezes labels, the label cases fail *attributed to the policy*.
 * Prints ✓/✗ per check; exit 1 if any failed. Reports under reports/real-k8s-incluster (counted by
 * .ci/summarize.mjs) and reports/k8s-incluster-* (evidence).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import type { RunReport } from '../reporters/model.ts';
import { checkSonobuoyResults } from '../selftest/support/sonobuoy.ts';

type Obj = Record<string, unknown>;
const ROOT = resolve(import.meta.dirname, '..');
const state = Object.fromEntries(
  readFileSync(join(ROOT, 'backends', '.state', 'k8s-real.env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
) as Record<string, string>;
const server = state.K8S_SERVER as string;
const ca = readFileSync(state.K8S_CA_FILE as string, 'utf8');
const dispatcher = new Agent({ connect: { ca } });
const NS = 'uc-incluster';
const SA = 'update-conformance';
let failed = 0;

function check(ok: boolean, label: string, detail = ''): void {
  if (!ok) failed++;
  console.log(`${ok ? '✓' : '✗'} ${label}${detail ? `: ${detail}` : ''}`);
}

async function api(method: string, path: string, body?: unknown, token = state.K8S_TOKEN as string): Promise<{ status: number; json: Obj }> {
  const res = await fetch(`${server}${path}`, {
    method,
    dispatcher,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Obj };
}

const PATHS: Record<string, (name: string) => string> = {
  ServiceAccount: () => `/api/v1/namespaces/${NS}/serviceaccounts`,
  Role: () => `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`,
  RoleBinding: () => `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`,
  ValidatingAdmissionPolicy: () => '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
  ValidatingAdmissionPolicyBinding: () => '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
};

/** Creates (or replaces) each object, as `kubectl apply -n NS` would. */
async function apply(docs: Obj[]): Promise<void> {
  for (const doc of docs) {
    const kind = doc.kind as string;
    const name = (doc.metadata as Obj).name as string;
    const base = PATHS[kind]?.(name);
    if (!base) throw new Error(`cannot apply kind ${kind}`);
    const created = await api('POST', base, doc);
    if (created.status === 409) {
      const current = await api('GET', `${base}/${name}`);
      const replaced = await api('PUT', `${base}/${name}`, {
        ...doc,
        metadata: { ...(doc.metadata as Obj), resourceVersion: (current.json.metadata as Obj).resourceVersion },
      });
      if (replaced.status !== 200) throw new Error(`replacing ${kind} ${name}: ${replaced.status} ${JSON.stringify(replaced.json)}`);
    } else if (created.status !== 201) throw new Error(`creating ${kind} ${name}: ${created.status} ${JSON.stringify(created.json)}`);
  }
}

/** The CLI as a child process (async: this process serves the progress receiver meanwhile). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(K8S_|OS_|NOVA_|KUBECONFIG|CONFORMANCE_|SONOBUOY_|KUBERNETES_)/.test(k)) clean[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', ...args], {
    cwd: ROOT,
    env: { ...clean, CONFORMANCE_ENV_FILE: join(ROOT, 'selftest', 'support', 'empty.env'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
  return new Promise((res) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, out });
    }),
  );
}

async function main(): Promise<void> {
  // ── as cluster admin: the namespace, the Role of deploy/sonobuoy/rbac.yaml, a token for its ServiceAccount
  const ns = await api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
  });
  if (ns.status !== 201 && ns.status !== 409) throw new Error(`creating namespace ${NS}: ${ns.status}`);
  const rbac = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'sonobuoy', 'rbac.yaml'), 'utf8')).map((d) => d.toJSON() as Obj);
  await apply(rbac);
  const tr = await api('POST', `/api/v1/namespaces/${NS}/serviceaccounts/${SA}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const token = (tr.json.status as Obj | undefined)?.token as string | undefined;
  check(tr.status === 201 && Boolean(token), 'TokenRequest for ServiceAccount update-conformance', `HTTP ${tr.status}`);
  if (!token) return;
  const saDir = mkdtempSync(join(tmpdir(), 'uc-sa-'));
  writeFileSync(join(saDir, 'token'), token);
  writeFileSync(join(saDir, 'ca.crt'), ca);
  writeFileSync(join(saDir, 'namespace'), NS);
  const port = new URL(server).port;
  const inCluster = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port, K8S_SERVICEACCOUNT_DIR: saDir };
  console.log(
    `in-cluster settings: KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=${port} K8S_SERVICEACCOUNT_DIR=${saDir} (token, ca.crt, namespace=${NS})`,
  );

  // 1. no cluster-admin
  const review = async (attrs: Obj) =>
    (
      (
        await api(
          'POST',
          '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } },
          token,
        )
      ).json.status as Obj
    )?.allowed;
  check((await review({ verb: 'create', resource: 'namespaces' })) === false, 'the ServiceAccount may not create namespaces');
  check((await review({ verb: 'list', resource: 'pods', namespace: 'default' })) === false, 'the ServiceAccount may not list pods in another namespace');
  check((await review({ verb: '*', resource: '*' })) === false, 'the ServiceAccount is no cluster-admin');

  // 2. doctor: ready with the Role; names the verb a narrower Role lacks
  const doctor = await cli(['doctor', '--suite', 'k8s'], inCluster);
  console.log(
    doctor.out
      .split('\n')
      .filter((l) => /^[✓✗]|doctor:/.test(l))
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  check(
    doctor.code === 0 && doctor.out.includes('in-cluster ServiceAccount'),
    'doctor with only the in-cluster settings and the namespaced Role: ready',
    `exit ${doctor.code}`,
  );
  const role = rbac.find((d) => d.kind === 'Role') as Obj;
  await apply([{ ...role, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'patch'] }] }]);
  const narrow = await cli(['doctor', '--suite', 'k8s'], inCluster);
  const line = narrow.out.split('\n').find((l) => l.includes('k8s permissions')) ?? '';
  console.log(`    ${line}`);
  check(
    narrow.code === 2 && line.includes(`missing: delete pods in ${NS}`),
    'doctor with a Role without "delete": names the missing permission',
    `exit ${narrow.code}`,
  );
  await apply([role]);

  // 3. as a Sonobuoy plugin: results file, done file, progress
  const posts: Obj[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/progress') posts.push(JSON.parse(body) as Obj);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const resultsDir = join(ROOT, 'reports', 'k8s-incluster-sonobuoy');
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const started = Date.now();
  const run = await cli(['run', '--suite', 'k8s'], {
    ...inCluster,
    SONOBUOY_RESULTS_DIR: resultsDir,
    SONOBUOY_PROGRESS_PORT: String((receiver.address() as AddressInfo).port),
  });
  receiver.close();
  console.log(
    run.out
      .split('\n')
      .filter((l) => !/^\s+✓/.test(l))
      .slice(-14)
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  const reportDir = join(resultsDir, 'update-conformance');
  const report = existsSync(join(reportDir, 'results.json')) ? (JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunReport) : undefined;
  check(
    run.code === 0 && Boolean(report),
    'the suite in-cluster with the namespaced Role only',
    `exit ${run.code}, ${report?.results.length ?? 0} variants, ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (report) {
    mkdirSync(join(ROOT, 'reports', 'real-k8s-incluster'), { recursive: true });
    copyFileSync(join(reportDir, 'results.json'), join(ROOT, 'reports', 'real-k8s-incluster', 'results.json'));
    check(
      report.targets[0]?.details.namespace === NS && /in-cluster/.test(report.targets[0]?.details.config ?? ''),
      'the report names the in-cluster configuration and the pod namespace',
      JSON.stringify(report.targets[0]?.details),
    );
  }
  const resultsFile = join(reportDir, 'sonobuoy_results.yaml');
  if (existsSync(resultsFile) && report) {
    const { tree, violations, leaves } = checkSonobuoyResults(resultsFile);
    check(
      violations.length === 0,
      "sonobuoy_results.yaml matches Sonobuoy's item format",
      violations.slice(0, 3).join('; ') || `root ${tree.name}: ${tree.status}`,
    );
    check(
      leaves.length === report.results.length && new Set(leaves.map((l) => l.name)).size === leaves.length,
      'one item per variant',
      `${leaves.length} items, ${report.results.length} variants`,
    );
    const counts = (s: string) => leaves.filter((l) => l.status === s).length;
    console.log(`    items: ${counts('passed')} passed, ${counts('failed')} failed, ${counts('skipped')} skipped`);
    check(!readFileSync(resultsFile, 'utf8').includes(token), 'the ServiceAccount token is not in the results file');
  } else check(false, 'sonobuoy_results.yaml written');
  const done = join(resultsDir, 'done');
  check(
    existsSync(done) && readFileSync(done, 'utf8') === reportDir,
    '`done` names the directory with the results and the reports',
    existsSync(done) ? readFileSync(done, 'utf8') : 'missing',
  );
  const last = posts.at(-1);
  check(
    posts.length >= 2 && posts[0]?.completed === 0 && last?.completed === report?.results.length && last?.total === report?.results.length,
    'progress updates posted to localhost:$SONOBUOY_PROGRESS_PORT/progress',
    `${posts.length} posts; first ${JSON.stringify(posts[0])}; last ${JSON.stringify(last)}`,
  );

  // 4. the cluster's own policy: a ValidatingAdmissionPolicy that freezes pod labels in this namespace
  const policyName = 'uc-labels-frozen';
  await apply([
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policyName },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods'] }] },
        validations: [{ expression: 'object.metadata.labels == oldObject.metadata.labels', message: 'pod labels are managed by the platform' }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: `${policyName}-binding` },
      spec: {
        policyName,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } },
      },
    },
  ]);
  // The policy takes effect once the apiserver has loaded it: probe with a pod of our own until it denies.
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'uc-policy-probe', labels: { app: 'probe' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
  };
  await api('POST', `/api/v1/namespaces/${NS}/pods`, probe);
  let denied = '';
  for (let i = 0; i < 60 && !denied; i++) {
    const res = await fetch(`${server}/api/v1/namespaces/${NS}/pods/uc-policy-probe`, {
      method: 'PATCH',
      dispatcher,
      headers: { authorization: `Bearer ${state.K8S_TOKEN}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { probe: String(i) } } }),
    });
    const body = (await res.json()) as Obj;
    if (res.status >= 400 && String(body.message).includes(policyName)) denied = `${res.status} ${body.message as string}`;
    else await new Promise((r) => setTimeout(r, 500));
  }
  await api('DELETE', `/api/v1/namespaces/${NS}/pods/uc-policy-probe?gracePeriodSeconds=0`);
  check(Boolean(denied), 'the ValidatingAdmissionPolicy is in force', denied);
  // Also as a plugin: the failed items of sonobuoy_results.yaml carry the attribution.
  const policyResults = join(ROOT, 'reports', 'k8s-incluster-policy');
  rmSync(policyResults, { recursive: true, force: true });
  mkdirSync(policyResults, { recursive: true });
  const policyDir = join(policyResults, 'update-conformance');
  const pr = await cli(['run', '--case', 'k8s.pods.patch.labels-add,k8s.pods.patch.label-bad-key@merge-patch'], {
    ...inCluster,
    SONOBUOY_RESULTS_DIR: policyResults,
  });
  console.log(
    pr.out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  const policyReport = JSON.parse(readFileSync(join(policyDir, 'results.json'), 'utf8')) as RunReport;
  const fails = policyReport.results.filter((r) => r.verdict === 'fail');
  check(
    fails.length === 3 && fails.every((r) => r.caseId === 'k8s.pods.patch.labels-add' && r.policy?.includes(`ValidatingAdmissionPolicy '${policyName}'`)),
    'each label change the policy refused fails attributed to the policy',
    fails.map((r) => `${r.id}: ${r.policy}`).join('; '),
  );
  check(
    policyReport.results.some((r) => r.id.startsWith('k8s.pods.patch.label-bad-key') && r.verdict === 'pass' && !r.policy),
    'a change the API itself refuses is not attributed to the policy',
  );
  const verdict = JSON.parse(readFileSync(join(policyDir, 'verdict.json'), 'utf8')) as { counts: { fail: number; policy: number } };
  check(
    verdict.counts.policy === fails.length && pr.out.includes("rejected by the target's own policy"),
    'counted apart: verdict.json counts.policy and the console line',
    JSON.stringify(verdict.counts),
  );
  check(
    readFileSync(join(policyDir, 'summary.md'), 'utf8').includes("rejected by the cluster's own policy: ValidatingAdmissionPolicy"),
    'summary.md says which policy rejected each',
  );
  const policyItems = checkSonobuoyResults(join(policyDir, 'sonobuoy_results.yaml')).leaves.filter((l) => l.status === 'failed');
  check(
    policyItems.length === fails.length &&
      policyItems.every((l) => String(l.details?.policy).includes(policyName) && String(l.details?.failure).includes("rejected by the cluster's own policy")),
    'the failed Sonobuoy items say the policy rejected them',
  );
  for (const kind of ['validatingadmissionpolicybindings', 'validatingadmissionpolicies'])
    await api('DELETE', `/apis/admissionregistration.k8s.io/v1/${kind}/${kind.endsWith('bindings') ? `${policyName}-binding` : policyName}`);
  rmSync(saDir, { recursive: true, force: true });
}

main()
  .catch((err: unknown) => {
    failed++;
    console.log(`✗ in-cluster self-test stopped: ${(err as Error).stack ?? String(err)}`);
  })
  .finally(() => {
    console.log(failed ? `k8s in-cluster: ${failed} check(s) failed` : 'k8s in-cluster: all checks passed');
    process.exit(failed ? 1 : 0);
  });
