/**
 * `update-conformance verify <bundle>` (a directory or a .tar.gz from `bundle`): recomputes the sha256 of every
 * file against manifest.json (a changed, missing or added file → exit 1, naming it), scans for secrets, then
 * re-derives the verdict from reports/results.json — and the bundled baseline, judged as of the day the run
 * finished — with the run's own exit-code rule, prints it and exits with it (the exit code the run had).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyBaseline, loadBaseline } from '../engine/baseline.ts';
import { FIXTURES_DIR } from '../engine/cases/load.ts';
import { type Env, loadConfig } from '../engine/config/index.ts';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { describeScope } from '../engine/scope.ts';
import { TARGETS } from '../engine/targets/index.ts';
import { countVerdicts, type RunReport } from '../reporters/model.ts';
import { judge } from '../reporters/verdict.ts';
import { REPORT_FILES } from '../reporters/write.ts';
import { BUNDLED_BASELINE, findSecrets, MANIFEST, readTree, sha256, untarGz } from './bundle.ts';
import { logVerdict } from './merge.ts';

/** Files of a bundle: a directory or a gzipped tar. */
export function readBundle(path: string): Map<string, Buffer> {
  if (!existsSync(path)) throw new ConfigError(path, 'does not exist', 'pass a bundle directory or .tar.gz made by `update-conformance bundle`');
  try {
    return statSync(path).isDirectory() ? readTree(path) : untarGz(readFileSync(path));
  } catch (err) {
    throw new ConfigError(path, `cannot be read as a bundle (${describeError(err)})`, 'pass a bundle directory or .tar.gz made by `update-conformance bundle`');
  }
}

/** Files whose content does not match the manifest (or are missing from it / from the bundle). */
export function integrityProblems(files: Map<string, Buffer>): string[] {
  const raw = files.get(MANIFEST);
  if (!raw) return [`${MANIFEST}: missing`];
  let listed: Record<string, string>;
  try {
    listed = (JSON.parse(raw.toString('utf8')) as { files: Record<string, string> }).files;
    if (!listed || typeof listed !== 'object') throw new Error('no files');
  } catch {
    return [`${MANIFEST}: not a manifest`];
  }
  const problems: string[] = [];
  for (const [path, hash] of Object.entries(listed)) {
    const data = files.get(path);
    if (!data) problems.push(`${path}: missing`);
    else if (sha256(data) !== hash) problems.push(`${path}: sha256 mismatch (changed after bundling)`);
  }
  for (const path of files.keys()) if (path !== MANIFEST && !(path in listed)) problems.push(`${path}: not in the manifest (added after bundling)`);
  return problems.sort();
}

/** The run's verdict, re-derived: baseline marks recomputed from the bundled baseline (or dropped without one). */
export function rederive(files: Map<string, Buffer>, log: (line: string) => void): { report: RunReport; code: number } {
  const raw = files.get(`reports/${REPORT_FILES.json}`);
  if (!raw) throw new ConfigError('bundle', `reports/${REPORT_FILES.json} is missing`, 'make the bundle after a run');
  const report = JSON.parse(raw.toString('utf8')) as RunReport;
  const claimed = report.results.filter((r) => r.baselined).length;
  for (const r of report.results) delete r.baselined;
  report.baselineProblems = undefined;
  const baseline = files.get(BUNDLED_BASELINE);
  if (baseline) {
    const dir = mkdtempSync(join(tmpdir(), 'uc-verify-'));
    try {
      const file = join(dir, BUNDLED_BASELINE);
      writeFileSync(file, baseline);
      const outcome = applyBaseline(loadBaseline(file), report.results, report.finishedAt.slice(0, 10));
      report.baselineProblems = outcome.problems;
      log(`  baseline: ${outcome.excused.length} known deviation(s) excused, ${outcome.problems.length} problem(s) (as of ${report.finishedAt.slice(0, 10)})`);
      for (const p of outcome.problems) log(`    ${p}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (claimed) {
    log(`  baseline: results.json marks ${claimed} failure(s) as excused, but the bundle has no baseline: not excused`);
  }
  return { report, code: judge(report).exitCode };
}

export function verifyCommand(env: Env, path: string, log: (line: string) => void): number {
  const bundle = resolve(path);
  const files = readBundle(bundle);
  log(`verify ${bundle}`);
  const broken = integrityProblems(files);
  if (broken.length) {
    for (const p of broken) log(`✗ ${p}`);
    log(`verify: FAILED — the bundle does not match its manifest: ${broken.map((p) => p.split(':')[0]).join(', ')} (exit 1)`);
    return EXIT.nonConformant;
  }
  log(`✓ integrity: ${files.size - 1} files match ${MANIFEST} (sha256)`);
  try {
    loadConfig(env); // learn this environment's secret values, if any
  } catch {
    // verifying needs no configuration
  }
  const leaked = findSecrets(files);
  if (leaked.length) {
    log(`✗ secrets: a secret value or an unredacted credential appears in ${leaked.join(', ')}`);
    log('verify: FAILED — the bundle holds secrets (exit 3)');
    return EXIT.incomplete;
  }
  log('✓ secrets: none found');
  const suite = JSON.parse(files.get('suite.json')?.toString('utf8') ?? '{}') as {
    tool?: { name: string; version: string };
    git?: { commit: string; modified: boolean } | null;
    caseFiles?: { path: string; sha256: string }[];
  };
  const local = new Map(TARGETS.map((t) => [`fixtures/${t.caseFile}`, join(FIXTURES_DIR, t.caseFile)]));
  const differ = (suite.caseFiles ?? []).filter((c) => local.has(c.path) && sha256(readFileSync(local.get(c.path) ?? '')) !== c.sha256).map((c) => c.path);
  log(
    `  suite: ${suite.tool?.name ?? '?'} ${suite.tool?.version ?? '?'}${suite.git ? ` (git ${suite.git.commit.slice(0, 12)}${suite.git.modified ? ', modified' : ''})` : ''}; case files ${differ.length ? `differ from this checkout: ${differ.join(', ')}` : 'as in this checkout'}`,
  );
  const { report } = rederive(files, log);
  log(`  run ${report.runId}, ${report.startedAt} → ${report.finishedAt}${report.shard ? `, shard ${report.shard.index}/${report.shard.total} only` : ''}`);
  for (const t of report.targets)
    log(
      `  target ${t.suite}: ${t.url} (${t.version})${t.kind === 'embedded' ? ' — embedded reference backend (self-check)' : ''}${t.insecure ? ' — TLS verification disabled' : ''}`,
    );
  const c = countVerdicts(report.results);
  log(`  ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.skip} skipped (${c.total} variants); ${report.runErrors.length} run error(s)`);
  log(
    `  scope: ${report.scope ? (describeScope(report.scope) ?? `complete — ${report.scope.selected} of ${report.scope.available} variants`) : 'not recorded (a report of an older version)'}`,
  );
  return logVerdict(report, log);
}
