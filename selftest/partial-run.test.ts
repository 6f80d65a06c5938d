/**
 * Partial is partial, everywhere (issue 22): a run whose selection (cases, tags, suites, shard, rerun) covers less
 * than every variant the target can run is headlined "partial: N of M variants" on the console and in
 * summary.md, report.html, junit.xml and verdict.json, and still exits 0 when nothing failed; results.json
 * records the scope, the configuration and the target; `bundle` refuses it unless --partial, and records the
 * run's configuration, not its own environment's; `verify` shows the scope; `merge` of every shard is complete
 * again; `--rerun-failed` records the run it reruns and warns when the target differs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type CliOutcome, readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'partial-run-token-0123456789';
const CASE = 'k8s.pods.patch.image-replace';
let k8s: K8sReference;
let other: K8sReference;
const env = (dir: string, extra: Record<string, string> = {}) => ({ K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN, CONFORMANCE_REPORT_DIR: dir, ...extra });
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const verdictFile = (dir: string) => JSON.parse(read(dir, 'verdict.json'));

let full: { dir: string; run: CliOutcome };
let one: { dir: string; run: CliOutcome };

beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN });
  other = await startK8sReference({ token: TOKEN });
  const fullDir = reportDir('partial/full');
  const oneDir = reportDir('partial/case');
  full = { dir: fullDir, run: await runMain(['run'], env(fullDir, { CONFORMANCE_RUN_ID: 'full1' })) };
  one = { dir: oneDir, run: await runMain(['run', '--case', CASE], env(oneDir, { CONFORMANCE_RUN_ID: 'case1' })) };
}, 120_000);

afterAll(async () => {
  await k8s?.close();
  await other?.close();
});

describe('a --case run', () => {
  test('is headlined "partial: N of M variants" on the console, and exits 0 when nothing failed', () => {
    const { run } = one;
    expect(run.code, run.out.join('\n')).toBe(0);
    expect(run.out).toContain(`Scope: partial: 3 of 342 variants (cases ${CASE})`);
    expect(run.out.at(-1)).toBe(`verdict: partial: 3 of 342 variants (cases ${CASE}) — conformant (exit 0)`);
  });

  test('summary.md, report.html, junit.xml and verdict.json say so too', () => {
    const { dir } = one;
    expect(read(dir, 'summary.md').split('\n')[0]).toBe(`# update-conformance: ◐ partial: 3 of 342 variants (cases ${CASE}) — conformant`);
    expect(read(dir, 'report.html')).toContain(`<span class="error">partial: 3 of 342 variants (cases ${CASE}) — conformant</span>`);
    expect(read(dir, 'junit.xml')).toContain(`<property name="scope" value="partial: 3 of 342 variants (cases ${CASE})"/>`);
    const v = verdictFile(dir);
    expect(v.verdict).toBe('conformant');
    expect(v.exitCode).toBe(0);
    expect(v.scope).toEqual({
      partial: true,
      selected: 3,
      available: 342,
      description: `partial: 3 of 342 variants (cases ${CASE})`,
      selection: { cases: [CASE] },
    });
  });

  test('results.json records the scope, where the configuration came from and the target', () => {
    const r = readReport(one.dir);
    expect(r.scope).toMatchObject({ partial: true, selected: 3, available: 342, suites: { 'k8s.pods.patch': { selected: 3, available: 342 } } });
    const c = r.configuration as { source: { flags: string[] }; variables: Record<string, string>; effective: { k8s: { server: string } } };
    expect(c.source.flags).toEqual(['--case']);
    expect(c.variables).toMatchObject({ K8S_SERVER: k8s.url, K8S_TOKEN: '***', CONFORMANCE_CASES: CASE });
    expect(c.effective.k8s.server).toBe(k8s.url);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
    expect(r.targets[0]).toMatchObject({ url: k8s.url, version: 'v1.34.0-reference', details: { namespace: expect.stringMatching(/^uc-case1-ns$/) } });
  });
});

describe('a run of every variant', () => {
  test('is complete: no "partial" anywhere, the verdict as before', () => {
    expect(full.run.code).toBe(0);
    expect(full.run.out.join('\n')).not.toMatch(/partial:/);
    expect(full.run.out.at(-1)).toBe('verdict: conformant (exit 0)');
    expect(verdictFile(full.dir).scope).toMatchObject({ partial: false, selected: 342, available: 342, description: 'complete: 342 of 342 variants' });
    expect(read(full.dir, 'summary.md').split('\n')[0]).toBe('# update-conformance: ✅ conformant');
  });

  test("junit.xml's time is wall time, not the sum of the variants' times", () => {
    const r = readReport(full.dir);
    const wall = (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000;
    const sum = r.results.reduce((n, x) => n + x.durationMs, 0) / 1000;
    expect(sum).toBeGreaterThan(wall); // concurrent variants: the sum is more than the run took
    const time = Number(/<testsuites [^>]*time="([\d.]+)"/.exec(read(full.dir, 'junit.xml'))?.[1]);
    expect(time).toBeCloseTo(wall, 1);
  });
});

describe('shards and merge', () => {
  test('each shard is partial; the merge of all four is complete again, of three it is not', async () => {
    const dirs: string[] = [];
    for (const i of [1, 2, 3, 4]) {
      const dir = reportDir(`partial/shard-${i}`);
      const run = await runMain(['run', '--shard', `${i}/4`], env(dir, { CONFORMANCE_RUN_ID: `shard${i}` }));
      expect(run.code).toBe(0);
      const v = verdictFile(dir);
      expect(v.scope.partial).toBe(true);
      expect(v.scope.description).toMatch(new RegExp(`^partial: \\d+ of 342 variants \\(shard ${i}/4\\)$`));
      expect(run.out.at(-1)).toMatch(new RegExp(`^verdict: partial: \\d+ of 342 variants \\(shard ${i}/4\\) — conformant \\(exit 0\\)$`));
      dirs.push(dir);
    }
    const all = await runMain(['merge', ...dirs], { CONFORMANCE_REPORT_DIR: reportDir('partial/merged') });
    expect(all.out).toContain('scope: complete — all 342 variants present');
    expect(all.out.at(-1)).toBe('verdict: conformant (exit 0)');
    const three = await runMain(['merge', ...dirs.slice(0, 3)], { CONFORMANCE_REPORT_DIR: reportDir('partial/merged-3') });
    expect(three.out.find((l) => l.startsWith('scope:'))).toMatch(/^scope: partial: \d+ of 342 variants$/);
  }, 120_000);
});

describe('bundle and verify of a partial run', () => {
  test('bundle refuses it (exit 2), --partial packs it marked partial, with the run configuration; verify shows the scope', async () => {
    // bundle runs where the run did not: no target settings here, only the report directory.
    const refused = await runMain(['bundle', '--out', reportDir('partial/bundle-refused')], { CONFORMANCE_REPORT_DIR: one.dir });
    expect(refused.code).toBe(2);
    expect(refused.err).toEqual([
      `configuration error: bundle: run case1 in ${one.dir} is partial: 3 of 342 variants (cases ${CASE}) — run every variant (or \`merge\` all shards) and bundle that, or pass --partial to pack it marked partial`,
    ]);
    const out = reportDir('partial/bundle');
    const packed = await runMain(['bundle', '--partial', '--out', out], { CONFORMANCE_REPORT_DIR: one.dir });
    expect(packed.code).toBe(0);
    expect(packed.out[0]).toMatch(/, PARTIAL: partial: 3 of 342 variants/);
    const config = JSON.parse(read(out, 'config.json'));
    expect(config.effective.k8s.server).toBe(k8s.url);
    expect(config.effective.run.selection.ids).toEqual([CASE]);
    expect(config.variables.K8S_TOKEN).toBe('***');
    expect(JSON.parse(read(out, 'target.json')).scope).toMatchObject({ partial: true, selected: 3, available: 342 });
    const verify = await runMain(['verify', out], {});
    expect(verify.code).toBe(0);
    expect(verify.out).toContain(`  scope: partial: 3 of 342 variants (cases ${CASE})`);
    expect(verify.out).toContain('  3 passed, 0 failed, 0 errors, 0 skipped (3 variants); 0 run error(s)');
  });
});

describe('--rerun-failed', () => {
  test('records the run it reruns, is partial, and warns when the target differs', async () => {
    const earlier = readReport(one.dir);
    const first = earlier.results[0];
    if (!first) throw new Error('no result');
    first.verdict = 'fail';
    const source = reportDir('partial/rerun-source');
    mkdirSync(source, { recursive: true });
    const file = join(source, 'results.json');
    writeFileSync(file, JSON.stringify(earlier));
    const dir = reportDir('partial/rerun');
    const run = await runMain(['run', '--rerun-failed', file], { K8S_SERVER: other.url, K8S_TOKEN: TOKEN, CONFORMANCE_REPORT_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      `WARNING: --rerun-failed reruns the failures of another target (k8s.pods.patch: run case1 tested ${k8s.url}, this run ${other.url}).`,
    );
    expect(run.out.at(-1)).toBe('verdict: partial: 1 of 342 variants (rerun of the failures of run case1) — conformant (exit 0)');
    const rerun = readReport(dir).scope?.selection.rerun;
    expect(rerun).toMatchObject({ runId: 'case1', file, variants: 1, targets: [{ suite: 'k8s.pods.patch', url: k8s.url }] });
    expect(rerun?.targetChanged).toContain(other.url);
  });

  test('after a green run there is nothing to rerun: said, exit 0', async () => {
    const run = await runMain(['run', '--rerun-failed', join(one.dir, 'results.json')], env(reportDir('partial/rerun-green')));
    expect(run.code).toBe(0);
    expect(run.out).toEqual([`Nothing to rerun: run case1 (${join(one.dir, 'results.json')}) has no failed or errored variant.`]);
  });

  test('a file that cannot be read is named by the flag the user gave', async () => {
    const run = await runMain(['run', '--rerun-failed', 'nope.json'], env(reportDir('partial/rerun-nope')));
    expect(run.code).toBe(2);
    expect(run.err).toEqual(["configuration error: --rerun-failed: cannot read nope.json (ENOENT) — point it at an earlier run's results.json"]);
    // Set as a variable, the variable is named.
    const byVariable = await runMain(['run'], env(reportDir('partial/rerun-nope-var'), { CONFORMANCE_RERUN_FAILED: 'nope.json' }));
    expect(byVariable.err[0]).toMatch(/^configuration error: CONFORMANCE_RERUN_FAILED: cannot read nope\.json/);
  });
});

describe('what a newcomer tripped over', () => {
  test('a fault setting with a configured target is named in a warning', async () => {
    const run = await runMain(['run', '--case', CASE], env(reportDir('partial/faults'), { K8S_REFERENCE_FAULTS: 'accept-forbidden' }));
    expect(run.out).toContain(
      'WARNING: K8S_REFERENCE_FAULTS is set but the k8s suite runs against the configured target, not a reference backend: the faults are not applied.',
    );
  });

  test("each command's --help prints that command's help", async () => {
    for (const command of ['run', 'list', 'doctor', 'merge', 'bundle', 'verify', 'cleanup']) {
      const help = await runMain([command, '--help'], {});
      expect(help.code).toBe(0);
      expect(help.out[0]).toMatch(new RegExp(`^usage: update-conformance ${command === 'run' ? '\\[run\\]' : `${command}\\b`}`));
    }
    expect((await runMain(['list', '--help'], {})).out.join('\n')).not.toContain('commands:');
  });
});
