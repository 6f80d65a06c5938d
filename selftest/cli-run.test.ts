/**
 * The main job end to end, in-process through `main(['run'])`: out of the box against the embedded backends,
 * and against standalone reference backends configured only through the ordinary variables.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, startNovaReference } from '../backends/nova-reference/index.ts';
import { counts, missingReports, readReport, reportDir, runMain } from './support/run-cli.ts';

describe('the main job', () => {
  test('with no target: both suites against the embedded backends, exit 0, every report written', async () => {
    const dir = reportDir('main-job');
    const run = await runMain(['run'], { CONFORMANCE_REPORT_DIR: dir });
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(missingReports(dir)).toEqual([]);
    const report = readReport(dir);
    expect(report.targets.map((t) => t.suite).sort()).toEqual(['k8s.pods.patch', 'nova.servers.update']);
    const c = counts(report.results);
    expect(c.fail + c.error).toBe(0);
    expect(c.pass).toBeGreaterThan(800);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    // Issue 12: a run against the embedded backends is a self-check, never "conformant".
    expect(summary).toContain('✅ self-check of the reference backends — not a verdict about an API: passed');
    expect(summary).not.toContain('conformant');
    expect(summary).toContain('Where the document and upstream disagree');
    expect(summary).toMatch(/nova\.servers\.update\.doc-example-name-body.*imageRef/s);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('id="matrix"');
    expect(html).toContain('id="microversions"');
    expect(run.out.some((l) => /^\d+ passed, 0 failed, 0 errors, \d+ skipped/.test(l))).toBe(true);
  });
});

describe('standalone reference backends through the ordinary configuration', () => {
  let k8s: K8sReference;
  let nova: NovaReference;
  beforeAll(async () => {
    k8s = await startK8sReference({ token: 'standalone-k8s-token' });
    nova = await startNovaReference({});
  });
  afterAll(async () => {
    await k8s.close();
    await nova.close();
  });

  test('K8S_SERVER + K8S_TOKEN + K8S_NAMESPACE: passes, touches only its own pods', async () => {
    const dir = reportDir('k8s-standalone');
    const run = await runMain(['run'], { K8S_SERVER: k8s.url, K8S_TOKEN: 'standalone-k8s-token', K8S_NAMESPACE: 'default', CONFORMANCE_REPORT_DIR: dir });
    expect(run.code, run.out.filter((l) => !l.includes('✓')).join('\n')).toBe(0);
    expect(readReport(dir).targets.map((t) => t.suite)).toEqual(['k8s.pods.patch']);
    expect(k8s.podCount()).toBe(0);
  });

  test('KUBECONFIG with K8S_CONTEXT: the server, token and namespace of that context', async () => {
    const cfg = mkdtempSync(join(tmpdir(), 'uc-kubeconfig-'));
    const file = join(cfg, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: elsewhere',
        'clusters:',
        `- name: lab\n  cluster:\n    server: ${k8s.url}`,
        '- name: other\n  cluster:\n    server: http://127.0.0.1:1',
        'users:',
        '- name: suite\n  user:\n    token: standalone-k8s-token',
        'contexts:',
        '- name: lab\n  context:\n    cluster: lab\n    user: suite\n    namespace: default',
        '- name: elsewhere\n  context:\n    cluster: other\n    user: suite',
        '',
      ].join('\n'),
    );
    const dir = reportDir('k8s-kubeconfig');
    const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-*'], { KUBECONFIG: file, K8S_CONTEXT: 'lab', CONFORMANCE_REPORT_DIR: dir });
    expect(run.code, run.out.join('\n')).toBe(0);
    const target = readReport(dir).targets[0];
    expect(target?.details).toMatchObject({ namespace: 'default', config: 'KUBECONFIG context lab' });
    expect(k8s.podCount()).toBe(0);
  });

  test('OS_AUTH_TYPE=none + OS_TOKEN + OS_COMPUTE_ENDPOINT_OVERRIDE + NOVA_SERVER_IDS: passes, servers restored', async () => {
    const dir = reportDir('nova-noauth');
    const u = nova.users;
    const run = await runMain(['run'], {
      OS_AUTH_TYPE: 'none',
      OS_TOKEN: u.memberA.token,
      OS_COMPUTE_ENDPOINT_OVERRIDE: nova.url,
      NOVA_SERVER_IDS: nova.serverIds.a.join(','),
      OS_ALT_TOKEN: u.memberB.token,
      NOVA_ALT_SERVER_IDS: nova.serverIds.b.join(','),
      CONFORMANCE_REPORT_DIR: dir,
    });
    expect(run.code, run.out.filter((l) => !l.includes('✓')).join('\n')).toBe(0);
    const report = readReport(dir);
    expect(report.targets[0]?.details.auth).toBe('none');
    expect(report.results.find((r) => r.caseId === 'nova.servers.update.other-project-server')?.verdict).toBe('pass');
  });

  test('OS_CLOUD from clouds.yaml with the password in secure.yaml; no second project → cross-project cases skipped with the reason', async () => {
    const cfg = mkdtempSync(join(tmpdir(), 'uc-clouds-'));
    const u = nova.users.memberA;
    writeFileSync(
      join(cfg, 'clouds.yaml'),
      `clouds:\n  lab:\n    region_name: RegionOne\n    auth:\n      auth_url: ${nova.identityUrl}\n      username: ${u.username}\n      project_name: ${u.project}\n      user_domain_name: Default\n      project_domain_name: Default\n`,
    );
    writeFileSync(join(cfg, 'secure.yaml'), `clouds:\n  lab:\n    auth:\n      password: ${u.password}\n`);
    const dir = reportDir('nova-clouds-yaml');
    const run = await runMain(['run', '--case', 'nova.servers.update.name-*,nova.servers.update.other-project-server'], {
      OS_CLOUD: 'lab',
      OS_CLIENT_CONFIG_FILE: join(cfg, 'clouds.yaml'),
      NOVA_SERVER_IDS: nova.serverIds.a.join(','),
      CONFORMANCE_REPORT_DIR: dir,
    });
    expect(run.code, run.out.join('\n')).toBe(0);
    const skipped = readReport(dir).results.filter((r) => r.verdict === 'skip');
    expect(new Set(skipped.map((r) => r.caseId))).toEqual(new Set(['nova.servers.update.other-project-server']));
    expect(skipped[0]?.reason).toMatch(/needs a second project/);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/skipped/);
  });

  test('server creation mode: the run creates its servers and deletes them afterwards', async () => {
    const dir = reportDir('nova-create');
    const u = nova.users.memberA;
    const run = await runMain(['run', '--case', 'nova.servers.update.name-*'], {
      OS_AUTH_URL: nova.identityUrl,
      OS_USERNAME: u.username,
      OS_PASSWORD: u.password,
      OS_PROJECT_NAME: u.project,
      NOVA_IMAGE_REF: 'image-1',
      NOVA_FLAVOR_REF: '1',
      CONFORMANCE_REPORT_DIR: dir,
      CONFORMANCE_RUN_ID: 'creat1',
    });
    expect(run.code, run.out.join('\n')).toBe(0);
    expect(readReport(dir).targets[0]?.details.servers).toBe('created by the run');
    const list = await fetch(`${nova.url}/servers?name=uc-creat1`, { headers: { 'x-auth-token': u.token } });
    expect(((await list.json()) as { servers: unknown[] }).servers).toEqual([]);
  });
});
