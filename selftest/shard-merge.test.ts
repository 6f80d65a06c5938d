/**
 * Case-level sharding and `merge`: one unsharded run and the two halves of a `--shard i/2` split (same run id,
 * separate report directories) of the same selection, against the same targets — a Kubernetes reference backend
 * with the `accept-forbidden` fault (so there are failures to compare) and the embedded Nova backend — merge into
 * the same results, JUnit, summary and exit code as the single run. Timing and run-time values (durations,
 * timestamps, generated names, uids, ports) are left out of the comparison.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import { fnv1a32, inShard, parseShard, shardOf } from '../engine/cases/shard.ts';
import type { CaseResult } from '../engine/results.ts';
import type { RunReport } from '../reporters/model.ts';
import { type CliOutcome, readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'shard-merge-k8s-token-0123456789';
const RUN_ID = 'shardmg';
// 40 k8s variants (14 fail under accept-forbidden) and 92 nova variants (2 skipped: outside 2.1–2.93).
const SELECTION =
  'k8s.pods.patch.metadata-*,k8s.pods.patch.labels-*,k8s.pods.patch.active-deadline-*,nova.servers.update.rename*,nova.servers.update.hostname-*';

let k8s: K8sReference;
// Both suites against configured backends: a configured run never includes an embedded one (issue 12).
let nova: NovaReference;
const dirs = { single: '', s1: '', s2: '', merged: '' };
const runs: Record<'single' | 's1' | 's2', CliOutcome | undefined> = { single: undefined, s1: undefined, s2: undefined };

const env = (extra: Record<string, string> = {}) => ({
  K8S_SERVER: k8s.url,
  K8S_TOKEN: TOKEN,
  ...passwordAuthEnv(nova),
  CONFORMANCE_SUITES: 'k8s,nova',
  CONFORMANCE_RUN_ID: RUN_ID,
  ...extra,
});

beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN, faults: ['accept-forbidden'] });
  nova = await startNovaReference({});
  dirs.single = reportDir('shard-single');
  dirs.s1 = reportDir('shard-1-of-2');
  dirs.s2 = reportDir('shard-2-of-2');
  dirs.merged = reportDir('shard-merged');
  runs.single = await runMain(['run', '--case', SELECTION, '--report-dir', dirs.single], env());
  runs.s1 = await runMain(['run', '--case', SELECTION, '--shard', '1/2', '--report-dir', dirs.s1], env());
  runs.s2 = await runMain(['run', '--case', SELECTION, '--shard', '2/2', '--report-dir', dirs.s2], env());
}, 120_000);

afterAll(async () => {
  await k8s?.close();
  await nova?.close();
});

/** Run-time values that differ between two runs of the same cases. */
function mask(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/uc-[a-z0-9]+-\d+/g, 'uc-<id>-<n>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

/** What must be equal between a single run and a merge: ids, verdicts, reasons, failures, checks. */
function comparable(r: CaseResult) {
  return {
    id: r.id,
    caseId: r.caseId,
    variant: r.variant,
    suite: r.suite,
    kind: r.kind,
    verdict: r.verdict,
    reason: r.reason === undefined ? undefined : mask(r.reason),
    failures: JSON.parse(mask(JSON.stringify(r.failures))),
    checks: r.checks,
    docConflict: r.docConflict,
    source: r.source,
  };
}

const byId = (report: RunReport) => [...report.results].sort((a, b) => a.id.localeCompare(b.id)).map(comparable);

/** JUnit as (suite counts, one row per testcase: name, outcome element, its message) without timing. */
function junitShape(xml: string) {
  const root = /<testsuites [^>]*?tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(xml)?.slice(1);
  const cases = xml
    .split('<testcase ')
    .slice(1)
    .map((chunk) => {
      const body = chunk.slice(0, chunk.indexOf('</testcase>'));
      const name = /name="([^"]*)"/.exec(body)?.[1];
      const outcome = /<(failure|error|skipped)(?: message="([^"]*)")?/.exec(body);
      const props = [...body.matchAll(/<property name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => `${m[1]}=${mask(m[2] ?? '')}`);
      return { name, outcome: outcome?.[1] ?? 'pass', message: mask(outcome?.[2] ?? ''), props };
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return { root, cases };
}

/** Summary lines that do not depend on the run's time or ports: verdict, count tables, failure lines. */
function summaryShape(md: string) {
  return md
    .split('\n')
    .filter((l) => l.startsWith('# ') || l.startsWith('|') || /^- [✗!] /.test(l) || l.startsWith('  - doc conflict'))
    .map(mask);
}

describe('shard partition', () => {
  test('FNV-1a is the published function (so every CI shard computes the same split)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  test('every id lands in exactly one shard', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `k8s.pods.patch.case-${i}@merge-patch`);
    for (const n of [1, 2, 3, 7]) {
      for (const id of ids) {
        const owners = Array.from({ length: n }, (_, i) => i + 1).filter((i) => inShard(id, { index: i, total: n }));
        expect(owners).toEqual([shardOf(id, n)]);
      }
    }
  });

  test.each(['0/2', '3/2', '1/0', 'a/b', '1-2', '1/2/3', '2/2000'])('CONFORMANCE_SHARD=%s is a configuration error', (value) => {
    expect(() => parseShard(value)).toThrow(/CONFORMANCE_SHARD/);
  });

  test('a malformed --shard stops the run before anything starts (exit 2)', async () => {
    const r = await runMain(['run', '--shard', '3/2'], { CONFORMANCE_REPORT_DIR: reportDir('shard-bad') });
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/--shard: "3\/2" is out of range/);
    const viaEnv = await runMain(['run'], { CONFORMANCE_SHARD: 'half', CONFORMANCE_REPORT_DIR: reportDir('shard-bad') });
    expect(viaEnv.code).toBe(2);
  });
});

describe('two shards merged equal one run', () => {
  test('the single run has failures, passes and skips; each shard ran a part', () => {
    const single = readReport(dirs.single);
    const verdicts = new Set(single.results.map((r) => r.verdict));
    expect(verdicts).toEqual(new Set(['pass', 'fail', 'skip']));
    expect(runs.single?.code).toBe(1);
    const a = readReport(dirs.s1);
    const b = readReport(dirs.s2);
    expect(a.shard).toEqual({ index: 1, total: 2 });
    expect(b.shard).toEqual({ index: 2, total: 2 });
    expect(a.results.length).toBeGreaterThan(0);
    expect(b.results.length).toBeGreaterThan(0);
    expect(a.results.length + b.results.length).toBe(single.results.length);
    expect(a.results.filter((r) => b.results.some((x) => x.id === r.id))).toEqual([]);
  });

  test('merge writes results equal to the single run, and exits like it', async () => {
    const r = await runMain(['merge', dirs.s1, dirs.s2, '--report-dir', dirs.merged], {});
    expect(r.err).toEqual([]);
    expect(r.code).toBe(runs.single?.code);
    const merged = readReport(dirs.merged);
    const single = readReport(dirs.single);
    expect(byId(merged)).toEqual(byId(single));
    expect(merged.runId).toBe(RUN_ID);
    expect(merged.shard).toBeUndefined();
    expect(merged.runErrors).toEqual(single.runErrors);
    expect(merged.interrupted).toBe(false);
    expect(merged.startedAt <= merged.finishedAt).toBe(true);
    // Targets are deduplicated: the one k8s backend and the one Nova backend once each (both configured: issue 12
    // forbids a configured run with an embedded suite, so the shards no longer start a Nova of their own).
    expect(merged.targets.filter((t) => t.suite === 'k8s.pods.patch')).toHaveLength(1);
    expect(merged.targets.filter((t) => t.suite === 'nova.servers.update')).toHaveLength(1);
    expect(r.out.join('\n')).toMatch(/merged 2 report\(s\) \(shards 1\/2, 2\/2\): run shardmg, 156 results/);
  });

  test('the merged JUnit and summary have the same cases and counts as the single run', () => {
    const single = junitShape(readFileSync(join(dirs.single, 'junit.xml'), 'utf8'));
    const merged = junitShape(readFileSync(join(dirs.merged, 'junit.xml'), 'utf8'));
    expect(merged.root).toEqual(single.root);
    expect(merged.root).toEqual(['156', '14', '0', '5']);
    expect(merged.cases).toEqual(single.cases);
    const failing = merged.cases.find((c) => c.outcome === 'failure');
    expect(failing?.props).toEqual(expect.arrayContaining([expect.stringMatching(/^case-id=/), expect.stringMatching(/^source=/), 'verdict=fail']));
    expect(summaryShape(readFileSync(join(dirs.merged, 'summary.md'), 'utf8'))).toEqual(summaryShape(readFileSync(join(dirs.single, 'summary.md'), 'utf8')));
    const html = readFileSync(join(dirs.merged, 'report.html'), 'utf8');
    for (const r of readReport(dirs.single).results) expect(html).toContain(r.id);
  });

  test('a missing shard makes the merge incomplete (exit 3), not conformant', async () => {
    const out = reportDir('shard-merged-partial');
    const r = await runMain(['merge', dirs.s1, '--report-dir', out], {});
    expect(r.code).toBe(runs.s1?.code === 1 ? 1 : 3);
    expect(readReport(out).runErrors).toContain('merge: shard 2/2 is missing: its cases did not run');
    const passing = reportDir('shard-merged-partial-pass');
    // With every failure excused, the missing shard alone decides: incomplete.
    const baseline = join(passing, '..', 'shard-baseline-all.yaml');
    const failing = readReport(dirs.s1).results.filter((x) => x.verdict === 'fail');
    writeFileSync(baseline, failing.map((f) => `- id: ${f.id}\n  reason: accept-forbidden fault\n`).join(''));
    const r2 = await runMain(['merge', dirs.s1, '--report-dir', passing], { CONFORMANCE_BASELINE: baseline });
    expect(r2.code).toBe(3);
  });

  test('the same shard twice is reported, and a directory without results is a usage error', async () => {
    const out = reportDir('shard-merged-twice');
    const r = await runMain(['merge', dirs.s1, dirs.s1, dirs.s2, '--report-dir', out], {});
    expect(r.code).not.toBe(0);
    expect(readReport(out).runErrors.join('\n')).toMatch(/shard 1\/2 was given 2 times/);
    const missing = await runMain(['merge', join(dirs.s1, 'nope')], {});
    expect(missing.code).toBe(2);
    expect(missing.err.join('\n')).toMatch(/has no readable results\.json/);
    expect((await runMain(['merge'], {})).code).toBe(2);
  });

  test('the baseline is applied to the merged results (CONFORMANCE_BASELINE at merge time)', async () => {
    const single = readReport(dirs.single);
    const failingCases = [...new Set(single.results.filter((r) => r.verdict === 'fail').map((r) => r.caseId))];
    const file = join(reportDir('shard-baseline'), '..', 'shard-baseline.yaml');
    writeFileSync(file, failingCases.map((id) => `- id: ${id}\n  reason: known deviation of the faulty backend\n`).join(''));
    const out = reportDir('shard-merged-baselined');
    const r = await runMain(['merge', dirs.s1, dirs.s2, '--report-dir', out], { CONFORMANCE_BASELINE: file });
    expect(r.code).toBe(0);
    const merged = readReport(out);
    expect(merged.results.filter((x) => x.verdict === 'fail').every((x) => x.baselined)).toBe(true);
    const junit = junitShape(readFileSync(join(out, 'junit.xml'), 'utf8'));
    expect(junit.root).toEqual(['156', '0', '0', '19']);
    expect(junit.cases.filter((c) => c.props.some((p) => p.startsWith('baselined=')))).toHaveLength(14);
    // An entry that matches nothing fails the gate, as in a run.
    writeFileSync(file, `${readFileSync(file, 'utf8')}- id: k8s.pods.patch.no-such-case\n  reason: stale\n`);
    const stale = await runMain(['merge', dirs.s1, dirs.s2, '--report-dir', out], { CONFORMANCE_BASELINE: file });
    expect(stale.code).toBe(1);
  });
});
