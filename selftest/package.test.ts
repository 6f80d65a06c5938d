/**
 * The installable command: the package is built and packed (`npm pack`), installed into an empty project from the
 * npm cache (metadata from the registry where the cache lacks it), and run there as `npx update-conformance` — version, help, a bad flag, and the main job against
 * the embedded reference backends — exactly as a vendor would run it after `npm install update-conformance`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanEnv } from './support/run-cli.ts';

const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'uc-pack-'));
const project = join(work, 'vendor-project');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function npx(args: string[], timeout = 120_000) {
  // Only the settings given here: no CI variable (the run would refuse embedded backends) and no target.
  const env = { ...cleanEnv({}), CI: '', CONFORMANCE_REPORT_DIR: join(work, 'reports') };
  const r = spawnSync('npx', ['--no-install', 'update-conformance', ...args], { cwd: project, env, encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm pack → npm install → npx update-conformance', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vendor-project', version: '1.0.0', private: true }));
    // --prefer-offline: the tarballs come from the cache `npm ci` filled; only package metadata may need the registry.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(work, tarball)], { cwd: project, stdio: 'pipe' });
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('--version prints the package version', () => {
    const r = npx(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(`update-conformance ${version}`);
  });

  test('--help lists the commands, the main variables and the exit codes', () => {
    const r = npx(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['doctor', 'cleanup', 'KUBECONFIG', 'OS_CLOUD', 'NOVA_SERVER_IDS', 'exit codes', '130 interrupted']) expect(r.out).toContain(word);
  });

  test('an unknown flag is one line of ours and exit 2', () => {
    const r = npx(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual(["update-conformance: Unknown option '--frobnicate' — run `update-conformance --help`"]);
  });

  test('the main job runs from the installed package against the embedded reference backends', () => {
    const r = npx(['run', '--case', 'k8s.pods.patch.image-replace,nova.servers.update.doc-example-name-body'], 240_000);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/\d+ passed, 0 failed, 0 errors/);
    const report = JSON.parse(readFileSync(join(work, 'reports', 'results.json'), 'utf8')) as { results: { verdict: string }[] };
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((x) => x.verdict === 'pass')).toBe(true);
  }, 300_000);
});
