/**
 * The HTML report in a real browser: a run with failing cases (a Kubernetes reference backend with the
 * `accept-forbidden` fault, plus the embedded Nova backend) is rendered by headless Chromium — a screenshot
 * (reports/report-screenshot.png, the top at 1280×1000; reports/report-nova-matrix.png, the Nova picture and
 * matrix) and the DOM after load, which must hold the coverage matrix with rows and the failing case's details.
 * At 1280 px the browser measures the layout (issue 22): no sideways scrolling, every table header on one line. Needs the Debian package `chromium` (/usr/bin/chromium, or CHROMIUM=path);
 * without it the test is skipped with the reason. It installs nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { type NovaReference, passwordAuthEnv, startNovaReference } from '../backends/nova-reference/index.ts';
import type { CaseResult } from '../engine/results.ts';
import { type CliOutcome, ROOT, readReport, reportDir, runMain } from './support/run-cli.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.warn(`html-screenshot: skipped — ${CHROMIUM} is missing (install the Debian package: apt-get install -y chromium)`);
}

const TOKEN = 'html-shot-k8s-token-0123456789';
const SELECTION =
  'k8s.pods.patch.metadata-*,k8s.pods.patch.active-deadline-increase,k8s.pods.patch.labels-add,k8s.pods.patch.annotations-*,' +
  // Nova cases with narrow microversion columns (2.9, 2.26 …), the "unsupported" column and the cases sent once.
  'nova.servers.update.rename,nova.servers.update.hostname-*,nova.servers.update.empty-server-object,nova.servers.update.rename-locked-server,nova.servers.update.microversion-*';
const SCREENSHOT = join(ROOT, 'reports', 'report-screenshot.png');
const NOVA_SCREENSHOT = join(ROOT, 'reports', 'report-nova-matrix.png');

let k8s: K8sReference;
let nova: NovaReference;
let dir: string;
let run: CliOutcome;
let profile: string;

/** Headless Chromium with a throwaway profile; resolves with stdout, rejects after 90 s. */
function chromium(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`)) : resolve(stdout)),
    );
  });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe.skipIf(!HAVE_CHROMIUM)('report.html in headless Chromium', () => {
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'uc-chromium-'));
    k8s = await startK8sReference({ token: TOKEN, faults: ['accept-forbidden'] });
    // Both suites against configured backends: a configured run never includes an embedded one (issue 12).
    nova = await startNovaReference({});
    dir = reportDir('html-screenshot');
    run = await runMain(['run', '--case', SELECTION, '--report-dir', dir], {
      K8S_SERVER: k8s.url,
      K8S_TOKEN: TOKEN,
      ...passwordAuthEnv(nova),
      CONFORMANCE_SUITES: 'k8s,nova',
      CONFORMANCE_RUN_ID: 'htmlshot',
    });
  }, 60_000);

  afterAll(async () => {
    await k8s?.close();
    await nova?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the run has a failing case to show', () => {
    expect(run.code).toBe(1);
    expect(readReport(dir).results.some((r) => r.verdict === 'fail')).toBe(true);
  });

  test('screenshots at 1280×1000: the top (reports/report-screenshot.png) and the Nova picture and matrix', async () => {
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    await chromium([`--screenshot=${SCREENSHOT}`, '--window-size=1280,1000', pathToFileURL(join(dir, 'report.html')).href]);
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pngSize(SCREENSHOT)).toEqual({ width: 1280, height: 1000 });
    // A blank page compresses to a few KB; the report's tables and text do not.
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(30_000);
    // The Nova parts at the top of the page: the headline, the Nova picture, the field × microversion matrix.
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const part = (start: string) => {
      const from = html.indexOf(start);
      expect(from, start).toBeGreaterThan(-1);
      return html.slice(from, html.indexOf('</table></div>', from) + '</table></div>'.length);
    };
    const novaCopy = join(dir, 'report-nova.html');
    writeFileSync(
      novaCopy,
      `${html.slice(0, html.indexOf('</h1>') + 5)}${part('<h3>nova.servers.update</h3>')}${part('<h2>Compute: field × microversion</h2>')}</body></html>`,
    );
    rmSync(NOVA_SCREENSHOT, { force: true });
    await chromium([`--screenshot=${NOVA_SCREENSHOT}`, '--window-size=1280,1000', pathToFileURL(novaCopy).href]);
    expect(pngSize(NOVA_SCREENSHOT)).toEqual({ width: 1280, height: 1000 });
    expect(statSync(NOVA_SCREENSHOT).size).toBeGreaterThan(30_000);
  });

  test('the DOM after load: the coverage matrix has rows, the failing case has its details', async () => {
    const dom = await chromium(['--dump-dom', pathToFileURL(join(dir, 'report.html')).href]);
    // The headline comes whole from judge() (issue 12: it carries the reason, e.g. the known deviations).
    // A --case run is partial, and the headline begins by saying so (issue 22).
    expect(dom).toMatch(
      /update-conformance: <span class="fail">partial: \d+ of \d+ variants \(cases [^)]* and \d+ more\) — non-conformant \(\d+ failed\)<\/span>/,
    );
    const matrix = /<table id="matrix">([\s\S]*?)<\/table>/.exec(dom)?.[1] ?? '';
    const rows = matrix.match(/<tr>/g) ?? [];
    const results = readReport(dir).results;
    const fields = new Set(results.flatMap((r) => r.fields.map((f) => `${r.suite} ${f}`)));
    expect(rows.length).toBe(fields.size + 1);
    expect(matrix).toContain('k8s.pods.patch metadata.uid');
    // The failing field's row shows its failures (3 variants of metadata-uid), in the same row.
    expect(matrix).toMatch(/k8s\.pods\.patch metadata\.uid<\/td>(?:(?!<\/tr>).)*3✗/);
    expect(dom).toContain('<table id="microversions"');

    const failing = results.find((r) => r.verdict === 'fail' && r.id.startsWith('k8s.pods.patch.metadata-uid')) as CaseResult;
    expect(failing).toBeDefined();
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const start = dom.indexOf(`<details id="${esc(failing.id)}"`);
    expect(start).toBeGreaterThan(-1);
    const section = dom.slice(start, dom.indexOf('</details>', start));
    expect(section).toMatch(/^<details id="[^"]+" open="">/); // failures are open
    expect(section).toContain('<span class="badge b-fail">fail</span>');
    expect(section).toContain('[status-code] Unexpected HTTP status: expected 422, received 200');
    for (const f of failing.failures) expect(section).toContain(`<td>${esc(f.title)}</td>`);
    expect(section).toContain(failing.source[0] ? esc(failing.source[0]) : 'Source');
    expect(section).toContain('Evidence (secrets redacted)');
    expect(section).toContain('Bearer ***');
    expect(dom).not.toContain(TOKEN);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('report.html layout (issue 14): picture first, grouped failures, update first, no sideways scrolling', () => {
  beforeAll(() => {
    profile ||= mkdtempSync(join(tmpdir(), 'uc-chromium-'));
  });

  /** The page at `width` px, with what the browser measured after layout written into the DOM it dumps. */
  async function measured(width: number): Promise<string> {
    // After layout: the page's scroll width, each table header's height against the first one's (a header that
    // wraps is taller), and the text people read.
    const script = `<script>
      const d = document.body.dataset;
      d.scrollWidth = String(document.documentElement.scrollWidth);
      d.headers = JSON.stringify([...document.querySelectorAll('table')].map((t) => [t.id, [...t.querySelectorAll('th')].map((th) => [th.textContent, Math.round(th.getBoundingClientRect().height)])]));
      d.text = document.body.innerText.includes('~1') ? 'has-pointer-escapes' : 'plain';
    </script>`;
    const html = readFileSync(join(dir, 'report.html'), 'utf8').replace('</body>', `${script}</body>`);
    const copy = join(dir, `report-measure-${width}.html`);
    writeFileSync(copy, html);
    return chromium([`--window-size=${width},1000`, '--dump-dom', pathToFileURL(copy).href]);
  }

  test('no horizontal scrolling at 1280 px', async () => {
    const dom = await measured(1280);
    const width = Number(/data-scroll-width="(\d+)"/.exec(dom)?.[1]);
    expect(width).toBeGreaterThan(0);
    expect(width).toBeLessThanOrEqual(1280);
  });

  test('at 1280 px every table header is one line (no "2 . 9", no "uns/upp/orte/d"), and no JSON-pointer escape in the text', async () => {
    const dom = await measured(1280);
    const raw = /data-headers="([^"]*)"/.exec(dom)?.[1] ?? '[]';
    const tables = JSON.parse(raw.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as [string, [string, number][]][];
    const nova = tables.find(([id]) => id === 'picture-nova.servers.update')?.[1] ?? [];
    expect(nova.map(([text]) => text)).toEqual(expect.arrayContaining(['2.9', 'unsupported', 'once']));
    expect(tables.find(([id]) => id === 'microversions')).toBeDefined();
    for (const [id, headers] of tables) {
      const one = headers[0]?.[1] ?? 0;
      for (const [text, height] of headers) expect(height, `${id}: header "${text}"`).toBeLessThanOrEqual(one);
    }
    expect(dom).toContain('data-text="plain"');
    // The last column is named and explained; the matrix explains an empty cell.
    expect(dom).toMatch(/“once”: cases sent once, not per microversion/);
    expect(dom).toContain('an empty cell: no case of that field at that microversion');
  });

  test('the picture comes before everything else, one square per variant, each a link to its case', async () => {
    const dom = await measured(1280);
    const results = readReport(dir).results;
    const pic = dom.indexOf('<table class="pic"');
    expect(pic).toBeGreaterThan(-1);
    expect(pic).toBeLessThan(dom.indexOf('id="failures"'));
    expect(pic).toBeLessThan(dom.indexOf('<table id="matrix">'));
    const links = [...dom.matchAll(/<a class="v v-(\w+)" href="#([^"]+)"/g)].map((m) => ({ verdict: m[1], id: m[2] }));
    // Every variant is in the picture (once per field it is about), with its own verdict's colour.
    for (const r of results) expect(links.filter((l) => l.id === r.id).length).toBe(r.fields.length);
    for (const l of links) expect(results.find((r) => r.id === l.id)?.verdict).toBe(l.verdict);
    for (const l of links) expect(dom).toContain(`<details id="${l.id}"`);
  });

  test('failures are grouped by what went wrong, and a failing case shows the update exchange first', async () => {
    const dom = await measured(1280);
    expect(dom).toMatch(/<strong>forbidden updates accepted<\/strong>: \d+ variant\(s\) of \d+ case\(s\)/);
    const failing = readReport(dir).results.find((r) => r.verdict === 'fail') as CaseResult;
    const start = dom.indexOf(`<details id="${failing.id}"`);
    const section = dom.slice(start, dom.indexOf('</details>', start));
    const pres = [...section.matchAll(/<pre>([^\n]*)/g)].map((m) => m[1] ?? '');
    expect(pres[0]).toMatch(/^\[update\] PATCH /);
    expect(section.indexOf('the update</h4>')).toBeLessThan(section.indexOf('Before → after'));
    expect(section).toMatch(/Source: <a href="https:\/\//);
  });
});
