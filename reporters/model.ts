import type { GenerationConfig } from '../engine/config/generation.ts';
import type { SuiteCoverage } from '../engine/coverage/coverage.ts';
import type { HistoryView } from '../engine/history/view.ts';
import type { ReleaseStatus } from '../engine/releases.ts';
import type { CaseResult, Verdict } from '../engine/results.ts';
import type { RunScope } from '../engine/scope.ts';
import type { TargetInfo, TargetKind } from '../engine/targets/target.ts';

/** Everything a run produced: the one input of every report writer (and of merge and verify). */
export interface RunReport {
  tool: { name: string; version: string };
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** The run was cut short (SIGINT/SIGTERM, bail): results are partial. */
  interrupted: boolean;
  /**
   * What the run tested: `embedded` = the reference backends the CLI started (a self-check of this tool, not a
   * verdict about an API), `configured` = the API the settings name. Absent in reports of older versions.
   */
  target?: { kind: TargetKind };
  targets: TargetInfo[];
  results: CaseResult[];
  /** Problems outside any case (suite setup failed, leaks found by the final sweep, secrets in artifacts). */
  runErrors: string[];
  /** Stale, expired or unmatched baseline entries (each fails the gate). */
  baselineProblems?: string[];
  /** The baseline file the run was judged by (its name, for the headline). */
  baseline?: string;
  /** Suites that were to run but produced no result (an interrupted run): listed as "not run". */
  notRun?: string[];
  /** Set when the run was one shard of a case-level split (`--shard i/n`, engine/cases/shard.ts); `merge` checks all n are there. */
  shard?: { index: number; total: number };
  /** Per suite: the upstream rules and fields the decided variants exercised, and what stays uncovered (engine/coverage). */
  coverage?: SuiteCoverage[];
  /** Per suite: the target's release and whether the suite is proven on it (engine/releases.ts). */
  releases?: ReleaseStatus[];
  /** With a run history (--history): what changed since the previous run, and the trend (engine/history/view.ts). */
  history?: HistoryView;
  /** Set when the run stopped before every variant ran because every one failed the same technical way (reporters/same-error.ts). */
  stoppedEarly?: string;
  /** How much of what the target can run this run covered, and the selection that narrowed it (engine/scope.ts). */
  scope?: RunScope;
  /**
   * The run's configuration as it was when the run started (no secret values): where the settings came from,
   * the variables that were set (secret ones as "***") and what they amounted to. `bundle` records this one.
   */
  configuration?: Record<string, unknown>;
  /** `run --generate`: generated variants per family and the seed that replays them (engine/config/generation.ts). */
  generation?: GenerationConfig;
  /** Failing generated variants shrunk to a minimal case file (engine/generate/shrink-run.ts). */
  shrunk?: ShrunkCase[];
}

/** A failing generated variant, shrunk against the target to its minimal input and written as a case file. */
export interface ShrunkCase {
  /** The failing variant's id. */
  from: string;
  family: string;
  /** The case file written (under the report directory). */
  path: string;
  /** The generated input that failed, and the minimal one fast-check shrank it to (JSON). */
  original: unknown;
  minimal: unknown;
  /** One line: shrink steps, requests and time spent, whether the minimal case fails the same way. */
  summary: string;
}

/** The sentences naming targets outside the releases their suite is proven on. */
export function releaseNotices(report: RunReport): string[] {
  return (report.releases ?? []).flatMap((r) => (r.notice ? [`${r.suite}: ${r.notice}`] : []));
}

export type Counts = Record<Verdict, number> & { total: number };

export function countVerdicts(results: CaseResult[]): Counts {
  const c: Counts = { pass: 0, fail: 0, error: 0, skip: 0, total: results.length };
  for (const r of results) c[r.verdict]++;
  return c;
}

export function bySuite(results: CaseResult[]): Map<string, CaseResult[]> {
  const m = new Map<string, CaseResult[]>();
  for (const r of results) {
    const list = m.get(r.suite) ?? [];
    list.push(r);
    m.set(r.suite, list);
  }
  return m;
}

/** A self-check of the reference backends rather than a verdict about an API. */
export function isSelfCheck(report: RunReport): boolean {
  return report.target?.kind === 'embedded' || report.targets.some((t) => t.kind === 'embedded');
}

/** The cases (not variants) whose document and upstream disagree: the one count every output shows. */
export function docConflictCases(results: CaseResult[]): CaseResult[] {
  return [...new Map(results.filter((r) => r.docConflict).map((r) => [r.caseId, r] as const)).values()];
}

/** Variants and the distinct cases they belong to. */
export function caseCount(results: CaseResult[]): { variants: number; cases: number } {
  return { variants: results.length, cases: new Set(results.map((r) => r.caseId)).size };
}

/** Field × kind × verdict counts, for the coverage matrix. */
export function coverageMatrix(results: CaseResult[]): { field: string; allowed: Counts; forbidden: Counts }[] {
  const rows = new Map<string, { allowed: CaseResult[]; forbidden: CaseResult[] }>();
  for (const r of results) {
    for (const f of r.fields) {
      const key = `${r.suite} ${f}`;
      const row = rows.get(key) ?? { allowed: [], forbidden: [] };
      row[r.kind].push(r);
      rows.set(key, row);
    }
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, row]) => ({ field, allowed: countVerdicts(row.allowed), forbidden: countVerdicts(row.forbidden) }));
}

/** Stable order for every report: suite, then case id. */
export function sortResults(results: CaseResult[]): CaseResult[] {
  return [...results].sort((a, b) => a.suite.localeCompare(b.suite) || a.id.localeCompare(b.id));
}

/** Field × microversion verdict counts for suites whose variants are microversions (Nova). */
export function microversionMatrix(results: CaseResult[]): { versions: string[]; rows: { field: string; cells: Map<string, Counts> }[] } {
  const byVersion = results.filter((r) => r.variant && /^\d+\.\d+$/.test(r.variant));
  const versions = [...new Set(byVersion.map((r) => r.variant as string))].sort((a, b) => {
    const [a1, a2] = a.split('.').map(Number);
    const [b1, b2] = b.split('.').map(Number);
    return (a1 ?? 0) - (b1 ?? 0) || (a2 ?? 0) - (b2 ?? 0);
  });
  const rows = new Map<string, Map<string, CaseResult[]>>();
  for (const r of byVersion) {
    for (const f of r.fields) {
      const row = rows.get(f) ?? new Map<string, CaseResult[]>();
      const list = row.get(r.variant as string) ?? [];
      list.push(r);
      row.set(r.variant as string, list);
      rows.set(f, row);
    }
  }
  return {
    versions,
    rows: [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([field, row]) => ({ field, cells: new Map([...row].map(([v, list]) => [v, countVerdicts(list)])) })),
  };
}
