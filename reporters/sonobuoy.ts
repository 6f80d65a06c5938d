/**
 * Running as a Sonobuoy plugin (deploy/sonobuoy/): `sonobuoy_results.yaml` in Sonobuoy's `manual` result
 * format, the `done` file the worker waits for, and progress updates for `sonobuoy status`. Facts from
 * vmware-tanzu/sonobuoy@v0.57.3: pkg/client/results/item.go (Item {name, status, meta, details, items};
 * statuses passed/failed/skipped), manual.go (one Item per YAML file), pkg/worker/worker.go (`done` holds the
 * path of the results file or directory, which the worker tars), pkg/plugin/interface.go (ProgressUpdate
 * {name, node, timestamp, msg, total, completed, errors, failures}, POSTed to localhost:$SONOBUOY_PROGRESS_PORT/progress).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CaseResult, describeSupersedes } from '../engine/results.ts';
import { stringifyYaml } from '../engine/yaml.ts';
import { bySuite, type RunReport, sortResults } from './model.ts';
import { exchangeText, failureText } from './subunit.ts';
import { judge } from './verdict.ts';

export const SONOBUOY_RESULTS_FILE = 'sonobuoy_results.yaml';
/** The plugin name in deploy/sonobuoy/plugin.yaml. */
export const PLUGIN_NAME = 'update-conformance';

/** Sonobuoy's result tree node (pkg/client/results/item.go). */
export interface SonobuoyItem {
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'unknown';
  meta?: Record<string, string>;
  details?: Record<string, unknown>;
  items?: SonobuoyItem[];
}

/** A technical error is not a pass: Sonobuoy has no "error" status, so it is `failed` with details.error. */
function statusOf(r: CaseResult): SonobuoyItem['status'] {
  return r.verdict === 'pass' ? 'passed' : r.verdict === 'skip' ? 'skipped' : 'failed';
}

function variantItem(r: CaseResult): SonobuoyItem {
  const details: Record<string, unknown> = { verdict: r.verdict, title: r.title, kind: r.kind, source: r.source.join('; ') };
  if (r.verdict === 'skip') details.skipped = r.reason ?? 'skipped';
  if (r.verdict === 'error') details.error = r.reason ?? 'technical error';
  if (r.verdict === 'fail' || r.verdict === 'error') details.failure = failureText(r, false);
  if (r.policy) details.policy = r.policy;
  if (r.baselined) details.baselined = r.baselined;
  if (r.supersedes) details.supersedes = describeSupersedes(r.supersedes);
  // The redacted update exchange for anything that did not pass (passes keep only the verdict: the file stays small).
  const update = r.evidence.find((e) => e.role === 'update');
  if (update && r.verdict !== 'pass') details.exchange = exchangeText(update);
  return { name: r.id, status: statusOf(r), meta: { type: 'test', case: r.caseId, ...(r.variant ? { variant: r.variant } : {}) }, details };
}

/** The run as one tree: the run (its verdict), one item per suite, one per variant. */
export function sonobuoyResults(report: RunReport): SonobuoyItem {
  const j = judge(report);
  const suites: SonobuoyItem[] = [...bySuite(sortResults(report.results))].map(([suite, list]) => ({
    name: suite,
    status: list.some((r) => statusOf(r) === 'failed') ? 'failed' : list.every((r) => r.verdict === 'skip') ? 'skipped' : 'passed',
    meta: { type: 'suite' },
    items: list.map(variantItem),
  }));
  const details: Record<string, unknown> = { verdict: j.verdict, headline: j.headline, exitCode: j.exitCode, runId: report.runId };
  if (report.runErrors.length) details.runErrors = report.runErrors;
  if (report.baselineProblems?.length) details.baselineProblems = report.baselineProblems;
  return { name: PLUGIN_NAME, status: j.verdict === 'conformant' ? 'passed' : 'failed', meta: { type: 'summary' }, details, items: suites };
}

export function renderSonobuoyResults(report: RunReport): string {
  return stringifyYaml(sonobuoyResults(report), { lineWidth: 0 });
}

/** Writes sonobuoy_results.yaml into the report directory; returns its path. */
export function writeSonobuoyResults(report: RunReport, reportDir: string): string {
  const path = join(reportDir, SONOBUOY_RESULTS_FILE);
  writeFileSync(path, renderSonobuoyResults(report));
  return path;
}

/** The last step of a plugin run: `done` names the directory holding sonobuoy_results.yaml and the reports. */
export function writeSonobuoyDone(resultsDir: string, reportDir: string): string {
  const path = join(resultsDir, 'done');
  writeFileSync(path, resolve(reportDir));
  return path;
}

/** Posts one progress update per finished variant, in order; a worker that does not answer never slows the run. */
export class SonobuoyProgress {
  private completed = 0;
  private readonly failures: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private problem: string | undefined;

  constructor(
    private readonly port: number,
    private readonly total: number,
    private readonly warn: (line: string) => void,
  ) {}

  onResult(r: CaseResult): void {
    this.completed++;
    if (r.verdict === 'fail' || r.verdict === 'error') this.failures.push(r.id);
    this.post(`${r.id}: ${r.verdict}`);
  }

  /** The first update (0 of total) and the last one (`msg` = the verdict line). */
  post(msg: string): void {
    const body = JSON.stringify({
      name: PLUGIN_NAME,
      node: 'global',
      timestamp: new Date().toISOString(),
      msg,
      total: this.total,
      completed: this.completed,
      ...(this.failures.length ? { failures: [...this.failures] } : {}),
    });
    this.queue = this.queue.then(async () => {
      if (this.problem) return;
      try {
        const res = await fetch(`http://localhost:${this.port}/progress`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(2000),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`answered ${res.status}`);
      } catch (err) {
        this.problem = (err as Error).message;
        this.warn(`sonobuoy: progress updates to localhost:${this.port} stopped (${this.problem})`);
      }
    });
  }

  /** Waits for the posts in flight. */
  flush(): Promise<void> {
    return this.queue;
  }
}
