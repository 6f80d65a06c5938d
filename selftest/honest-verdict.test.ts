/**
 * A gate verdict that cannot be false (issue 12): no silent fallback to the embedded backends, a definitive
 * wrong answer is a failure (not a technical error), no blind spots for media types and collateral resets,
 * named objects checked before any update, failure text that names the right thing, one vocabulary.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import type { CaseVariant } from '../engine/cases/types.ts';
import { loadConfig } from '../engine/config/index.ts';
import { explain } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import { openSuite, targetNamed } from '../engine/targets/index.ts';
import ConformanceReporter, { meaningfulRunErrors } from '../reporters/conformance.ts';
import { renderMarkdown } from '../reporters/markdown.ts';
import type { RunReport } from '../reporters/model.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';
import { openReferenceTarget } from './support/targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'uc-honest-'));

describe('embedded backends only on purpose', () => {
  const failsWith = async (env: Record<string, string>, line: RegExp, args = ['run']) => {
    const run = await runMain(args, env);
    expect(run.code, run.err.join('\n')).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(line);
    expect(run.out.filter((l) => /Self-check|Run /.test(l))).toEqual([]);
  };

  test('a misspelt fault name for an embedded backend exits 2 naming its variable, for either backend', async () => {
    await failsWith(
      { NOVA_REFERENCE_FAULTS: 'lenient-nmae' },
      /^configuration error: NOVA_REFERENCE_FAULTS: unknown fault "lenient-nmae" \(known: .*lenient-name/,
      ['run', '--embedded'],
    );
    await failsWith({ K8S_REFERENCE_FAULTS: 'acept-forbidden' }, /^configuration error: K8S_REFERENCE_FAULTS: unknown k8s reference fault "acept-forbidden"/, [
      'run',
      '--embedded',
    ]);
  });

  test('a misspelt or unknown setting of ours exits 2 naming the closest known one', async () => {
    await failsWith({ KUBECONFG: '/tmp/kubeconfig' }, /^configuration error: KUBECONFG: .*did you mean KUBECONFIG\?/);
    await failsWith({ CONFORMANCE_SUITE: 'k8s' }, /^configuration error: CONFORMANCE_SUITE: .*did you mean CONFORMANCE_SUITES\?/);
    await failsWith({ K8S_SEVRER: 'https://127.0.0.1:6443' }, /K8S_SEVRER: .*did you mean K8S_SERVER\?/);
    await failsWith({ NOVA_SERVER_ID: 'x' }, /NOVA_SERVER_ID: .*did you mean NOVA_SERVER_IDS\?/);
    // .env entries count too
    const envFile = join(dir, 'typo.env');
    writeFileSync(envFile, 'KUBECONFG=/tmp/kubeconfig\n');
    await failsWith({ CONFORMANCE_ENV_FILE: envFile }, /KUBECONFG: .*did you mean KUBECONFIG\?/);
  });

  test('an unknown OS_* name only warns (openrc files carry many)', async () => {
    const run = await runMain(['list', '--case', 'k8s.pods.patch.image-replace'], { OS_CLOUDS: 'lab', OS_IDENTITY_API_VERSION: '3' });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([
      'warning: OS_CLOUDS is not a setting of update-conformance and is ignored (did you mean OS_CLOUD?)',
      'warning: OS_IDENTITY_API_VERSION is not a setting of update-conformance and is ignored',
    ]);
  });

  test('an empty target setting (a CI secret that is not there) exits 2', async () => {
    await failsWith({ K8S_SERVER: '', K8S_TOKEN: '' }, /^configuration error: K8S_SERVER: is set but empty/);
  });

  test('CI without a target exits 2 unless --embedded asks for the self-check', async () => {
    await failsWith({ CI: 'true' }, /^configuration error: CI: is set but no target is configured — .*--embedded/);
    const d = reportDir('ci-embedded');
    const run = await runMain(['run', '--embedded', '--case', 'k8s.pods.patch.image-replace'], { CI: 'true', CONFORMANCE_REPORT_DIR: d });
    expect(run.code).toBe(0);
    expect(readReport(d).target).toEqual({ kind: 'embedded' });
  });

  describe('a configured run never includes a reference backend', () => {
    let k8s: K8sReference;
    beforeAll(async () => {
      k8s = await startK8sReference({ token: 'honest-token' });
    });
    afterAll(async () => {
      await k8s.close();
    });
    test('CONFORMANCE_SUITES naming a suite without a target exits 2', async () => {
      await failsWith(
        { K8S_SERVER: k8s.url, K8S_TOKEN: 'honest-token', CONFORMANCE_SUITES: 'k8s,nova' },
        /^configuration error: CONFORMANCE_SUITES: names nova but no compute target is configured/,
      );
    });
    test('a configured run says so: target kind "configured", the verdict is about the API', async () => {
      const d = reportDir('honest-configured');
      const run = await runMain(['run', '--case', 'k8s.pods.patch.image-replace'], {
        K8S_SERVER: k8s.url,
        K8S_TOKEN: 'honest-token',
        CONFORMANCE_REPORT_DIR: d,
      });
      expect(run.code).toBe(0);
      expect(run.out.at(-1)).toBe(`verdict: partial: 3 of 342 variants (cases k8s.pods.patch.image-replace) — conformant (exit 0)`);
      const report = readReport(d);
      expect(report.target).toEqual({ kind: 'configured' });
      expect(report.targets[0]?.kind).toBe('configured');
      expect(report.targets[0]?.details.config).toBe('K8S_SERVER');
    });
  });

  test('every output of an embedded run says it is a self-check; bundle refuses it', async () => {
    const d = reportDir('honest-embedded');
    const run = await runMain(['run', '--case', 'k8s.pods.patch.image-*,nova.servers.update.name-and-description'], { CONFORMANCE_REPORT_DIR: d });
    expect(run.code).toBe(0);
    // A selection: partial first (issue 22), then the self-check.
    const headline =
      'partial: 15 of 1102 variants (cases k8s.pods.patch.image-*, nova.servers.update.name-and-description) — self-check of the reference backends — not a verdict about an API: passed';
    expect(run.out.at(-1)).toBe(`verdict: ${headline} (exit 0)`);
    const report = readReport(d);
    expect(report.target).toEqual({ kind: 'embedded' });
    expect(report.targets.map((t) => [t.kind, t.details.config])).toEqual([
      ['embedded', 'embedded reference backend (self-check)'],
      ['embedded', 'embedded reference backend (self-check)'],
    ]);
    expect(readFileSync(join(d, 'summary.md'), 'utf8').split('\n')[0]).toBe(`# update-conformance: ◐ ${headline}`);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toContain(`<title>update-conformance ${report.runId}: ${headline}</title>`);
    const junit = readFileSync(join(d, 'junit.xml'), 'utf8');
    expect(junit).toContain('<property name="target-kind" value="embedded"/>');
    expect(junit).toContain(`<property name="verdict" value="${headline}"/>`);
    const bundle = await runMain(['bundle'], { CONFORMANCE_REPORT_DIR: d });
    expect(bundle.code).toBe(2);
    expect(bundle.err).toEqual([
      `configuration error: bundle: run ${report.runId} in ${d} is a self-check of the reference backends — not a verdict about an API — configure a target, run against it and bundle that run`,
    ]);
    expect(existsSync(join(d, 'bundle'))).toBe(false);
  });
});

describe('failure classes decided by what the target said', () => {
  const one = async (target: string, caseId: string, faults: string[]) => {
    const t = await openReferenceTarget(targetNamed(target));
    try {
      t.setFaults(faults);
      const v = t.variants.find((x) => x.id === caseId || x.case.id === caseId) as CaseVariant;
      const r = await runCase(v, t.adapter, t.schemas);
      t.setFaults([]);
      return r;
    } finally {
      await t.close();
    }
  };

  test('a forbidden rename that is applied (the pod then answers 404) is an immutability failure, not an error', async () => {
    const r = await one('k8s', 'k8s.pods.patch.metadata-name', ['rename-on-patch']);
    expect(r.verdict).toBe('fail');
    expect(r.failures.map((f) => `${f.check}: ${f.title}`)).toContain('immutability: Subject gone after the update');
  });

  test('a 204 with no body where 200 with the server is due is a failure, not an error', async () => {
    const r = await one('nova', 'nova.servers.update.empty-server-object', ['update-204-no-body']);
    expect(r.verdict).toBe('fail');
    expect(explain(r)).toBe('[status-code] Unexpected HTTP status: expected 200, received 204 (+2 more: response-schema, headers)');
    expect(r.failures.map((f) => f.title)).toContain('Response body is not JSON');
  });

  test('JSON answers served as text/plain fail the headers check (both APIs)', async () => {
    const k = await one('k8s', 'k8s.pods.patch.image-replace', ['json-as-text-plain']);
    expect(k.failures.map((f) => `${f.title}: ${f.received}`)).toContain('JSON answer without a JSON media type: "text/plain; charset=utf-8"');
    const n = await one('nova', 'nova.servers.update.name-empty', ['json-as-text-plain']);
    expect(n.failures.map((f) => `${f.title}: ${f.received}`)).toContain('JSON answer without a JSON media type: "text/plain; charset=UTF-8"');
  });

  test('a forbidden change that was applied reads "forbidden change applied at /ptr: before → after"', async () => {
    const r = await one('k8s', 'k8s.pods.patch.active-deadline-increase', ['accept-forbidden']);
    expect(r.verdict).toBe('fail');
    expect(r.failures.find((f) => f.check === 'immutability')).toMatchObject({
      title: 'Forbidden change applied',
      pointer: '/spec/activeDeadlineSeconds',
      expected: '30',
      received: '40',
    });
  });
});

describe('collateral changes are visible from any starting state', () => {
  let nova: NovaReference;
  beforeAll(async () => {
    nova = await startNovaReference({});
  });
  afterAll(async () => {
    await nova.close();
  });

  test('a rename that resets accessIPv4 to its default is caught even when the server held the default already', async () => {
    const target = targetNamed('nova');
    const config = loadConfig({ ...passwordAuthEnv(nova), NOVA_ALT_SERVER_IDS: '', NOVA_SERVER_IDS: nova.serverIds.a[0] ?? '', CONFORMANCE_REPORT_DIR: dir });
    // Bring the only server to the defaults a freshly booted server has ("" access IPs): only a lenient backend allows it.
    nova.setFaults(['lenient-ip']);
    const put = await fetch(`${nova.url}/servers/${nova.serverIds.a[0]}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': nova.users.memberA.token },
      body: JSON.stringify({ server: { accessIPv4: '', accessIPv6: '' } }),
    });
    expect(put.status).toBe(200);
    nova.setFaults(['reset-access-ipv4']);
    const suite = await openSuite(target, config);
    try {
      const v = suite.variants.find((x) => x.id === 'nova.servers.update.name-and-description@2.19') as CaseVariant;
      const r = await runCase(v, suite.adapter, suite.schemas);
      expect(r.verdict, JSON.stringify(r.evidence.map((e) => [e.request.body, e.response.body]))).toBe('fail');
      expect(explain(r)).toBe('[immutability] Field outside the update changed at /server/accessIPv4: "192.0.2.201" → ""');
    } finally {
      await suite.close();
      nova.setFaults([]);
    }
  });

  test('a Nova case seeds only the fields its GET before shows without the seed value, and then reads the server again', async () => {
    const config = loadConfig({ ...passwordAuthEnv(nova), NOVA_ALT_SERVER_IDS: '', NOVA_SERVER_IDS: nova.serverIds.a[1] ?? '', CONFORMANCE_REPORT_DIR: dir });
    const suite = await openSuite(targetNamed('nova'), config);
    const empty = (mv: string) => suite.variants.find((x) => x.id === `nova.servers.update.empty-server-object@${mv}`) as CaseVariant;
    const steps = async (v: CaseVariant) => {
      const r = await runCase(v, suite.adapter, suite.schemas, { fullEvidence: true });
      expect(r.verdict, explain(r)).toBe('pass');
      return r.evidence.map((e) => {
        const put = e.role === 'setup' && e.request.method === 'PUT';
        return `${e.role} ${e.request.method}${
          put
            ? ` ${Object.keys(JSON.parse(e.request.body ?? '{}').server)
                .sort()
                .join(',')}`
            : ''
        }`;
      });
    };
    try {
      // 2.1 hides description and hostname: only what it shows is seeded, after a first look.
      expect(await steps(empty('2.1'))).toEqual(['setup GET', 'setup PUT OS-DCF:diskConfig,accessIPv4,accessIPv6', 'before GET', 'update PUT', 'after GET']);
      // 2.19 shows the description, which the server does not hold with its seed value yet.
      expect(await steps(empty('2.19'))).toEqual(['setup GET', 'setup PUT description', 'before GET', 'update PUT', 'after GET']);
      // Now every field 2.19 shows holds its seed: the last GET says so, nothing to add.
      expect(await steps(empty('2.19'))).toEqual(['before GET', 'update PUT', 'after GET']);
    } finally {
      await suite.close();
    }
  });

  test('the k8s pod starts with distinctive values in the fields the case does not target', async () => {
    const { startingPod, loadPodTemplate } = await import('../engine/targets/k8s/pods-patch.ts');
    const t = targetNamed('k8s');
    const { casesOf } = await import('../engine/targets/index.ts');
    const byId = (id: string) => casesOf(t).find((c) => c.id === id) as Parameters<typeof startingPod>[1];
    const labels = startingPod(loadPodTemplate(), byId('k8s.pods.patch.labels-add')) as { metadata: { annotations: object }; spec: Record<string, unknown> };
    expect(labels.spec.activeDeadlineSeconds).toBe(86400);
    expect(labels.spec.initContainers).toEqual([{ name: 'seed', image: 'busybox:1' }]);
    expect(labels.spec.tolerations).toContainEqual({ key: 'update-conformance/seed', operator: 'Exists', effect: 'NoSchedule' });
    expect(labels.metadata.annotations).toHaveProperty('update-conformance/seed');
    // A case that targets a seeded field starts from its default, as its expectation says.
    const deadline = startingPod(loadPodTemplate(), byId('k8s.pods.patch.active-deadline-set')) as { spec: Record<string, unknown> };
    expect(deadline.spec.activeDeadlineSeconds).toBeUndefined();
  });
});

describe('preflight covers every named object; a run that cannot start leaves earlier reports untouched', () => {
  let nova: NovaReference;
  beforeAll(async () => {
    nova = await startNovaReference({});
  });
  afterAll(async () => {
    await nova.close();
  });

  test('a bad NOVA_SERVER_IDS: one line, exit 2, before any update; the previous results.json stays', async () => {
    const d = join(dir, 'earlier');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'results.json'), '{"earlier": true}\n');
    const run = await runMain(['run'], { ...passwordAuthEnv(nova), NOVA_SERVER_IDS: '00000000-0000-0000-0000-000000000000', CONFORMANCE_REPORT_DIR: d });
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      'configuration error: NOVA_SERVER_IDS: not found in the configured project: 00000000-0000-0000-0000-000000000000 (404) — give ids of servers of that project',
    ]);
    expect(readFileSync(join(d, 'results.json'), 'utf8')).toBe('{"earlier": true}\n');
  });

  test('a NOVA_ALT_SERVER_IDS the second project cannot see: exit 2', async () => {
    const run = await runMain(['run'], { ...passwordAuthEnv(nova), NOVA_ALT_SERVER_IDS: nova.serverIds.a[0] ?? '', CONFORMANCE_REPORT_DIR: join(dir, 'alt') });
    expect(run.code).toBe(2);
    expect(run.err[0]).toMatch(/^configuration error: NOVA_ALT_SERVER_IDS: not found in the second project: /);
  });
});

describe('one vocabulary', () => {
  const report = (over: Partial<RunReport>): RunReport => ({
    tool: { name: 'update-conformance', version: 't' },
    runId: 'voc1',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:01Z',
    interrupted: false,
    targets: [],
    results: [],
    runErrors: [],
    ...over,
  });
  const result = (id: string, caseId: string, conflict: boolean) => ({
    id,
    caseId,
    suite: 'k8s.pods.patch',
    title: id,
    kind: 'allowed' as const,
    fields: [],
    tags: [],
    source: ['s'],
    verdict: 'pass' as const,
    failures: [],
    checks: [],
    evidence: [],
    requests: 1,
    durationMs: 1,
    ...(conflict ? { docConflict: { docSays: 'x', upstream: 'y', followed: 'upstream' as const } } : {}),
  });

  test('variants of cases, and one count of document conflicts (cases, not variants) in console, summary.md and HTML', async () => {
    const results = [
      result('k8s.pods.patch.a@json-patch', 'k8s.pods.patch.a', true),
      result('k8s.pods.patch.a@merge-patch', 'k8s.pods.patch.a', true),
      result('k8s.pods.patch.b', 'k8s.pods.patch.b', false),
    ];
    const lines: string[] = [];
    const r = report({ results });
    new ConformanceReporter({ runId: 'voc1', version: 't', kind: 'configured', onReport: () => {}, write: (l) => lines.push(l) }).finish(r);
    expect(lines).toContain('1 case(s) where the document and upstream disagree (listed in summary.md)');
    expect(lines.at(-1)).toBe('3 passed, 0 failed, 0 errors, 0 skipped (3 variants of 2 cases)');
    const md = renderMarkdown(r);
    expect(md).toContain('3 variants of 2 cases');
    expect(md).toContain('## Where the document and upstream disagree (1 cases)');
    const { renderHtml } = await import('../reporters/html.ts');
    expect(renderHtml(r)).toContain('3 variants of 2 cases · 1 cases with a document conflict');
  });

  test('an interrupted run lists the suites that did not run as "not run" and hides the pool\'s complaints', () => {
    expect(meaningfulRunErrors(['[vitest-pool]: Worker forks emitted error', 'leak: pod x'], true)).toEqual(['leak: pod x']);
    expect(meaningfulRunErrors(['[vitest-pool]: Worker forks emitted error'], false)).toHaveLength(1);
    const r = report({ interrupted: true, notRun: ['nova.servers.update'], results: [result('k8s.pods.patch.b', 'k8s.pods.patch.b', false)] });
    const lines: string[] = [];
    new ConformanceReporter({ runId: 'voc1', version: 't', kind: 'configured', onReport: () => {}, write: (l) => lines.push(l) }).finish(r);
    expect(lines).toContain('nova.servers.update: not run');
    expect(renderMarkdown(r)).toContain('Not run: nova.servers.update');
  });
});
