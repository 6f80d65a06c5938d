/**
 * Submission bundle: `bundle` after a run, `verify` re-derives the run's exit code (directory and .tar.gz);
 * a changed, added or removed file makes verify fail naming it; a secret in the reports stops `bundle`
 * (the run's secret scan) and is caught by `verify` too; a baselined run bundles its baseline.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { readTree, sha256, tarGz, untarGz } from '../cli/bundle.ts';
import { scanForSecrets } from '../cli/secret-scan.ts';
import { PACKAGE_ROOT } from '../engine/paths.ts';
import { type CliOutcome, readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'bundle-k8s-token-0123456789abcdef';
const SELECTION = 'k8s.pods.patch.metadata-*,k8s.pods.patch.labels-add';

let k8s: K8sReference;
let reports: string;
let run: CliOutcome;

const env = (extra: Record<string, string> = {}) => ({
  K8S_SERVER: k8s.url,
  K8S_TOKEN: TOKEN,
  CONFORMANCE_RUN_ID: 'bundle1',
  CONFORMANCE_REPORT_DIR: reports,
  ...extra,
});

beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN, faults: ['accept-forbidden'] });
  reports = reportDir('bundle-run');
  run = await runMain(['run', '--case', SELECTION], env());
}, 60_000);

afterAll(async () => {
  await k8s?.close();
});

// The run is a selection (partial): bundled with --partial (refusing a partial run is selftest/partial-run.test.ts).
const bundle = (out: string, extra: Record<string, string> = {}) => runMain(['bundle', '--partial', '--out', out], env(extra));
const verify = (path: string, extra: Record<string, string> = {}) => runMain(['verify', path], extra);

describe('bundle and verify', () => {
  test('the run to bundle has conformance failures (exit 1)', () => {
    expect(run.code).toBe(1);
    expect(readReport(reports).results.some((r) => r.verdict === 'fail')).toBe(true);
  });

  test('a directory bundle: reports, suite.json, target.json, config.json without secrets, manifest.json', async () => {
    const out = reportDir('bundle-dir');
    const b = await bundle(out);
    expect(b.code).toBe(0);
    const files = readTree(out);
    expect([...files.keys()].sort()).toEqual([
      'config.json',
      'manifest.json',
      'reports/junit.xml',
      'reports/report.html',
      'reports/results.json',
      'reports/summary.md',
      'suite.json',
      'target.json',
    ]);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '{}') as { files: Record<string, string> };
    for (const [path, hash] of Object.entries(manifest.files)) expect(sha256(files.get(path) ?? ''), path).toBe(hash);
    const suite = JSON.parse(files.get('suite.json')?.toString() ?? '{}');
    expect(suite.tool).toEqual({ name: 'update-conformance', version: expect.any(String) });
    expect(suite.caseFiles.map((c: { path: string }) => c.path)).toEqual(['fixtures/k8s/pods-patch.cases.yaml', 'fixtures/nova/servers-update.cases.yaml']);
    expect(suite.caseFiles[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // Every fixture a verdict depends on, the per-target case schemas and the response schemas included.
    const fixtures = new Map((suite.fixtures as { path: string; sha256: string }[]).map((f) => [f.path, f.sha256]));
    for (const path of ['fixtures/case.schema.json', 'fixtures/k8s/case.schema.json', 'fixtures/nova/case.schema.json', 'fixtures/k8s/schemas/pod.schema.json'])
      expect(fixtures.get(path), path).toBe(sha256(readFileSync(join(PACKAGE_ROOT, path))));
    const target = JSON.parse(files.get('target.json')?.toString() ?? '{}');
    expect(target.targets[0]).toMatchObject({ suite: 'k8s.pods.patch', version: 'v1.34.0-reference' });
    const config = JSON.parse(files.get('config.json')?.toString() ?? '{}');
    expect(config.variables).toMatchObject({ K8S_SERVER: k8s.url, K8S_TOKEN: '***', CONFORMANCE_RUN_ID: 'bundle1' });
    expect(config.effective.k8s).toMatchObject({ server: k8s.url, auth: 'bearer token' });
    // The run's own secret scan passes on the bundle.
    expect(scanForSecrets(out, [TOKEN])).toEqual([]);
  });

  test('verify re-derives the exit code of the run, from a directory and from a .tar.gz', async () => {
    const dir = reportDir('bundle-dir-verify');
    expect((await bundle(dir)).code).toBe(0);
    const v = await verify(dir);
    expect(v.code).toBe(run.code);
    expect(v.out).toContainEqual(expect.stringMatching(/^✓ integrity: 7 files match manifest\.json/));
    expect(v.out.at(-1)).toMatch(/^verdict: partial: \d+ of 342 variants \(cases .*\) — non-conformant \(\d+ failed\) \(exit 1\)$/);
    const tgz = join(reportDir('bundle-tgz'), 'submission.tar.gz');
    expect((await bundle(tgz)).code).toBe(0);
    expect((await verify(tgz)).code).toBe(run.code);
    // Any tar can unpack it, and the unpacked directory verifies the same.
    const unpacked = reportDir('bundle-tgz-unpacked');
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', tgz, '-C', unpacked]);
    expect((await verify(join(unpacked, 'update-conformance-bundle1'))).code).toBe(run.code);
  });

  test('a changed, added or removed file fails verify (exit 1) and is named', async () => {
    const base = reportDir('bundle-tamper-base');
    expect((await bundle(base)).code).toBe(0);
    const copy = (name: string) => {
      const d = reportDir(name);
      cpSync(base, d, { recursive: true });
      return d;
    };
    // Flip a failure into a pass: the verdict would change, the hash gives it away.
    const changed = copy('bundle-tamper-changed');
    const results = join(changed, 'reports', 'results.json');
    writeFileSync(results, readFileSync(results, 'utf8').replace(/"verdict": "fail"/g, '"verdict": "pass"'));
    const v1 = await verify(changed);
    expect(v1.code).toBe(1);
    expect(v1.out).toContain('✗ reports/results.json: sha256 mismatch (changed after bundling)');
    expect(v1.out.at(-1)).toMatch(/verify: FAILED — the bundle does not match its manifest: reports\/results\.json \(exit 1\)/);

    const added = copy('bundle-tamper-added');
    writeFileSync(join(added, 'reports', 'extra.txt'), 'x');
    const v2 = await verify(added);
    expect(v2.code).toBe(1);
    expect(v2.out).toContain('✗ reports/extra.txt: not in the manifest (added after bundling)');

    const removed = copy('bundle-tamper-removed');
    unlinkSync(join(removed, 'reports', 'junit.xml'));
    const v3 = await verify(removed);
    expect(v3.code).toBe(1);
    expect(v3.out).toContain('✗ reports/junit.xml: missing');

    // The same inside a tarball.
    const tgz = join(reportDir('bundle-tamper-tgz'), 'b.tar.gz');
    mkdirSync(join(tgz, '..'), { recursive: true });
    const files = readTree(base);
    files.set('reports/summary.md', Buffer.from(`${files.get('reports/summary.md')?.toString()}\nall good\n`));
    writeFileSync(tgz, tarGz(files, 'update-conformance-bundle1', new Date()));
    expect(untarGz(readFileSync(tgz)).get('reports/summary.md')?.toString()).toMatch(/all good/);
    const v4 = await verify(tgz);
    expect(v4.code).toBe(1);
    expect(v4.out).toContain('✗ reports/summary.md: sha256 mismatch (changed after bundling)');
  });

  test('a secret in the reports: bundle refuses (exit 3, nothing written) and verify catches it', async () => {
    const planted = reportDir('bundle-planted-reports');
    cpSync(reports, planted, { recursive: true });
    writeFileSync(join(planted, 'summary.md'), `${readFileSync(join(planted, 'summary.md'), 'utf8')}\ndebug: token ${TOKEN}\n`);
    const out = reportDir('bundle-planted');
    const b = await bundle(out, { CONFORMANCE_REPORT_DIR: planted });
    expect(b.code).toBe(3);
    expect(b.out.join('\n')).toMatch(/bundle: REFUSED — a secret value or an unredacted credential appears in reports\/summary\.md/);
    expect(b.out.join('\n')).not.toContain(TOKEN);
    expect(existsSync(out)).toBe(false);

    // A credential the bundling environment does not know: an unredacted header in the evidence.
    const header = reportDir('bundle-planted-header-reports');
    cpSync(reports, header, { recursive: true });
    const results = join(header, 'results.json');
    writeFileSync(results, readFileSync(results, 'utf8').replace('"authorization": "Bearer ***"', '"authorization": "Bearer some-other-token-42"'));
    expect(readFileSync(results, 'utf8')).toContain('some-other-token-42');
    const b2 = await bundle(reportDir('bundle-planted-header'), { CONFORMANCE_REPORT_DIR: header });
    expect(b2.code).toBe(3);
    expect(b2.out.join('\n')).toMatch(/reports\/results\.json/);

    // Planted after bundling with the manifest rewritten to match: verify still finds it (exit 3).
    const forged = reportDir('bundle-planted-forged');
    expect((await bundle(forged)).code).toBe(0);
    const files = readTree(forged);
    const md = Buffer.from(`${files.get('reports/summary.md')?.toString()}\n${TOKEN}\n`);
    writeFileSync(join(forged, 'reports', 'summary.md'), md);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '{}');
    manifest.files['reports/summary.md'] = sha256(md);
    writeFileSync(join(forged, 'manifest.json'), JSON.stringify(manifest));
    const v = await verify(forged, { K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN });
    expect(v.code).toBe(3);
    expect(v.out).toContainEqual(expect.stringMatching(/^✗ secrets: .*reports\/summary\.md/));
    // Leave no planted secret under reports/ (a later run's artifact scan walks it).
    for (const d of [planted, header, forged]) rmSync(d, { recursive: true, force: true });
  });

  test('a baselined run: the bundle carries the baseline and verify re-derives exit 0', async () => {
    const failing = [
      ...new Set(
        readReport(reports)
          .results.filter((r) => r.verdict === 'fail')
          .map((r) => r.caseId),
      ),
    ];
    const dir = reportDir('bundle-baselined-run');
    mkdirSync(dir, { recursive: true });
    const baseline = join(dir, '..', 'bundle-baseline.yaml');
    writeFileSync(baseline, failing.map((id) => `- id: ${id}\n  reason: the faulty backend accepts it\n`).join(''));
    const r = await runMain(['run', '--case', SELECTION, '--baseline', baseline], env({ CONFORMANCE_REPORT_DIR: dir, CONFORMANCE_RUN_ID: 'bundle2' }));
    expect(r.code).toBe(0);
    // Without the baseline the verdict could not be re-derived: a usage error.
    const missing = await bundle(reportDir('bundle-baselined-nobaseline'), { CONFORMANCE_REPORT_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toMatch(/CONFORMANCE_BASELINE: the run was judged by a baseline/);
    const out = reportDir('bundle-baselined');
    expect((await bundle(out, { CONFORMANCE_REPORT_DIR: dir, CONFORMANCE_BASELINE: baseline })).code).toBe(0);
    expect(existsSync(join(out, 'baseline.yaml'))).toBe(true);
    const v = await verify(out);
    expect(v.code).toBe(0);
    expect(v.out).toContainEqual(expect.stringMatching(/baseline: \d+ known deviation\(s\) excused, 0 problem\(s\)/));
    // Emptying the bundled baseline would turn the verdict: the hash gives it away.
    writeFileSync(join(out, 'baseline.yaml'), '[]\n');
    const v2 = await verify(out);
    expect(v2.code).toBe(1);
    expect(v2.out).toContain('✗ baseline.yaml: sha256 mismatch (changed after bundling)');
    rmSync(baseline);
  });

  test('verify of something that is not a bundle is a usage error', async () => {
    expect((await verify(join(reports, 'nope'))).code).toBe(2);
    expect((await verify(join(reports, 'summary.md'))).code).toBe(2);
    expect((await runMain(['verify'], {})).code).toBe(2);
  });
});
