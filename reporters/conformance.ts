import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { Shard } from '../engine/cases/shard.ts';
import { type CaseResult, explain } from '../engine/results.ts';
import type { TargetInfo } from '../engine/targets/target.ts';
import { bySuite, countVerdicts, type RunReport } from './model.ts';

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
  /** Called with every variant's result as it finishes (live progress, e.g. reporters/sonobuoy.ts). */
  onResult?(result: CaseResult): void;
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

/** Live progress (one line per case, the explaining line for failures) and the RunReport at the end. */
export default class ConformanceReporter implements Reporter {
  private readonly startedAt = new Date().toISOString();
  private readonly write: (line: string) => void;
  private seen = 0;

  constructor(private readonly options: ConformanceReporterOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  onTestCaseResult(test: TestCase): void {
    const r = test.meta().result ?? resultFromTest(test);
    this.seen++;
    this.options.onResult?.(r);
    const ms = r.durationMs ? ` (${r.durationMs} ms)` : '';
    if (r.verdict === 'pass') {
      this.write(`  ${SYMBOL.pass} ${r.id}${ms}`);
      return;
    }
    this.write(`  ${SYMBOL[r.verdict]} ${r.id}  ${explain(r)}`);
    if (r.verdict === 'fail') {
      this.write(`      source: ${r.source.join('; ')}${r.docConflict ? ` · doc conflict: document says ${r.docConflict.docSays}` : ''}`);
    }
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
        results.push(meta.result ?? resultFromTest(test));
        if (meta.target && !targets.some((t) => t.suite === meta.target?.suite)) targets.push(meta.target);
      }
      for (const err of mod.errors()) runErrors.push(`${mod.moduleId}: ${err.message}`);
    }
    for (const err of unhandled) runErrors.push(`unhandled: ${err.message ?? String(err)}`);
    const report: RunReport = {
      tool: { name: 'update-conformance', version: this.options.version },
      runId: this.options.runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      interrupted: reason === 'interrupted',
      targets,
      results,
      runErrors,
    };
    const shard = this.options.shard;
    if (shard) report.shard = shard;
    const c = countVerdicts(results);
    this.write('');
    this.summarize(report);
    const part = shard ? ` in shard ${shard.index}/${shard.total}` : '';
    this.write(
      `${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped (${c.total} cases${part})${report.interrupted ? ' — interrupted' : ''}`,
    );
    const policy = results.filter((r) => r.policy).length;
    if (policy) this.write(`${policy} of the failures were rejected by the target's own policy, not by the API's rules (see each failure)`);
    this.options.onReport(report);
  }

  /** The one-screen summary: per suite, the failures (one line each), skips by reason, document conflicts. */
  private summarize(report: RunReport): void {
    const MAX = 15;
    for (const [suite, list] of bySuite(report.results)) {
      const c = countVerdicts(list);
      const target = report.targets.find((t) => t.suite === suite);
      this.write(`${suite}${target ? ` @ ${target.url} (${target.version})` : ''}: ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped`);
      const bad = list.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
      for (const r of bad.slice(0, MAX)) this.write(`  ${SYMBOL[r.verdict]} ${r.id}  ${explain(r)}`);
      if (bad.length > MAX) this.write(`  … ${bad.length - MAX} more in report.html`);
      const skips = new Map<string, number>();
      for (const r of list.filter((x) => x.verdict === 'skip')) skips.set(r.reason ?? 'skipped', (skips.get(r.reason ?? 'skipped') ?? 0) + 1);
      for (const [why, n] of skips) this.write(`  – ${n} skipped: ${why}`);
      const conflicts = new Set(list.filter((r) => r.docConflict).map((r) => r.caseId)).size;
      if (conflicts) this.write(`  ${conflicts} case(s) where the document and upstream disagree (listed in summary.md)`);
    }
    for (const e of report.runErrors) this.write(`run error: ${e}`);
  }
}
