/**
 * `update-conformance bundle [--report-dir DIR] [--baseline FILE] [--out DIR|FILE.tar.gz]`: a submission
 * bundle of a finished run, for a vendor to hand in and anyone to check with `verify`:
 *
 *   reports/     results.json, summary.md, report.html, junit.xml as the run wrote them
 *   baseline.yaml the baseline the run was judged by (when there was one)
 *   suite.json   tool name and version, git commit, sha256 of the case files and of every fixture (cases,
 *                case schemas, response schemas, templates): all the data a verdict depends on
 *   target.json  what was tested: run id, times, the targets' URLs and versions, the generation seed (from results.json)
 *   config.json  the configuration variables that are set — secret ones as "***", never their values
 *   manifest.json sha256 of every other file
 *
 * Before anything is written where asked, the staged bundle goes through the run's secret scan
 * (cli/secret-scan.ts) plus a scan for credential-shaped members that are not redacted; a hit → exit 3 and no bundle.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FIXTURES_DIR } from '../engine/cases/load.ts';
import { get } from '../engine/config/env.ts';
import { type Env, loadConfig } from '../engine/config/index.ts';
import { knownSecrets, redactText } from '../engine/config/secrets.ts';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { PACKAGE_ROOT } from '../engine/paths.ts';
import { describeScope } from '../engine/scope.ts';
import { TARGETS } from '../engine/targets/index.ts';
import { isSelfCheck, type RunReport } from '../reporters/model.ts';
import { SELF_CHECK } from '../reporters/verdict.ts';
import { REPORT_FILES } from '../reporters/write.ts';
import { settingsOf } from './configuration.ts';
import { readRunReport } from './merge.ts';
import { scanForSecrets } from './secret-scan.ts';

const ROOT = PACKAGE_ROOT;
export const MANIFEST = 'manifest.json';
export const BUNDLED_BASELINE = 'baseline.yaml';

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

// ── secrets ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * Credential-shaped JSON members whose value is not the redactor's "***" (plain or JSON-in-a-string): catches a
 * secret the current environment does not know, e.g. one from another run's configuration.
 */
const UNREDACTED: RegExp[] = [
  /"(?:authorization|proxy-authorization)"\s*:\s*"(?!(?:Bearer |Basic )?\*\*\*")[^"]+"/i,
  /"(?:x-auth-token|x-subject-token|cookie|set-cookie)"\s*:\s*"(?!\*\*\*")[^"]+"/i,
  /"password"\s*:\s*"(?!\*\*\*")[^"]+"/i,
  /\\"password\\"\s*:\s*\\"(?!\*\*\*\\")(?:[^"\\]|\\[^"])+\\"/i,
];

/** Files (relative paths) that hold a known secret value or an unredacted credential member. */
export function findSecrets(files: Map<string, Buffer>, secrets: readonly string[] = knownSecrets()): string[] {
  const hits: string[] = [];
  for (const [path, data] of files) {
    const text = data.toString('utf8');
    if (secrets.some((s) => text.includes(s)) || UNREDACTED.some((re) => re.test(text))) hits.push(path);
  }
  return hits;
}

// ── tar (ustar, regular files only) ───────────────────────────────────────────────────────────────────

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A gzipped ustar archive of `files` (paths with "/"), every entry under `top/`, with one fixed mtime. */
export function tarGz(files: Map<string, Buffer>, top: string, mtime: Date): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const full = `${top}/${path}`;
    const header = Buffer.alloc(512);
    let name = full;
    let prefix = '';
    if (Buffer.byteLength(full) > 100) {
      const cut = full.lastIndexOf('/', 155);
      prefix = full.slice(0, cut);
      name = full.slice(cut + 1);
      if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for tar: ${full}`);
    }
    header.write(name, 0, 100, 'utf8');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(data.length, 12), 124, 'ascii');
    header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** The regular files of a (gzipped) ustar archive; a single top-level directory is stripped. */
export function untarGz(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const entries = new Map<string, Buffer>();
  const cstr = (from: number, len: number) => {
    const raw = tar.subarray(from, from + len);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? len : end).toString('utf8');
  };
  for (let off = 0; off + 512 <= tar.length; ) {
    if (tar.subarray(off, off + 512).every((b) => b === 0)) break;
    const name = cstr(off, 100);
    const prefix = cstr(off + 345, 155);
    const size = Number.parseInt(cstr(off + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[off + 156] ?? 48);
    if (!Number.isFinite(size) || size < 0 || off + 512 + size > tar.length) throw new Error('the archive is truncated or not a tar file');
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === '0' || type === '\0') {
      if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`unsafe path in the archive: ${path}`);
      entries.set(path, Buffer.from(tar.subarray(off + 512, off + 512 + size)));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  const tops = new Set([...entries.keys()].map((p) => p.split('/')[0]));
  if (tops.size === 1 && [...entries.keys()].every((p) => p.includes('/'))) {
    return new Map([...entries].map(([p, d]) => [p.slice(p.indexOf('/') + 1), d]));
  }
  return entries;
}

/** Every regular file under `dir`, by relative path with "/". */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) files.set(relative(dir, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

// ── contents ──────────────────────────────────────────────────────────────────────────────────────────

/** config.json: the configuration the run recorded; a report of an older version recorded none, so this environment's, said so. */
function runConfiguration(report: RunReport, env: Env): Record<string, unknown> {
  let problem: string | undefined;
  try {
    loadConfig(env);
  } catch (err) {
    problem = redactText(describeError(err));
  }
  if (report.configuration) return report.configuration;
  return {
    note: 'the run recorded no configuration (an older version): these are the settings of the environment `bundle` ran in',
    variables: settingsOf(env),
    ...(problem ? { problem } : {}),
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, sorted by path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

function suiteInfo(runVersion: string): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit ? git(['status', '--porcelain', '--untracked-files=no']) : undefined;
  const file = (path: string) => ({ path: relative(ROOT, path).split(sep).join('/'), sha256: sha256(readFileSync(path)) });
  return {
    tool: { name: pkg.name, version: pkg.version },
    ...(runVersion !== pkg.version ? { warning: `the run was made with version ${runVersion}, this bundle with ${pkg.version}` } : {}),
    git: commit ? { commit, modified: Boolean(status) } : null,
    node: process.version,
    caseFiles: TARGETS.map((t) => file(join(FIXTURES_DIR, t.caseFile))),
    fixtures: filesUnder(FIXTURES_DIR).map(file),
  };
}

/** Removes a previous bundle at `out` (a directory holding manifest.json, or a file); anything else stays and is an error. */
function clearOutput(out: string, asTar: boolean): void {
  if (!existsSync(out)) return;
  const st = statSync(out);
  if (asTar && st.isFile()) return;
  if (!asTar && st.isDirectory() && (readdirSync(out).length === 0 || existsSync(join(out, MANIFEST)))) {
    rmSync(out, { recursive: true, force: true });
    return;
  }
  throw new ConfigError('--out', `${out} exists and is not a bundle`, 'choose a new path');
}

export interface BundleOptions {
  /** Directory, or a path ending in .tar.gz / .tgz; default <report dir>/bundle. */
  out?: string;
  /** `--partial`: pack a run that covered less than every variant the target can run, marked partial. */
  partial?: boolean;
}

export function bundleCommand(env: Env, opts: BundleOptions, log: (line: string) => void): number {
  const reportDir = resolve(get(env, 'CONFORMANCE_REPORT_DIR') ?? 'reports');
  const report = readRunReport(reportDir);
  // A bundle is handed in as evidence about an API: a run against the reference backends is none.
  if (isSelfCheck(report)) {
    throw new ConfigError('bundle', `run ${report.runId} in ${reportDir} is a ${SELF_CHECK}`, 'configure a target, run against it and bundle that run');
  }
  // A submission is about the API as a whole: a partial run is packed only when asked for, and marked so.
  const scope = describeScope(report.scope);
  if (scope && !opts.partial) {
    throw new ConfigError(
      'bundle',
      `run ${report.runId} in ${reportDir} is ${scope}`,
      'run every variant (or `merge` all shards) and bundle that, or pass --partial to pack it marked partial',
    );
  }
  // The run recorded its own configuration; loading this environment's registers its secret values for the scan.
  const config = runConfiguration(report, env);
  const baselineFile = get(env, 'CONFORMANCE_BASELINE');
  if (!baselineFile && (report.baselineProblems?.length || report.results.some((r) => r.baselined))) {
    throw new ConfigError('CONFORMANCE_BASELINE', 'the run was judged by a baseline that is not given', 'pass the same --baseline FILE the run used');
  }
  const files = new Map<string, Buffer>();
  for (const name of Object.values(REPORT_FILES)) {
    const p = join(reportDir, name);
    if (existsSync(p)) files.set(`reports/${name}`, readFileSync(p));
    else log(`bundle: ${name} is missing from ${reportDir}`);
  }
  if (baselineFile) {
    try {
      files.set(BUNDLED_BASELINE, readFileSync(baselineFile));
    } catch (err) {
      throw new ConfigError('CONFORMANCE_BASELINE', `cannot read ${baselineFile} (${(err as NodeJS.ErrnoException).code})`, 'fix the path');
    }
  }
  const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 1)}\n`);
  files.set('suite.json', json(suiteInfo(report.tool.version)));
  files.set(
    'target.json',
    json({
      runId: report.runId,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      shard: report.shard ?? null,
      scope: report.scope ? { ...report.scope, description: scope ?? 'complete' } : null,
      targets: report.targets,
      generation: report.generation ?? null,
    }),
  );
  files.set('config.json', json(config));
  const manifest = {
    algorithm: 'sha256',
    runId: report.runId,
    files: Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)).map(([p, d]) => [p, sha256(d)])),
  };
  files.set(MANIFEST, json(manifest));

  // Stage, scan with the run's own secret scan (and for unredacted credential members), then publish.
  const stage = mkdtempSync(join(tmpdir(), 'uc-bundle-'));
  try {
    for (const [p, d] of files) {
      mkdirSync(dirname(join(stage, p)), { recursive: true });
      writeFileSync(join(stage, p), d);
    }
    const leaked = [...new Set([...scanForSecrets(stage).map((p) => relative(stage, p).split(sep).join('/')), ...findSecrets(files)])].sort();
    if (leaked.length) {
      log(`bundle: REFUSED — a secret value or an unredacted credential appears in ${leaked.join(', ')} (nothing was written)`);
      return EXIT.incomplete;
    }
    const out = resolve(opts.out ?? join(reportDir, 'bundle'));
    const asTar = /\.(tar\.gz|tgz)$/.test(out);
    clearOutput(out, asTar);
    if (asTar) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, tarGz(files, `update-conformance-${report.runId.replace(/[^a-z0-9+-]/gi, '')}`, new Date(report.finishedAt)));
    } else {
      cpSync(stage, out, { recursive: true });
      chmodSync(out, 0o755); // the staging directory was private (mkdtemp); the bundle is meant to be shared
    }
    log(
      `bundle: ${out} — ${files.size} files (run ${report.runId}, ${report.results.length} results${scope ? `, PARTIAL: ${scope}` : ''}); check it with \`update-conformance verify ${out}\``,
    );
    return EXIT.ok;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
