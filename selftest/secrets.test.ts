/**
 * Secrets never reach an artifact or the console: runs of the real CLI (child process, so every byte it prints
 * is captured) with known credentials — a Kubernetes token, OpenStack passwords (tokens issued by the reference
 * Keystone), OpenStack tokens — with full evidence, through a proxy that echoes the request's credentials into
 * responses and error pages. And the last line of defence: the artifact scan finds a planted secret and the
 * run then exits 3.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../backends/fault-proxy/index.ts';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import { scanForSecrets } from '../cli/secret-scan.ts';
import { missingReports, readReport, reportDir, spawnCli } from './support/run-cli.ts';

const K8S_TOKEN = `uc-secret-k8s-${Math.random().toString(36).slice(2, 12)}-token`;
/** Tokens the reference Keystone issues (`gAAAAA` + 32 base64url characters). */
const ISSUED_TOKEN = /gAAAAA[A-Za-z0-9_-]{32}/;
const CASES = [
  'k8s.pods.patch.labels-add',
  'k8s.pods.patch.label-bad-key',
  'nova.servers.update.rename@2.1',
  'nova.servers.update.rename@2.93',
  'nova.servers.update.name-empty@2.93',
  'nova.servers.update.bogus-token',
  'nova.servers.update.no-token',
  'nova.servers.update.other-project-server@2.93',
].join(',');

let k8s: K8sReference;
let nova: NovaReference;
let k8sProxy: FaultProxy;
let novaProxy: FaultProxy;

beforeAll(async () => {
  k8s = await startK8sReference({ token: K8S_TOKEN });
  nova = await startNovaReference({});
  k8sProxy = await startFaultProxy({ upstream: k8s.url, maxRequests: 20_000, lifetimeMs: 300_000 });
  novaProxy = await startFaultProxy({ upstream: new URL(nova.url).origin, maxRequests: 20_000, lifetimeMs: 300_000 });
});
afterAll(async () => {
  await k8sProxy?.close();
  await novaProxy?.close();
  await k8s?.close();
  await nova?.close();
});

/** Every secret value a run may hold: configured ones, and the static tokens the reference Nova knows. */
const secretValues = () => [
  K8S_TOKEN,
  nova.users.memberA.password,
  nova.users.memberB.password,
  nova.users.memberA.token,
  nova.users.memberB.token,
  nova.users.admin.password,
  nova.users.admin.token,
];

/** Files under `dir` (relative) and the secret found in each, plus the console. */
function leaks(dir: string, console: string): string[] {
  const found: string[] = [];
  const check = (where: string, text: string) => {
    for (const s of secretValues()) if (text.includes(s)) found.push(`${where}: ${s.slice(0, 6)}…`);
    const issued = ISSUED_TOKEN.exec(text);
    if (issued) found.push(`${where}: issued Keystone token ${issued[0].slice(0, 10)}…`);
  };
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else check(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  check('console', console);
  return found;
}

type Auth = 'password' | 'token';

function env(dir: string, auth: Auth, via: 'direct' | 'proxy'): Record<string, string> {
  const u = nova.users;
  const k8sUrl = via === 'proxy' ? k8sProxy.url : k8s.url;
  const origin = via === 'proxy' ? novaProxy.url : new URL(nova.url).origin;
  const os: Record<string, string> =
    auth === 'password'
      ? passwordAuthEnv(nova, origin)
      : {
          OS_AUTH_TYPE: 'token',
          OS_TOKEN: u.memberA.token,
          OS_ALT_TOKEN: u.memberB.token,
          OS_COMPUTE_ENDPOINT_OVERRIDE: `${origin}/v2.1`,
          NOVA_SERVER_IDS: nova.serverIds.a.join(','),
          NOVA_ALT_SERVER_IDS: nova.serverIds.b.join(','),
        };
  return {
    K8S_SERVER: k8sUrl,
    K8S_TOKEN,
    ...os,
    CONFORMANCE_REPORT_DIR: dir,
    CONFORMANCE_FULL_EVIDENCE: 'true',
    CONFORMANCE_TIMEOUT_MS: '3000',
  };
}

async function run(name: string, auth: Auth, via: 'direct' | 'proxy') {
  const dir = reportDir(`secrets/${name}`);
  const child = spawnCli(['run', '--case', CASES], env(dir, auth, via), 90_000);
  const code = await child.exited;
  const console = `${child.stdout()}\n${child.stderr()}`;
  return { dir, code, console };
}

describe('no secret in any artifact or console line', () => {
  test.for([
    ['password', 'password auth (tokens issued by Keystone)'],
    ['token', 'token auth (OS_TOKEN, OS_ALT_TOKEN)'],
  ] as const)('a normal run with %s', async ([auth]) => {
    const r = await run(`normal-${auth}`, auth, 'direct');
    expect(r.code, r.console).toBe(0);
    expect(missingReports(r.dir)).toEqual([]);
    expect(leaks(r.dir, r.console)).toEqual([]);
    // Full evidence was written, credentials redacted in it.
    const evidence = JSON.stringify(readReport(r.dir).results.flatMap((x) => x.evidence));
    expect(evidence).toMatch(/"authorization":"Bearer \*\*\*"/);
    expect(evidence).toMatch(/"x-auth-token":"\*\*\*"/);
  });

  test('a proxy that echoes the credentials into every response (header and JSON body)', async () => {
    k8sProxy.setFault('echo-auth', {});
    novaProxy.setFault('echo-auth', {});
    try {
      const r = await run('echo', 'password', 'proxy');
      expect(k8sProxy.faulted + novaProxy.faulted).toBeGreaterThan(20);
      expect(r.console).not.toMatch(/secret value .* appears in/);
      expect(leaks(r.dir, r.console)).toEqual([]);
      const evidence = JSON.stringify(readReport(r.dir).results.flatMap((x) => x.evidence));
      expect(evidence, 'the echo is in the evidence, redacted').toMatch(/x-echo-credentials":"(authorization|x-auth-token): (Bearer )?\*\*\*/);
    } finally {
      k8sProxy.setFault('none', {});
      novaProxy.setFault('none', {});
    }
  });

  test('error pages that quote the credentials, in setup and update answers (reasons, console, JUnit)', async () => {
    // k8s: pod creation (setup) answers 500 with the credentials; Nova: every PUT at 2.1 (setup and update).
    k8sProxy.setFault('echo-auth:500', { methods: ['POST'], path: /\/pods$/ });
    novaProxy.setFault('echo-auth:500', { methods: ['PUT'], headers: { 'openstack-api-version': /^compute 2\.1$/ } });
    try {
      const r = await run('echo-errors', 'password', 'proxy');
      expect(r.code, r.console).toBe(3);
      const report = readReport(r.dir);
      expect(report.results.filter((x) => x.verdict === 'error').length).toBeGreaterThan(3);
      expect(leaks(r.dir, r.console)).toEqual([]);
      expect(r.console).not.toMatch(/secret value .* appears in/);
    } finally {
      k8sProxy.setFault('none', {});
      novaProxy.setFault('none', {});
    }
  });
});

describe('no secret when a whole suite cannot open', () => {
  test('the namespace creation answers an error page quoting the token', async () => {
    k8sProxy.setFault('echo-auth:500', { methods: ['POST'], path: /^\/api\/v1\/namespaces$/ });
    try {
      const dir = reportDir('secrets/echo-open');
      const child = spawnCli(['run', '--case', 'k8s.pods.patch.labels-add'], env(dir, 'password', 'proxy'), 60_000);
      const code = await child.exited;
      const console = `${child.stdout()}\n${child.stderr()}`;
      expect(code, console).toBe(3);
      const report = readReport(dir);
      // The suite could not open: a run error that quotes the error page (redacted); its cases did not run.
      expect(
        report.runErrors.some((e) => /creating namespace .* answered 500/s.test(e)),
        JSON.stringify(report.runErrors),
      ).toBe(true);
      expect(report.results.filter((x) => x.verdict === 'pass' || x.verdict === 'fail')).toEqual([]);
      expect(leaks(dir, console)).toEqual([]);
    } finally {
      k8sProxy.setFault('none', {});
    }
  });
});

describe('the artifact scan', () => {
  test('finds a planted secret in any file under the directory, never for short values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-scan-'));
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'summary.md'), '# clean\n');
    writeFileSync(join(dir, 'nested', 'deeper', 'evidence.json'), JSON.stringify({ headers: { authorization: `Bearer ${K8S_TOKEN}` } }));
    expect(scanForSecrets(dir, [K8S_TOKEN])).toEqual([join(dir, 'nested', 'deeper', 'evidence.json')]);
    expect(scanForSecrets(dir, ['not-there-123456'])).toEqual([]);
    expect(scanForSecrets(dir, [])).toEqual([]);
  });

  test('judges a file the run just wrote by the content it wrote, text or bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-scan-'));
    const json = join(dir, 'results.json');
    const subunit = join(dir, 'results.subunit');
    writeFileSync(json, '{}');
    writeFileSync(subunit, '');
    const written = new Map<string, string | Uint8Array>([
      [json, JSON.stringify({ token: K8S_TOKEN })],
      [subunit, Buffer.from(`x-auth: ${K8S_TOKEN}`)],
    ]);
    expect(scanForSecrets(dir, [K8S_TOKEN], written).sort()).toEqual([json, subunit].sort());
    expect(scanForSecrets(dir, [K8S_TOKEN], new Map([[json, '{}']]))).toEqual([]);
  });

  test('a run whose report directory holds a secret exits 3 and names the file, not the secret', async () => {
    const dir = reportDir('secrets/planted');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), `debugging: K8S_TOKEN=${K8S_TOKEN}\n`);
    const child = spawnCli(['run', '--case', 'k8s.pods.patch.labels-add@merge-patch'], env(dir, 'password', 'direct'), 60_000);
    const code = await child.exited;
    const console = `${child.stdout()}\n${child.stderr()}`;
    expect(code, console).toBe(3);
    expect(console).toMatch(/ERROR: a secret value the run loaded appears in .*notes\.txt/);
    expect(console).not.toContain(K8S_TOKEN);
    expect(readReport(dir).results.every((x) => x.verdict === 'pass')).toBe(true);
  });
});
