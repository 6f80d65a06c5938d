/**
 * One error for a target that is not the API (issue 22). A plain HTTP file server that serves a JSON /version is
 * refused by the preflight — exit 2, one line, before any variant runs — and a target that passes the preflight
 * but answers every variant's setup the same wrong way stops the run early with one error naming it (exit 3),
 * instead of running — and listing — every variant.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import { SAME_ERROR_STREAK } from '../reporters/same-error.ts';
import { type Loopback, loopback } from './support/loopback.ts';
import { missingReports, readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'wrong-target-token-0123456789';
let files: Loopback;
let k8s: K8sReference;

beforeAll(async () => {
  // What `python3 -m http.server` in a directory with a `version` file answers: the file, else a 404 page.
  files = await loopback((req, res) => {
    if (req.url === '/version') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('{"major":"1","minor":"34","gitVersion":"v1.34.0"}\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html;charset=utf-8' });
    res.end('<!DOCTYPE HTML><html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 404</p></body></html>');
  });
  k8s = await startK8sReference({ token: TOKEN });
});

afterAll(async () => {
  await files?.close();
  await k8s?.close();
});

describe('a file server with a JSON /version', () => {
  test('is refused by the preflight: exit 2, one line naming the request and the answer, no variant run, no report', async () => {
    const dir = reportDir('wrong-target/files');
    const run = await runMain(['run', '--report-dir', dir], { K8S_SERVER: files.url, K8S_TOKEN: TOKEN });
    expect(run.code).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(
      /^configuration error: K8S_SERVER: http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/v1\/namespaces\/uc-[a-z0-9]+-ns\) answered 404 with HTML instead of JSON .*: it does not look like a Kubernetes API server — point K8S_SERVER at a Kubernetes API server$/,
    );
    expect(run.out).toEqual([]);
    expect(files.requests.some((r) => r.startsWith('POST'))).toBe(false);
    expect(missingReports(dir)).toHaveLength(4);
  });

  test('a JSON answer of the wrong kind is refused too, naming what came', async () => {
    const json = await loopback((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/version' ? '{"gitVersion":"v1.34.0"}' : '{"ok":true}');
    });
    try {
      const run = await runMain(['run', '--report-dir', reportDir('wrong-target/json')], { K8S_SERVER: json.url, K8S_TOKEN: TOKEN });
      expect(run.code).toBe(2);
      expect(run.err[0]).toMatch(/answered 200 with JSON without a kind where a Kubernetes Namespace was due: it does not look like a Kubernetes API server/);
    } finally {
      await json.close();
    }
  });
});

/** The reference backend behind a proxy that answers every pod creation the same wrong way. */
async function brokenCreate(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && /\/pods$/.test(req.url ?? '')) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>upstream connect error</body></html>');
      return;
    }
    const fwd = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('every variant failing the same technical way', () => {
  test('stops the run early with one error naming the step and the answer (exit 3)', async () => {
    const proxy = await brokenCreate(k8s.url);
    try {
      const dir = reportDir('wrong-target/same-error');
      const run = await runMain(['run', '--report-dir', dir], { K8S_SERVER: proxy.url, K8S_TOKEN: TOKEN });
      const console = run.out.join('\n');
      expect(run.code, console).toBe(3);
      const report = readReport(dir);
      expect(report.interrupted).toBe(false);
      expect(report.runErrors[0]).toMatch(/^stopped early: the first \d+ variants all failed the same technical way, so every variant would — .*503/);
      expect(report.stoppedEarly).toBe(report.runErrors[0]);
      // Not every variant ran: the ones after the streak were not sent.
      expect(report.results.length).toBeGreaterThanOrEqual(SAME_ERROR_STREAK);
      expect(report.results.length).toBeLessThan(report.scope?.selected ?? 0);
      expect(report.results.every((r) => r.verdict === 'error')).toBe(true);
      // The console lists the variants that ran (each technical error whole), not all 240.
      const listed = run.out.filter((l) => /^ {6}k8s\.pods\.patch\./.test(l));
      expect(listed, console).toHaveLength(report.results.length);
      expect(run.out.filter((l) => l.startsWith('stopped early:'))).toHaveLength(1);
      expect(run.out.at(-1)).toMatch(/^verdict: incomplete \(.*run error.*\) \(exit 3\)$/);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  test('a run whose variants fail in different ways runs to the end', async () => {
    k8s.setFaults(['malformed-as-500']);
    try {
      const dir = reportDir('wrong-target/mixed');
      const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-*,k8s.pods.patch.malformed-*', '--report-dir', dir], {
        K8S_SERVER: k8s.url,
        K8S_TOKEN: TOKEN,
      });
      const report = readReport(dir);
      expect(report.stoppedEarly).toBeUndefined();
      expect(report.results.length).toBe(report.scope?.selected);
      expect(run.code).not.toBe(3);
    } finally {
      k8s.setFaults([]);
    }
  }, 60_000);
});
