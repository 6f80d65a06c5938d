/**
 * No leaks: after a normal run, after a run interrupted midway by SIGINT (Ctrl-C: the whole process group) or
 * SIGTERM (the process), and through the `cleanup` command, the targets hold nothing of the run — no pod or
 * namespace with its label, every seeded server back as it was, no server left that the run created.
 * (Each fault-matrix scenario asserts the same: selftest/fault-matrix.test.ts.)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FaultProxy } from '../backends/fault-proxy/index.ts';
import type { K8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import { RUN_LABEL } from '../engine/lifecycle/labels.ts';
import { type Proxied, startProxied } from './support/proxied.ts';
import { counts, k8sLeftovers, missingReports, novaDrift, novaState, readReport, reportDir, runMain, spawnCli } from './support/run-cli.ts';

const K8S_TOKEN = 'leaks-k8s-token-0123456789abcdef';

let k8s: K8sReference;
let nova: NovaReference;
let k8sProxy: FaultProxy;
let novaProxy: FaultProxy;
let novaBefore: Awaited<ReturnType<typeof novaState>>;

let proxied: Proxied | undefined;

beforeAll(async () => {
  proxied = await startProxied(K8S_TOKEN, { maxRequests: 50_000, lifetimeMs: 300_000 });
  ({ k8s, nova, k8sProxy, novaProxy, novaBefore } = proxied);
});

afterAll(async () => {
  await proxied?.close();
});

function targetEnv(runId: string, dir: string, via: 'direct' | 'proxy'): Record<string, string> {
  const k8sUrl = via === 'proxy' ? k8sProxy.url : k8s.url;
  return {
    K8S_SERVER: k8sUrl,
    K8S_TOKEN,
    ...passwordAuthEnv(nova, via === 'proxy' ? novaProxy.url : new URL(nova.url).origin),
    CONFORMANCE_RUN_ID: runId,
    CONFORMANCE_REPORT_DIR: dir,
    CONFORMANCE_TIMEOUT_MS: '5000',
  };
}

async function expectNothingLeft(runId: string): Promise<void> {
  expect(await k8sLeftovers(k8s, K8S_TOKEN, runId)).toEqual({ pods: [], namespaces: [] });
  expect(novaDrift(novaBefore, await novaState(nova))).toEqual([]);
}

describe('a normal run leaves nothing behind', () => {
  test('labels, rename and access-IP variants of both suites', async () => {
    const dir = reportDir('leaks/normal');
    const run = await runMain(
      ['run', '--case', 'k8s.pods.patch.label*,k8s.pods.patch.image-replace,nova.servers.update.rename*,nova.servers.update.access-ips'],
      targetEnv('lknormal', dir, 'direct'),
    );
    const report = readReport(dir);
    expect(counts(report.results).pass, run.out.join('\n')).toBeGreaterThan(40);
    expect(report.runErrors).toEqual([]);
    expect(run.code, run.out.join('\n')).toBe(0);
    await expectNothingLeft('lknormal');
    expect(k8s.podCount()).toBe(0);
    expect(existsSync(join(dir, '.restore', 'nova-lknormal.json')), 'the restore plan is gone once applied').toBe(false);
  });
});

describe('an interrupted run cleans up and writes partial reports (exit 130)', () => {
  test.for([
    ['SIGINT', 'group'],
    ['SIGTERM', 'process'],
  ] as const)('%s to the %s midway', async ([signal, target]) => {
    const runId = `lk${signal.toLowerCase().slice(3)}${Math.random().toString(36).slice(2, 5)}`;
    const dir = reportDir(`leaks/${signal.toLowerCase()}`);
    // Slow every request down so the run is surely still going when the signal arrives.
    k8sProxy.setFault('latency:120', {});
    novaProxy.setFault('latency:120', {});
    try {
      // --verbose: one line per finished variant, which the wait below reads.
      const child = spawnCli(['run', '--verbose', '--concurrency', '4'], { ...targetEnv(runId, dir, 'proxy'), CONFORMANCE_TIMEOUT_MS: '5000' }, 90_000, {
        detached: target === 'group',
      });
      // Two finished cases: the run is under way.
      await child.waitFor(/^ {2}[✓✗!] .*\n[\s\S]*^ {2}[✓✗!] /m, 60_000);
      const pid = child.proc.pid as number;
      // Ctrl-C in a terminal signals the whole foreground process group; `kill`/CI cancellation the process.
      process.kill(target === 'group' ? -pid : pid, signal);
      const code = await child.exited;
      const output = `${child.stdout()}\n${child.stderr()}`;
      expect(code, output).toBe(130);
      expect(child.stdout()).toContain(`${signal}: stopping the run`);
      expect(missingReports(dir), output).toEqual([]);
      const report = readReport(dir);
      expect(report.interrupted).toBe(true);
      const c = counts(report.results);
      // Partial: the cases that ran (the others are not run, or listed as not run); an interrupt is never a failure.
      expect(c.pass, output).toBeGreaterThan(0);
      expect(c.pass + c.error, 'far from all 903 variants ran').toBeLessThan(300);
      expect(c.fail, output).toBe(0);
      // Nothing of the run is left: no pod, no namespace, every server as it was.
      k8sProxy.setFault('none', {});
      novaProxy.setFault('none', {});
      await expectNothingLeft(runId);
      expect(k8s.podCount()).toBe(0);
      expect(existsSync(join(dir, '.restore', `nova-${runId}.json`)), 'the restore plan was applied').toBe(false);
    } finally {
      k8sProxy.setFault('none', {});
      novaProxy.setFault('none', {});
    }
  });
});

describe("a run's final sweep touches only its own run", () => {
  test("another run's namespace and pods survive a run against the same cluster", async () => {
    const h = { authorization: `Bearer ${K8S_TOKEN}`, 'content-type': 'application/json' };
    const neighbour = 'nbr4run';
    const create = (path: string, body: unknown) => fetch(`${k8s.url}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
    expect((await create('/api/v1/namespaces', { metadata: { name: `uc-${neighbour}-ns`, labels: { [RUN_LABEL]: neighbour } } })).status).toBe(201);
    const podBody = { metadata: { name: `uc-${neighbour}-1`, labels: { [RUN_LABEL]: neighbour } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    expect((await create(`/api/v1/namespaces/uc-${neighbour}-ns/pods`, podBody)).status).toBe(201);
    try {
      const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-add'], targetEnv('lkown', reportDir('leaks/own-run-only'), 'direct'));
      expect(run.code, run.out.join('\n')).toBe(0);
      expect(await k8sLeftovers(k8s, K8S_TOKEN, neighbour)).toEqual({ pods: [`uc-${neighbour}-ns/uc-${neighbour}-1`], namespaces: [`uc-${neighbour}-ns`] });
    } finally {
      await fetch(`${k8s.url}/api/v1/namespaces/uc-${neighbour}-ns`, { method: 'DELETE', headers: h });
    }
    await expectNothingLeft('lkown');
  });
});

describe('cleanup removes leftovers of earlier runs, and only those', () => {
  const auth = { authorization: `Bearer ${K8S_TOKEN}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${k8s.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status, `POST ${path}: ${await res.text()}`).toBe(201);
  };
  const pod = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  const all = async () => (await k8sLeftovers(k8s, K8S_TOKEN)).pods.sort();
  const own = (name: string) => `default/${name}`;
  const earlier = 'old1a2b';
  const otherRun = 'old9z8y';

  beforeAll(async () => {
    // An earlier run's namespace with two of its pods; two of its pods in a shared namespace (K8S_NAMESPACE).
    await post('/api/v1/namespaces', { metadata: { name: `uc-${earlier}-ns`, labels: { [RUN_LABEL]: earlier } } });
    await post(`/api/v1/namespaces/uc-${earlier}-ns/pods`, pod(`uc-${earlier}-1`, { [RUN_LABEL]: earlier }));
    await post(`/api/v1/namespaces/uc-${earlier}-ns/pods`, pod(`uc-${earlier}-2`, { [RUN_LABEL]: earlier }));
    await post('/api/v1/namespaces/default/pods', pod(`uc-${otherRun}-1`, { [RUN_LABEL]: otherRun }));
    await post('/api/v1/namespaces/default/pods', pod(`uc-${otherRun}-2`, { [RUN_LABEL]: otherRun, app: 'x' }));
    // Never to be touched: no run label (even with the uc- prefix), or the label without the prefix.
    await post('/api/v1/namespaces/default/pods', pod(`uc-${otherRun}-unlabelled`, { app: 'mine' }));
    await post('/api/v1/namespaces/default/pods', pod('my-app', { [RUN_LABEL]: otherRun }));
  });

  const env = () => ({ K8S_SERVER: k8s.url, K8S_TOKEN, K8S_NAMESPACE: 'default', CONFORMANCE_REPORT_DIR: reportDir('leaks/cleanup') });

  test('--dry-run lists the labelled uc- objects and deletes nothing', async () => {
    const before = await all();
    const run = await runMain(['cleanup', '--dry-run'], env());
    expect(run.code, run.err.join('\n')).toBe(0);
    const listed = run.out.filter((l) => l.startsWith('would delete')).sort();
    expect(listed).toEqual(
      [
        `would delete namespace uc-${earlier}-ns`,
        `would delete pod default/uc-${otherRun}-1`,
        `would delete pod default/uc-${otherRun}-2`,
        `would delete pod uc-${earlier}-ns/uc-${earlier}-1`,
        `would delete pod uc-${earlier}-ns/uc-${earlier}-2`,
      ].sort(),
    );
    expect(run.out.join('\n')).not.toMatch(/unlabelled|my-app/);
    expect(await all()).toEqual(before);
  });

  test('cleanup deletes them, never the unlabelled pod nor a labelled pod without the uc- prefix', async () => {
    const run = await runMain(['cleanup'], env());
    expect(run.code, run.out.join('\n')).toBe(0);
    expect(run.out.filter((l) => l.startsWith('deleted')).length).toBe(5);
    expect(await all()).toEqual([own('my-app'), own(`uc-${otherRun}-unlabelled`)]);
    expect((await k8sLeftovers(k8s, K8S_TOKEN)).namespaces).toEqual([]);
    const again = await runMain(['cleanup', '--dry-run'], env());
    expect(again.out.filter((l) => l.startsWith('would delete'))).toEqual([]);
  });
});

describe('cleanup of Nova leftovers', () => {
  let nova2: NovaReference;
  beforeAll(async () => {
    nova2 = await startNovaReference({});
  });
  afterAll(async () => {
    await nova2.close();
  });

  test('applies a leftover restore plan and deletes servers named like a run created them, nothing else', async () => {
    const u = nova2.users.memberA;
    const headers = { 'x-auth-token': u.token, 'content-type': 'application/json', 'openstack-api-version': 'compute 2.37' };
    const create = async (name: string) => {
      const res = await fetch(`${nova2.url}/servers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ server: { name, imageRef: 'i', flavorRef: '1', networks: 'none' } }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { server: { id: string } }).server.id;
    };
    const leftover = await create('uc-old1a2b-server-0');
    const keep = await create('uc-but-not-ours');
    const seeded = nova2.serverIds.a[0] ?? '';
    const rename = await fetch(`${nova2.url}/servers/${seeded}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ server: { name: 'renamed-by-an-interrupted-run' } }),
    });
    expect(rename.status).toBe(200);
    const dir = reportDir('leaks/nova-cleanup');
    mkdirSync(join(dir, '.restore'), { recursive: true });
    writeFileSync(
      join(dir, '.restore', 'nova-old9z8y.json'),
      JSON.stringify({ runId: 'old9z8y', microversion: '2.1', servers: [{ id: seeded, fields: { name: 'seed-name-back' } }], created: [] }),
    );
    const env = { OS_AUTH_TYPE: 'none', OS_TOKEN: u.token, OS_COMPUTE_ENDPOINT_OVERRIDE: nova2.url, NOVA_SERVER_IDS: seeded, CONFORMANCE_REPORT_DIR: dir };
    const dry = await runMain(['cleanup', '--dry-run'], env);
    expect(dry.out.filter((l) => l.startsWith('would undo'))).toHaveLength(2);
    const run = await runMain(['cleanup'], env);
    expect(run.code, run.out.join('\n')).toBe(0);
    const show = async (id: string) => fetch(`${nova2.url}/servers/${id}`, { headers });
    expect((await show(leftover)).status).toBe(404);
    expect((await show(keep)).status).toBe(200);
    expect(((await (await show(seeded)).json()) as { server: { name: string } }).server.name).toBe('seed-name-back');
    expect(existsSync(join(dir, '.restore', 'nova-old9z8y.json'))).toBe(false);
  });
});
