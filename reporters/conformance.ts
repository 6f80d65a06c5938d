import { performance } from 'node:perf_hooks';
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import type { Shard } from '../engine/cases/shard.ts';
import { type CaseResult, explain } from '../engine/results.ts';
import type { TargetInfo, TargetKind } from '../engine/targets/target.ts';
import { coverageLines } from './coverage.ts';
import { generationLines } from './generation.ts';
import { historyLines } from './history.ts';
import { bySuite, caseCount, countVerdicts, docConflictCases, type RunReport, releaseNotices } from './model.ts';
import { groupFailures } from './patterns.ts';
import { SAME_ERROR_STREAK, SameErrorWatch } from './same-error.ts';
import { sourceLink } from './sources.ts';

/** One line of at most `max` characters. */
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const SYMBOL = { pass: '✓', fail: '✗', error: '!', skip: '–' } as const;

export interface ConformanceReporterOptions {
  runId: string;
  version: string;
  /** Receives the run's report when vitest ends (the CLI writes it, applies the baseline, sets the exit code). */
  onReport(report: RunReport): void;
  /** Where progress goes (default stdout). */
  write?: (line: string) => void;
  /** The shard this run is; recorded in the report for `merge`. */
  shard?: Shard;
  /** What the run tests (the embedded reference backends or a configured target). */
  kind: TargetKind;
  /** One line per variant as it finishes (`--verbose`); by default only progress, then failures grouped. */
  verbose?: boolean;
  /** Rewrites one live progress line in place (a terminal); without it, progress comes as a line every few seconds. */
  live?: (text: string) => void;
  /** The variants the run will execute, when known before vitest collects them. */
  total?: number;
  /** Called with every variant's result as it finishes (live progress, e.g. reporters/sonobuoy.ts). */
  onResult?(result: CaseResult): void;
}

/** Seconds between progress lines when the output is not a terminal. */
const PROGRESS_EVERY_MS = 5000;
/** Examples shown per failure pattern; every variant is in report.html and summary.md. */
const EXAMPLES = 3;

/** Errors of vitest's worker pool itself: noise when the run was interrupted on purpose (the workers were stopped). */
const POOL_NOISE = /\[vitest-pool\]|Worker (forks|threads) emitted error|Worker exited unexpectedly|Channel closed|ERR_IPC_CHANNEL_CLOSED/;

/** The run errors worth showing: after an interruption, not the pool's complaints about its stopped workers. */
export function meaningfulRunErrors(errors: string[], interrupted: boolean): string[] {
  return interrupted ? errors.filter((e) => !POOL_NOISE.test(e)) : errors;
}

/** A case whose test failed before it could record a result (suite setup failed, worker crashed). */
function resultFromTest(test: TestCase): CaseResult {
  const errors = [...(test.result().errors ?? [])];
  // A suite whose target could not be opened skips its tests: they did not run, which is an error, not a skip.
  for (let p: TestCase['parent'] | undefined = test.parent; p && errors.length === 0; p = p.type === 'suite' ? p.parent : undefined) {
    errors.push(...p.errors());
  }
  const message = errors.map((e) => e.message).join('; ') || 'the test did not record a result';
  return {
    id: test.name,
    caseId: test.name.split('@')[0] ?? test.name,
    suite: test.name.split('.').slice(0, 3).join('.'),
    title: test.name,
    kind: 'allowed',
    fields: [],
    tags: [],
    source: [],
    verdict: test.result().state === 'skipped' && errors.length === 0 ? 'skip' : 'error',
    reason: message.split('\n')[0],
    failures: [],
    checks: [],
    evidence: [],
    requests: 0,
    durationMs: 0,
  };
}

/**
 * The console: progress while the variants run (a live line on a terminal, a line every few seconds otherwise,
 * every variant with `--verbose`), then the failures grouped by what went wrong, then the one-screen summary.
 * Also assembles the RunReport at the end.
 */
export default class ConformanceReporter implements Reporter {
  private readonly startedAt = new Date().toISOString();
  private readonly started = performance.now();
  private readonly write: (line: string) => void;
  private total = 0;
  private done = 0;
  private failed = 0;
  private errors = 0;
  private lastProgress = performance.now();
  private vitest: Vitest | undefined;
  private sameError: SameErrorWatch | undefined;
  /** Why the run stopped before every variant ran (every one failed the same way), when it did. */
  private stoppedEarly: string | undefined;

  constructor(private readonly options: ConformanceReporterOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.total = options.total ?? 0;
    // A run of fewer variants than the streak shows all of them anyway.
    if (this.total > SAME_ERROR_STREAK) this.sameError = new SameErrorWatch(SAME_ERROR_STREAK);
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestModuleCollected(mod: TestModule): void {
    if (this.options.total === undefined) this.total += [...mod.children.allTests()].length;
  }

  onTestCaseResult(test: TestCase): void {
    const r = test.meta().result ?? resultFromTest(test);
    this.done++;
    this.options.onResult?.(r);
    if (r.verdict === 'fail') this.failed++;
    if (r.verdict === 'error') this.errors++;
    const stop = this.sameError?.add(r);
    if (stop && this.vitest) {
      this.stoppedEarly = stop;
      this.write(`${stop}: stopping the run`);
      void this.vitest.cancelCurrentRun('test-failure');
    }
    if (this.options.verbose) {
      const ms = r.durationMs ? ` (${r.durationMs} ms)` : '';
      const flaky = r.flaky ? ` [flaky: ${r.flaky}]` : '';
      this.write(r.verdict === 'pass' ? `  ${SYMBOL.pass} ${r.id}${ms}${flaky}` : `  ${SYMBOL[r.verdict]} ${r.id}  ${explain(r)}${flaky}`);
      return;
    }
    const now = performance.now();
    if (this.options.live) {
      if (now - this.lastProgress >= 100 || this.done === this.total) {
        this.lastProgress = now;
        this.options.live(this.progress());
      }
    } else if (now - this.lastProgress >= PROGRESS_EVERY_MS) {
      this.lastProgress = now;
      this.write(this.progress());
    }
  }

  /** `412/890 variants · 3 failed · 0 errors · 2.1 s` */
  private progress(): string {
    const s = ((performance.now() - this.started) / 1000).toFixed(1);
    return `progress: ${this.done}/${this.total || '?'} variants · ${this.failed} failed · ${this.errors} errors · ${s} s`;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>, reason: TestRunEndReason): void {
    const results: CaseResult[] = [];
    const targets: TargetInfo[] = [];
    const runErrors: string[] = [];
    for (const mod of modules) {
      for (const suite of mod.children.allSuites()) {
        for (const err of suite.errors()) runErrors.push(`${suite.fullName}: ${err.message}`);
      }
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'pending') continue;
        const meta = test.meta();
        // After an early stop, the variants it cancelled did not run: they are no result (the run error says why).
        if (this.stoppedEarly && !meta.result && state === 'skipped') continue;
        results.push(meta.result ?? resultFromTest(test));
        if (meta.target && !targets.some((t) => t.suite === meta.target?.suite)) targets.push(meta.target);
      }
      for (const err of mod.errors()) runErrors.push(`${mod.moduleId}: ${err.message}`);
    }
    for (const err of unhandled) runErrors.push(`unhandled: ${err.message ?? String(err)}`);
    // Stopped because every variant failed the same way: not interrupted by anyone, incomplete with one run error.
    const stopped = this.stoppedEarly;
    const interrupted = reason === 'interrupted' && stopped === undefined;
    const report: RunReport = {
      tool: { name: 'update-conformance', version: this.options.version },
      runId: this.options.runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      interrupted,
      target: { kind: this.options.kind },
      targets,
      results,
      runErrors: stopped ? [stopped, ...meaningfulRunErrors(runErrors, true)] : meaningfulRunErrors(runErrors, interrupted),
      ...(stopped ? { stoppedEarly: stopped } : {}),
    };
    const shard = this.options.shard;
    if (shard) report.shard = shard;
    this.options.onReport(report);
  }

  /** The end of the console output, once the CLI has completed the report (baseline, sweep, suites not run). */
  finish(report: RunReport): void {
    const c = countVerdicts(report.results);
    const n = caseCount(report.results);
    const shard = report.shard;
    this.options.live?.('');
    this.write('');
    this.groupedFailures(report);
    const history = historyLines(report);
    for (const l of history) this.write(l);
    if (history.length) this.write('');
    this.summarize(report);
    const part = shard ? ` in shard ${shard.index}/${shard.total}` : '';
    this.write(
      `${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped (${n.variants} variants of ${n.cases} cases${part})${report.interrupted ? ' — interrupted' : ''}`,
    );
    const policy = report.results.filter((r) => r.policy).length;
    if (policy) this.write(`${policy} of the failures were rejected by the target's own policy, not by the API's rules (see each failure)`);
  }

  /**
   * Every failed or errored variant under the pattern it shows ("forbidden updates accepted: 76 variants"), with
   * a few examples each (one short line, then where the evidence is); all of them are in report.html.
   */
  private groupedFailures(report: RunReport): void {
    const groups = groupFailures(report.results);
    if (groups.length === 0) return;
    this.write('What went wrong (every variant, with its evidence: report.html#failures):');
    for (const g of groups) {
      const bySuiteCount = [...bySuite(g.results)].map(([suite, list]) => `${suite} ${list.length}`).join(', ');
      const known = g.results.filter((r) => r.baselined).length;
      this.write(
        `  ${SYMBOL[g.results[0]?.verdict ?? 'fail']} ${g.pattern}: ${g.results.length} variant(s) (${bySuiteCount})${known ? `, ${known} known (baseline)` : ''}`,
      );
      // Examples from different cases: three variants of one case would say the same thing three times. Technical
      // errors are all listed, whole: each is a variant nobody could decide (a target that fails every variant the
      // same way stops the run early, reporters/same-error.ts, so this list stays short).
      const undecided = g.results[0]?.verdict === 'error';
      const examples = undecided ? g.results : [...new Map(g.results.map((r) => [r.caseId, r] as const)).values()].slice(0, EXAMPLES);
      for (const r of examples) {
        this.write(`      ${r.id}  ${undecided ? explain(r) : oneLine(explain(r), 150)}`);
        const first = r.source[0];
        if (first) this.write(`        source: ${oneLine(sourceLink(first).label, 110)} · report.html#${r.id}`);
      }
      const cases = new Set(g.results.map((r) => r.caseId)).size;
      if (!undecided && g.results.length > examples.length)
        this.write(`      … ${g.results.length - examples.length} more variant(s) of ${cases} case(s) in report.html`);
    }
    this.write('');
  }

  /** The one-screen summary: per suite, the counts, skips by reason; suites not run, document conflicts, run errors. */
  private summarize(report: RunReport): void {
    for (const [suite, list] of bySuite(report.results)) {
      const c = countVerdicts(list);
      const target = report.targets.find((t) => t.suite === suite);
      this.write(`${suite}${target ? ` @ ${target.url} (${target.version})` : ''}: ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped`);
      const skips = new Map<string, number>();
      for (const r of list.filter((x) => x.verdict === 'skip')) skips.set(r.reason ?? 'skipped', (skips.get(r.reason ?? 'skipped') ?? 0) + 1);
      for (const [why, n] of skips) this.write(`  – ${n} skipped: ${why}`);
      for (const r of list.filter((x) => x.notes?.length)) this.write(`  – note on ${r.id} (${r.verdict}): ${r.notes?.join('; ')}`);
    }
    for (const c of report.coverage ?? []) for (const line of coverageLines(c)) this.write(line);
    for (const notice of releaseNotices(report)) this.write(`NOTE: ${notice}`);
    for (const suite of report.notRun ?? []) this.write(`${suite}: not run`);
    const conflicts = docConflictCases(report.results).length;
    if (conflicts) this.write(`${conflicts} case(s) where the document and upstream disagree (listed in summary.md)`);
    for (const l of generationLines(report)) this.write(l);
    for (const e of report.runErrors) this.write(`run error: ${e}`);
  }
}
