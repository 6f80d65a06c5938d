/**
 * The run history (--history, engine/history/) and `diff`, as a user meets them: four runs against the embedded
 * reference backends into one history, a fault switched on for the third (`lenient-name`: Nova accepts names it
 * must refuse) and off again for the fourth. The third run names its new failures (console, summary.md,
 * report.html with the trend picture, verdict.json, the Action's outputs) and `diff` exits 1; the fourth names
 * them fixed and calls the variants that went pass → fail → pass flaky.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffRuns, flipsAcrossRuns } from '../engine/history/diff.ts';
import { HistoryStore } from '../engine/history/store.ts';
import { cleanEnv, ROOT, readReport, reportDir, runMain } from './support/run-cli.ts';

const CASES = 'nova.servers.update.name-empty,nova.servers.update.rename,k8s.pods.patch.labels-add';

describe('diff and flakiness across runs (rules)', () => {
  const v = (id: string, verdict: 'pass' | 'fail' | 'error' | 'skip', baselined = false) => ({ id, suite: 's', verdict, ...(baselined ? { baselined } : {}) });
  test('new failures, fixed, still failing, flips, new and removed variants; a baselined failure is not failing', () => {
    const a = { runId: 'a', startedAt: '1' };
    const b = { runId: 'b', startedAt: '2' };
    const d = diffRuns(a, [v('x', 'pass'), v('y', 'fail'), v('z', 'fail'), v('e', 'pass'), v('gone', 'pass'), v('k', 'pass')], b, [
      v('x', 'fail'),
      v('y', 'pass'),
      v('z', 'fail'),
      v('e', 'error'),
      v('new', 'fail'),
      v('k', 'fail', true),
    ]);
    expect(d.newFailures.map((x) => x.id)).toEqual(['x']);
    expect(d.fixed.map((x) => x.id)).toEqual(['y']);
    expect(d.stillFailing.map((x) => x.id)).toEqual(['z']);
    expect(d.added.map((x) => x.id)).toEqual(['new']);
    expect(d.removed.map((x) => x.id)).toEqual(['gone']);
    expect(d.flips).toEqual([
      { id: 'e', from: 'pass', to: 'error' },
      { id: 'k', from: 'pass', to: 'fail' },
      { id: 'x', from: 'pass', to: 'fail' },
      { id: 'y', from: 'fail', to: 'pass' },
    ]);
  });
  test('flaky across runs: the decided verdict changed at least twice; one change is a regression or a fix', () => {
    expect(flipsAcrossRuns(['pass', 'fail', 'pass'])).toBe('verdict flipped across the last 3 runs: pass, fail, pass');
    expect(flipsAcrossRuns(['pass', 'pass', 'fail'])).toBeUndefined();
    expect(flipsAcrossRuns(['fail', 'error', 'pass', 'skip'])).toBeUndefined();
    expect(flipsAcrossRuns(['fail', 'error', 'pass', 'fail'])).toMatch(/^verdict flipped/);
  });
});

describe('four runs into one history, a fault in the third', () => {
  const history = mkdtempSync(join(tmpdir(), 'uc-history-'));
  const dirs = [1, 2, 3, 4].map((i) => reportDir(join('history', `run${i}`)));
  const env = (i: number, fault = '') => ({ CONFORMANCE_HISTORY: history, CONFORMANCE_REPORT_DIR: dirs[i] as string, NOVA_REFERENCE_FAULTS: fault });
  const file = (i: number, f: string) => readFileSync(join(dirs[i] as string, f), 'utf8');

  test('runs 1–3: the third names its new failures in every output, and `diff --history` exits 1', { timeout: 120_000 }, async () => {
    for (const i of [0, 1]) expect((await runMain(['run', '--embedded', '--case', CASES], env(i))).code).toBe(0);
    const third = await runMain(['run', '--embedded', '--case', CASES], env(2, 'lenient-name'));
    expect(third.code).toBe(1);
    const failing = readReport(dirs[2] as string)
      .results.filter((r) => r.verdict === 'fail')
      .map((r) => r.id);
    expect(failing.length).toBeGreaterThan(0);
    const previous = readReport(dirs[1] as string).runId;
    expect(third.out).toContain(
      `Since run ${previous} (${readReport(dirs[1] as string).startedAt}): ${failing.length} new failure(s), 0 fixed, 0 still failing, ${failing.length} verdict flip(s), 0 new and 0 removed variant(s).`,
    );
    for (const id of failing) expect(third.out).toContain(`  new failure: ${id}`);
    expect(file(2, 'summary.md')).toContain(`Since run \`${previous}\``);
    const html = file(2, 'report.html');
    // The trend picture: one bar per run, this one rightmost with its failures under it.
    const svg = /<svg [^>]*id="trend-nova.servers.update"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg.match(/<g>/g)?.length).toBe(3);
    expect(svg).toContain(`${failing.length}</text></g></svg>`);
    expect(JSON.parse(file(2, 'verdict.json')).changes).toEqual({
      previousRunId: previous,
      newFailures: failing.length,
      fixed: 0,
      stillFailing: 0,
      flips: failing.length,
    });
    // The GitHub Action's outputs.
    const action = spawnSync(process.execPath, ['--import', 'tsx', 'cli/action-outputs.ts'], {
      cwd: ROOT,
      env: cleanEnv({ UC_REPORT_DIR: dirs[2] as string, UC_EXIT_CODE: '1' }),
      encoding: 'utf8',
    });
    expect(action.stdout).toContain(`new_failures=${failing.length}\n`);
    expect(action.stdout).toContain('fixed=0\n');
    // diff: the last two runs of the history, and the same two results.json.
    const diff = await runMain(['diff', '--history', history], {});
    expect(diff.code).toBe(1);
    expect(diff.out[1]).toBe(
      `new failures ${failing.length} · fixed 0 · still failing 0 · verdict flips ${failing.length} · new variants 0 · removed variants 0`,
    );
    expect(diff.out.at(-1)).toBe(`diff: ${failing.length} new failure(s) (exit 1)`);
    expect((await runMain(['diff', dirs[1] as string, join(dirs[2] as string, 'results.json')], {})).code).toBe(1);
    expect((await runMain(['diff', dirs[0] as string, dirs[1] as string], {})).code).toBe(0);
    // The store is plain SQLite, queryable as such.
    const store = await HistoryStore.open(history);
    expect(store.runs().map((r) => r.runId)).toEqual(dirs.slice(0, 3).map((d) => readReport(d).runId));
    store.close();
  });

  test('run 4, the fault off again: fixed, and pass → fail → pass is flaky (counted as pass, and said so)', { timeout: 60_000 }, async () => {
    const fourth = await runMain(['run', '--embedded', '--case', CASES], env(3));
    expect(fourth.code).toBe(0);
    const report = readReport(dirs[3] as string);
    const flaky = report.results.filter((r) => r.flaky);
    expect(flaky.length).toBeGreaterThan(0);
    for (const r of flaky) expect(r.flaky).toBe('verdict flipped across the last 4 runs: pass, pass, fail, pass');
    expect(report.history?.changes?.fixed.sort()).toEqual(flaky.map((r) => r.id).sort());
    expect(fourth.out.at(-1)).toMatch(/passed \(\d+ flaky, counted as (its|their) last verdict\) \(exit 0\)$/);
    expect(file(3, 'junit.xml')).toContain('<property name="flaky" value="counted as pass: verdict flipped across the last 4 runs: pass, pass, fail, pass"/>');
  });

  test('bad input: a diff of one file, a file that is no results.json, a history that is no history (exit 2, before any request)', async () => {
    expect((await runMain(['diff', dirs[0] as string], {})).code).toBe(2);
    const junk = join(history, 'junk.json');
    writeFileSync(junk, '{"x":1}');
    const bad = await runMain(['diff', junk, dirs[0] as string], {});
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/junk.json: is not a results.json of update-conformance/);
    const notHistory = mkdtempSync(join(tmpdir(), 'uc-nohistory-'));
    mkdirSync(notHistory, { recursive: true });
    writeFileSync(join(notHistory, 'history.sqlite'), 'not a database');
    const run = await runMain(['run', '--embedded', '--case', CASES], { CONFORMANCE_HISTORY: notHistory, CONFORMANCE_REPORT_DIR: reportDir('history-bad') });
    expect(run.code).toBe(2);
    expect(run.err[0]).toMatch(/^configuration error: CONFORMANCE_HISTORY: .*history.sqlite is not a run history/);
    expect((await runMain(['diff', '--history', notHistory], {})).code).toBe(2);
  });
});
