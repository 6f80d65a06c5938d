/**
 * Upstream coverage (engine/coverage): the shipped inventories hold their contract (every rule covered or with a
 * reason, every case's rule reference known and sided, every field changed or exempt), and the contract bites:
 * temp-dir inventories with each fault fail it. Also the proven releases (engine/releases.ts) and how a run
 * outside them is named.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { computeCoverage, loadInventory, runCoverage, suiteCoverage } from '../engine/coverage/index.ts';
import { describeProven, provenReleases, releaseStatus } from '../engine/releases.ts';
import type { CaseResult } from '../engine/results.ts';
import { TARGETS, targetNamed } from '../engine/targets/index.ts';
import { renderHtml } from '../reporters/html.ts';
import { renderMarkdown } from '../reporters/markdown.ts';
import type { RunReport } from '../reporters/model.ts';
import { judge } from '../reporters/verdict.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fixtures directory with `<target>/rules.yaml` and `<target>/fields/fields.json` as given. */
function fixtures(rules: string | undefined, fields?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'uc-coverage-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'x', 'fields'), { recursive: true });
  if (rules !== undefined) writeFileSync(join(dir, 'x', 'rules.yaml'), rules);
  if (fields !== undefined) writeFileSync(join(dir, 'x', 'fields', 'fields.json'), JSON.stringify(fields));
  return dir;
}

const SRC = 'source: ["kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L1 Fn"]';
const RULES = `suite: x.y.z
rules:
  - { id: x.meta.label-length, title: a label value longer than 63 is rejected, ${SRC}, limit: { accepted: 63, rejected: 64 } }
  - { id: x.spec.immutable, title: changing an immutable field is rejected, ${SRC} }
  - { id: x.handler.hard, title: a rule no case can reach here, ${SRC}, uncovered: "needs a cluster feature the suite cannot assume" }
fieldExemptions:
  - { field: spec.nodeName, reason: "set by the scheduler, not by an update" }
`;
const FIELDS = { provenance: 'test', fields: ['metadata.labels', 'spec.hostNetwork', 'spec.nodeName'] };
const GOOD = [
  { id: 'x.y.z.label-63', fields: ['metadata.labels'], rules: ['x.meta.label-length:accepted'] },
  { id: 'x.y.z.label-64', fields: ['metadata.labels'], rules: ['x.meta.label-length:rejected'] },
  { id: 'x.y.z.host-network', fields: ['spec.hostNetwork'], rules: ['x.spec.immutable'] },
];

describe('the shipped inventories', () => {
  test.for(TARGETS.map((t) => [t.name, t] as const))('%s: every rule and field covered or with its reason, every reference known', ([, t]) => {
    // Passes trivially while a target has no inventory; bites as soon as fixtures/<target>/rules.yaml lands.
    expect(suiteCoverage(t).problems).toEqual([]);
  });
});

describe('the coverage contract bites (temp-dir inventories)', () => {
  const inv = (rules = RULES, fields: unknown = FIELDS) => loadInventory('x', fixtures(rules, fields));
  test('a complete inventory: counts (a limit counts twice), uncovered with reasons, no problem', () => {
    const c = computeCoverage('x.y.z', inv(), GOOD);
    expect(c.problems).toEqual([]);
    expect(c.rules).toMatchObject({ covered: 3, total: 4 });
    expect(c.rules.uncovered).toEqual([{ name: 'x.handler.hard', reason: 'needs a cluster feature the suite cannot assume' }]);
    expect(c.fields).toMatchObject({ covered: 2, total: 3 });
    expect(c.fields.uncovered).toEqual([{ name: 'spec.nodeName', reason: 'set by the scheduler, not by an update' }]);
  });
  test('a rule with no case and no stated reason', () => {
    const c = computeCoverage('x.y.z', inv(), [...GOOD.slice(0, 2), { id: 'x.y.z.other', fields: ['spec.hostNetwork'] }]);
    expect(c.problems).toEqual([expect.stringContaining('rule x.spec.immutable has no case and no stated reason')]);
  });
  test('one side of a limit without a case', () => {
    const c = computeCoverage('x.y.z', inv(), GOOD.slice(1));
    expect(c.problems).toEqual([expect.stringContaining('rule x.meta.label-length:accepted has no case')]);
  });
  test('a case naming an unknown rule id', () => {
    const c = computeCoverage('x.y.z', inv(), [...GOOD, { id: 'x.y.z.typo', fields: [], rules: ['x.spec.imutable'] }]);
    expect(c.problems).toEqual(['case x.y.z.typo names unknown rule x.spec.imutable']);
  });
  test('a case naming a limit rule without its side, or a side of a rule without a limit', () => {
    const c = computeCoverage('x.y.z', inv(), [...GOOD, { id: 'x.y.z.a', fields: [], rules: ['x.meta.label-length', 'x.spec.immutable:accepted'] }]);
    expect(c.problems).toEqual([
      'case x.y.z.a names limit rule x.meta.label-length without its side (x.meta.label-length:accepted or x.meta.label-length:rejected)',
      'case x.y.z.a names x.spec.immutable:accepted, but x.spec.immutable has no limit (name it without :accepted)',
    ]);
  });
  test('a field neither changed by a case nor exempt, and an exemption of a field upstream does not have', () => {
    const c = computeCoverage('x.y.z', inv(RULES.replace('spec.nodeName', 'spec.nodename')), GOOD);
    expect(c.problems).toEqual([
      'fieldExemptions names spec.nodename, which fields/fields.json does not list',
      expect.stringContaining('field spec.nodeName is neither changed by a case nor exempt'),
    ]);
  });
  test('a malformed rules.yaml or fields.json stops with one line naming the file and the fault', () => {
    expect(() => inv(RULES.replace('title: a label', 'titel: a label'))).toThrow(/^x\/rules\.yaml: .*titel/);
    expect(() => inv(RULES.replace('x.meta.label-length, title', 'x.meta.label-length, title: again, title'))).toThrow(
      /^x\/rules\.yaml: Map keys must be unique/,
    );
    expect(() => inv(RULES, { fields: [{ nope: 1 }] })).toThrow('x/fields/fields.json: fields[0] names no field path');
    const twice = RULES.replace('fieldExemptions:', `  - { id: x.spec.immutable, title: the same id again, ${SRC} }\nfieldExemptions:`);
    expect(() => inv(twice)).toThrow('x/rules.yaml: duplicate rule id x.spec.immutable');
  });
  test('no inventory: nothing counted, nothing wrong', () => {
    const c = computeCoverage('x.y.z', loadInventory('x', fixtures(undefined)), GOOD);
    expect(c).toMatchObject({ inventory: false, problems: [], rules: { total: 0 } });
  });
  test('fields only (no rules.yaml yet): fields counted, no rule', () => {
    const c = computeCoverage('x.y.z', loadInventory('x', fixtures(undefined, FIELDS)), GOOD);
    expect(c.fields).toMatchObject({ covered: 2, total: 3 });
    expect(c.problems).toEqual([expect.stringContaining('field spec.nodeName is neither')]);
  });
  test('in a run, a rule only a skipped variant reaches is uncovered, saying so', () => {
    const c = computeCoverage('x.y.z', inv(), GOOD, GOOD.slice(0, 2));
    expect(c.rules.covered).toBe(2);
    expect(c.rules.uncovered).toContainEqual({ name: 'x.spec.immutable', reason: 'not exercised in this run (skipped or not selected)' });
    expect(c.problems).toEqual([]);
  });
  test('runCoverage counts only decided variants of the suites that ran', () => {
    const k8s = targetNamed('k8s');
    const result = (verdict: CaseResult['verdict']) =>
      ({ suite: k8s.suite, caseId: 'k8s.pods.patch.x', verdict, fields: ['spec.containers[*].image'] }) as CaseResult;
    const [c] = runCoverage(TARGETS, [result('skip')]);
    expect(c?.suite).toBe(k8s.suite);
    expect(runCoverage(TARGETS, [])).toEqual([]);
  });
});

describe('proven releases', () => {
  const list = {
    suite: 'k8s.pods.patch',
    detectedBy: 'test',
    label: 'v{}',
    proven: ['1.34', '1.35', '1.36', '1.37'].map((release) => ({ release, as: `v${release}.0` })),
  };
  test('a release outside the set is named as the issue words it', () => {
    expect(releaseStatus(list, '1.33')?.notice).toBe('v1.33 is not among the releases this suite is proven on: 1.34–1.37');
    expect(releaseStatus(list, '1.35')).toMatchObject({ proven: true, release: '1.35' });
    expect(releaseStatus(list, '1.35')?.notice).toBeUndefined();
    expect(releaseStatus(list, undefined)).toBeUndefined();
  });
  test('named releases are listed by name, gaps split ranges', () => {
    expect(
      describeProven([
        { release: '2.104', name: '2026.2', as: 'x' },
        { release: '2.93', name: 'Zed', as: 'y' },
      ]),
    ).toBe('2.93 (Zed), 2.104 (2026.2)');
    expect(describeProven(['1.30', '1.33', '1.34'].map((release) => ({ release, as: '' })))).toBe('1.30, 1.33–1.34');
  });
  test('the shipped lists: Kubernetes 1.33–1.38, Nova Zed and 2026.2', () => {
    expect(describeProven(provenReleases('k8s')?.proven ?? [])).toBe('1.33–1.38');
    expect(describeProven(provenReleases('nova')?.proven ?? [])).toBe('2.93 (Zed), 2.104 (2026.2)');
  });
  test('the verdict line names a target outside the set', () => {
    const report = { runId: 'r', interrupted: false, targets: [], runErrors: [], results: [{ verdict: 'pass' }] } as unknown as RunReport;
    expect(judge(report).headline).toBe('conformant');
    report.releases = [{ ...(releaseStatus(list, '1.33') as NonNullable<ReturnType<typeof releaseStatus>>) }];
    expect(judge(report).headline).toBe('conformant — k8s.pods.patch: v1.33 is not among the releases this suite is proven on: 1.34–1.37');
  });
});

describe('the reports show coverage and releases', () => {
  test('summary.md and report.html: the counts, every uncovered unit with its reason, the release notice', () => {
    const coverage = computeCoverage('x.y.z', loadInventory('x', fixtures(RULES, FIELDS)), GOOD, GOOD.slice(0, 2));
    const report = {
      tool: { name: 'update-conformance', version: '0' },
      runId: 'r',
      startedAt: 'a',
      finishedAt: 'b',
      interrupted: false,
      targets: [],
      runErrors: [],
      results: [],
      coverage: [coverage],
      releases: [
        { suite: 'x.y.z', release: '1.39', proven: false, provenOn: '1.33–1.38', notice: 'v1.39 is not among the releases this suite is proven on: 1.33–1.38' },
      ],
    } as RunReport;
    const md = renderMarkdown(report);
    expect(md).toContain('| x.y.z | 2/4 | 1/3 |');
    expect(md).toContain('- rule `x.handler.hard`: needs a cluster feature the suite cannot assume');
    expect(md).toContain('- rule `x.spec.immutable`: not exercised in this run (skipped or not selected)');
    expect(md).toContain('- field `spec.nodeName`: set by the scheduler, not by an update');
    expect(md).toContain('x.y.z: v1.39 is not among the releases this suite is proven on: 1.33–1.38');
    const html = renderHtml(report);
    expect(html).toContain('<td>x.y.z</td><td>2/4</td><td>1/3</td>');
    expect(html).toContain('<code>x.handler.hard</code></td><td>needs a cluster feature the suite cannot assume');
    expect(html).toContain('v1.39 is not among the releases this suite is proven on');
  });
});
