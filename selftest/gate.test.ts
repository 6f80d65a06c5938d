/**
 * Release-gate behaviour: selection, the baseline of known deviations and the exit codes, each row a run of
 * the real command against a reference backend with a fault that makes some cases fail.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'gate-test-token';
const CASES = 'k8s.pods.patch.image-*';
const dir = mkdtempSync(join(tmpdir(), 'uc-gate-'));
const baseline = (name: string, yaml: string) => {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
};

describe('selection, baseline and exit codes', () => {
  let faithful: K8sReference;
  let broken: K8sReference;
  let failing: string[] = [];
  const env = (k8s: K8sReference, extra: Record<string, string> = {}) => ({
    K8S_SERVER: k8s.url,
    K8S_TOKEN: TOKEN,
    CONFORMANCE_REPORT_DIR: reportDir('gate'),
    ...extra,
  });

  beforeAll(async () => {
    faithful = await startK8sReference({ token: TOKEN });
    broken = await startK8sReference({ token: TOKEN, faults: ['wrong-reason'] });
    await runMain(['run', '--case', CASES], env(broken));
    failing = readReport(join(process.cwd(), 'reports', 'selftest', 'gate'))
      .results.filter((r) => r.verdict === 'fail')
      .map((r) => r.id);
  });
  afterAll(async () => {
    await faithful.close();
    await broken.close();
  });

  test('a selection runs only the matching variants; all pass → exit 0', async () => {
    const run = await runMain(['run', '--case', CASES], env(faithful));
    expect(run.code).toBe(0);
    const ids = readReport(join(process.cwd(), 'reports', 'selftest', 'gate')).results.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.every((id) => id.startsWith('k8s.pods.patch.image-'))).toBe(true);
  });

  test('conformance failures → exit 1', async () => {
    expect(failing.length).toBeGreaterThan(0);
    expect((await runMain(['run', '--case', CASES], env(broken))).code).toBe(1);
  });

  test('failures listed in the baseline do not fail the gate → exit 0', async () => {
    const file = baseline('listed.yaml', failing.map((id) => `- id: ${id}\n  reason: vendor keeps its own wording\n`).join(''));
    const run = await runMain(['run', '--case', CASES, '--baseline', file], env(broken));
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toContain(`baseline: ${failing.length} known deviation(s) excused`);
  });

  test('a baseline entry by case id covers all its variants', async () => {
    const caseIds = [...new Set(failing.map((id) => id.split('@')[0]))];
    const file = baseline('by-case.yaml', caseIds.map((id) => `- id: ${id}\n  reason: known wording difference\n`).join(''));
    expect((await runMain(['run', '--case', CASES, '--baseline', file], env(broken))).code).toBe(0);
  });

  test('a listed case that now passes is a stale entry → exit 1', async () => {
    const file = baseline('stale.yaml', `- id: ${failing[0]}\n  reason: was broken once\n`);
    const run = await runMain(['run', '--case', CASES, '--baseline', file], env(faithful));
    expect(run.code).toBe(1);
    expect(run.out.join('\n')).toContain(`stale baseline entry ${failing[0]}: the case now passes — remove the entry`);
  });

  test('an expired entry no longer excuses → exit 1', async () => {
    const file = baseline('expired.yaml', failing.map((id) => `- id: ${id}\n  reason: accepted until the fix\n  expires: 2020-01-01\n`).join(''));
    const run = await runMain(['run', '--case', CASES, '--baseline', file], env(broken));
    expect(run.code).toBe(1);
    expect(run.out.join('\n')).toContain('expired on 2020-01-01');
  });

  test('an entry that matches no case that ran → exit 1', async () => {
    const file = baseline(
      'unmatched.yaml',
      [...failing.map((id) => `- id: ${id}\n  reason: accepted wording\n`), '- id: k8s.pods.patch.no-such-case\n  reason: accepted wording\n'].join(''),
    );
    const run = await runMain(['run', '--case', CASES, '--baseline', file], env(broken));
    expect(run.code).toBe(1);
    expect(run.out.join('\n')).toContain('baseline entry k8s.pods.patch.no-such-case matches no case that ran');
  });

  test('--update-baseline writes the failures with a placeholder reason and an expiry: the gate fails until someone explains them', async () => {
    const file = join(dir, 'written.yaml');
    const run = await runMain(['run', '--case', CASES, '--baseline', file, '--update-baseline'], env(broken));
    expect(run.code).toBe(1);
    expect(run.out.join('\n')).toContain(
      `baseline entry ${failing[0]}: the reason is still the placeholder --update-baseline wrote — write why this deviation is accepted`,
    );
    const written = readFileSync(file, 'utf8');
    for (const id of failing) expect(written).toContain(`id: ${id}`);
    const in90 = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    expect(written).toContain(`expires: ${in90}`);
    writeFileSync(file, written.replace(/reason: .*/g, 'reason: "vendor wording, accepted in ticket 42"'));
    const explained = await runMain(['run', '--case', CASES, '--baseline', file], env(broken));
    expect(explained.code).toBe(0);
    expect(explained.out.join('\n')).toContain(`— conformant with ${failing.length} known deviations (written.yaml) (exit 0)`);
    const dirOf = join(process.cwd(), 'reports', 'selftest', 'gate');
    expect(readFileSync(join(dirOf, 'summary.md'), 'utf8')).toContain(`conformant with ${failing.length} known deviations (written.yaml)`);
    expect(readFileSync(join(dirOf, 'report.html'), 'utf8')).toContain(`conformant with ${failing.length} known deviations (written.yaml)`);
  });

  test('an entry without a real reason excuses nothing and fails the gate with one line → exit 1', async () => {
    for (const reason of ['', 'reason: ""\n', 'reason: TODO\n', 'reason: n/a\n']) {
      const file = baseline('unexplained.yaml', failing.map((id) => `- id: ${id}\n  ${reason}`).join('\n'));
      const run = await runMain(['run', '--case', CASES, '--baseline', file], env(broken));
      expect(run.code, reason).toBe(1);
      expect(run.out.filter((l) => l.startsWith(`baseline: baseline entry ${failing[0]}:`))).toHaveLength(1);
    }
  });

  test('a malformed baseline is a usage error → exit 2', async () => {
    const file = baseline('bad.yaml', '- reason: no id\n');
    const run = await runMain(['run', '--case', CASES, '--baseline', file], env(faithful));
    expect(run.code).toBe(2);
    expect(run.err[0]).toContain('--baseline: entry 1 needs an id');
  });

  test('a case filter or tag that matches nothing is an error, not a silent pass → exit 2', async () => {
    const a = await runMain(['run', '--case', 'k8s.pods.patch.nothing-*'], env(faithful));
    expect(a.code).toBe(2);
    expect(a.err[0]).toContain('--case: "k8s.pods.patch.nothing-*" matches no case');
    const b = await runMain(['run', '--tag', 'flaky'], env(faithful));
    expect(b.code).toBe(2);
    expect(b.err[0]).toContain('--tag: unknown tag "flaky"');
  });

  test('list prints the selected cases without sending anything; --json for machines', async () => {
    const before = faithful.podCount();
    const text = await runMain(['list', '--tag', 'dry-run'], env(faithful));
    expect(text.code).toBe(0);
    expect(text.out.at(-1)).toMatch(/^\d+ case\(s\) selected$/);
    const json = await runMain(['list', '--case', CASES, '--json'], env(faithful));
    const rows = JSON.parse(json.out.join('\n')) as { id: string; source: string[] }[];
    expect(rows.every((r) => r.id.startsWith('k8s.pods.patch.image-') && r.source.length > 0)).toBe(true);
    expect(faithful.podCount()).toBe(before);
  });
});
