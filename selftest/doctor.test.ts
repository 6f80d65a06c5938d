/**
 * `doctor` against both reference backends (every check passes, exit 0, nothing left behind), with no target
 * (the embedded backends), and with a wrong token / password / bad setting (exit 2, the failing check named).
 * The transcripts go to reports/doctor-transcript.txt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { type CliOutcome, k8sLeftovers, novaDrift, novaState, ROOT, runMain } from './support/run-cli.ts';

const TOKEN = 'doctor-k8s-token-0123456789abcdef';
let k8s: K8sReference;
let nova: NovaReference;
const transcript: string[] = [];

function record(title: string, command: string, r: CliOutcome): void {
  transcript.push(`### ${title}`, `$ ${command}`, ...r.out, ...r.err, `(exit ${r.code})`, '');
}

beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN });
  nova = await startNovaReference({});
});

afterAll(async () => {
  await k8s?.close();
  await nova?.close();
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  // Ports and ids differ per run; the transcript shows what a user sees.
  writeFileSync(join(ROOT, 'reports', 'doctor-transcript.txt'), `${transcript.join('\n')}\n`);
});

const k8sEnv = () => ({ K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN, CONFORMANCE_RUN_ID: 'doctork8s' });
const novaEnv = (password = nova.users.memberA.password) => ({
  OS_AUTH_URL: nova.identityUrl,
  OS_USERNAME: nova.users.memberA.username,
  OS_PASSWORD: password,
  OS_PROJECT_NAME: nova.users.memberA.project,
  OS_ALT_USERNAME: nova.users.memberB.username,
  OS_ALT_PASSWORD: nova.users.memberB.password,
  OS_ALT_PROJECT_NAME: nova.users.memberB.project,
  NOVA_SERVER_IDS: nova.serverIds.a.join(','),
  CONFORMANCE_RUN_ID: 'doctornova',
});

const marks = (r: CliOutcome) => r.out.filter((l) => /^[✓✗] /.test(l));

describe('doctor', () => {
  test('Kubernetes reference backend: every check passes; the probe pod and namespace are gone', async () => {
    const r = await runMain(['doctor'], k8sEnv());
    record('Kubernetes reference backend', 'K8S_SERVER=… K8S_TOKEN=… update-conformance doctor', r);
    expect(r.code).toBe(0);
    expect(marks(r).filter((l) => l.startsWith('✗'))).toEqual([]);
    const out = r.out.join('\n');
    expect(out).toMatch(/✓ configuration: Kubernetes from K8S_SERVER; suites k8s; run id doctork8s/);
    expect(out).toMatch(/✓ k8s reachable and authenticated: Kubernetes v1\.34\.0-reference/);
    expect(out).toMatch(/✓ k8s version: .*minor 1\.34/);
    expect(out).toMatch(
      /✓ k8s permissions: may create namespaces; create, patch and delete pods \(created namespace uc-doctork8s-ns, created pod uc-doctork8s-doctor, patched it, deleted it/,
    );
    expect(out).toMatch(/k8s\.pods\.patch: \d+ case\(s\), \d+ variant\(s\)/);
    expect(r.out.at(-1)).toMatch(/^doctor: ready — all \d+ checks passed$/);
    expect(await k8sLeftovers(k8s, TOKEN)).toEqual({ pods: [], namespaces: [] });
  });

  test('Nova reference backend: every check passes; the servers are as before', async () => {
    const before = await novaState(nova);
    const r = await runMain(['doctor'], novaEnv());
    record('Nova reference backend (password auth through the Keystone stub, second project)', 'OS_AUTH_URL=… OS_USERNAME=… … update-conformance doctor', r);
    expect(r.code).toBe(0);
    expect(marks(r).filter((l) => l.startsWith('✗'))).toEqual([]);
    const out = r.out.join('\n');
    expect(out).toMatch(/✓ nova reachable and authenticated: compute 2\.1–2\.93/);
    expect(out).toMatch(/✓ nova microversions: target 2\.1–2\.93; cases run at 2\.1, 2\.18, 2\.19, 2\.74, 2\.75, 2\.89, 2\.90, 2\.93/);
    expect(out).toContain(`✓ nova servers: ${nova.serverIds.a.length} server(s) of NOVA_SERVER_IDS found`);
    // A vendor leasing servers learns before the run what it leaves on them.
    expect(out).toMatch(/a server that had none keeps accessIPv4=192\.0\.2\.201 and accessIPv6=2001:db8::c9/);
    expect(out).toMatch(/✓ nova permissions: may update servers \(a no-op PUT \{"server":\{\}\} on .* at 2\.1 answered 200\)/);
    expect(out).toMatch(/✓ nova second project: authenticated; server .* for the cross-project cases/);
    expect(out).toMatch(/nova\.servers\.update: \d+ case\(s\), \d+ variant\(s\) at microversions 2\.1, .*2\.93; 14 will be skipped/);
    expect(out).toMatch(/5 × outside the target's 2\.1–2\.93: the expectation holds for microversions 2\.94/);
    expect(novaDrift(before, await novaState(nova))).toEqual([]);
  });

  test('without a second project the cross-project cases are listed as skipped, with the reason', async () => {
    const { OS_ALT_USERNAME: _u, OS_ALT_PASSWORD: _p, OS_ALT_PROJECT_NAME: _n, ...env } = novaEnv();
    const r = await runMain(['doctor', '--case', 'nova.servers.update.other-project-server,nova.servers.update.rename'], env);
    expect(r.code).toBe(0);
    const out = r.out.join('\n');
    expect(out).toMatch(/– nova second project: no second project configured .*: the cross-project cases will be skipped/);
    expect(out).toMatch(/nova\.servers\.update: 2 case\(s\), \d+ variant\(s\) .*; \d+ will be skipped/);
    expect(out).toMatch(/\d+ × cross-project: no second project configured .*: nova\.servers\.update\.other-project-server@2\.1/);
  });

  test('no target: the embedded reference backends', async () => {
    const r = await runMain(['doctor'], { CONFORMANCE_RUN_ID: 'doctoremb' });
    record('no target configured (embedded reference backends)', 'update-conformance doctor', r);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/no target configured for k8s, nova: checking the embedded reference backend/);
    expect(marks(r).filter((l) => l.startsWith('✓')).length).toBeGreaterThanOrEqual(9);
  });

  test('a wrong token: exit 2, the failing check names the variable', async () => {
    const r = await runMain(['doctor'], { ...k8sEnv(), K8S_TOKEN: 'not-the-token-0123456789' });
    record('wrong K8S_TOKEN', 'K8S_SERVER=… K8S_TOKEN=<wrong> update-conformance doctor', r);
    expect(r.code).toBe(2);
    expect(r.out).toContainEqual(expect.stringMatching(/^✗ k8s reachable and authenticated: K8S_TOKEN: was rejected by .* \(401 Unauthorized\)/));
    expect(r.out).toContainEqual('– k8s permissions: not checked (the server was not reachable with these credentials)');
    expect(r.out.at(-1)).toMatch(/^doctor: NOT ready — 1 of \d+ checks failed \(exit 2\)$/);
    expect(r.out.join('\n')).not.toContain('not-the-token-0123456789');
  });

  test('a wrong password: exit 2', async () => {
    const r = await runMain(['doctor'], novaEnv('wrong-password-0123'));
    record('wrong OS_PASSWORD', 'OS_AUTH_URL=… OS_PASSWORD=<wrong> … update-conformance doctor', r);
    expect(r.code).toBe(2);
    expect(r.out).toContainEqual(expect.stringMatching(/^✗ nova reachable and authenticated: OS_USERNAME: Keystone .* rejected the credentials \(401\)/));
    expect(r.out.join('\n')).not.toContain('wrong-password-0123');
  });

  test('a bad setting: exit 2 before anything is contacted', async () => {
    const r = await runMain(['doctor'], { ...k8sEnv(), CONFORMANCE_CONCURRENCY: '0' });
    expect(r.code).toBe(2);
    expect(r.out).toContain('✗ configuration: CONFORMANCE_CONCURRENCY: 0 is out of range — use a number from 1 to 64');
    expect(k8s.podCount()).toBe(0);
  });
});
