/**
 * What vendors' own tooling reads: `--rerun-failed` (exactly the failed and errored variants of an earlier run),
 * the subunit v2 stream (decoded here independently: signature, version, varint lengths, CRC32 from node:zlib,
 * statuses, attachments), verdict.json, the Nova cases' interop capability and the Tempest tests they supersede,
 * and the attribution of a Kubernetes rejection to the cluster's own admission policy. `subunit2junitxml` and
 * `stestr load` read the stream in .ci/stages/40-subunit.sh.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type K8sReference, startK8sReference } from '../backends/k8s-reference/index.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { casesOf, targetNamed } from '../engine/targets/index.ts';
import { k8sPolicyRejection } from '../engine/targets/k8s/policy.ts';
import { unknownInteropCases } from '../engine/targets/nova/interop.ts';
import type { RunReport } from '../reporters/model.ts';
import { crc32, encodePacket, renderSubunit, varint } from '../reporters/subunit.ts';
import type { VerdictFile } from '../reporters/verdict-file.ts';
import { loopback } from './support/loopback.ts';
import { readReport, reportDir, runMain } from './support/run-cli.ts';

const TOKEN = 'vendor-tooling-token-0123456789abcdef';
let k8s: K8sReference;
beforeAll(async () => {
  k8s = await startK8sReference({ token: TOKEN });
});
afterAll(async () => {
  await k8s?.close();
});
const k8sEnv = (dir: string) => ({ K8S_SERVER: k8s.url, K8S_TOKEN: TOKEN, K8S_NAMESPACE: 'default', CONFORMANCE_REPORT_DIR: dir });

describe('--rerun-failed', () => {
  test('runs exactly the failed and errored variants of the earlier results.json', async () => {
    const first = reportDir('rerun/first');
    const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-*,k8s.pods.patch.label-bad-key'], k8sEnv(first));
    expect(run.code).toBe(0);
    // Mark some of them failed / errored / skipped, as an earlier run against a broken target would have.
    const earlier = readReport(first);
    const [a, b, c, d] = earlier.results;
    if (!a || !b || !c || !d) throw new Error('too few results');
    a.verdict = 'fail';
    b.verdict = 'error';
    c.verdict = 'skip';
    writeFileSync(join(first, 'results.json'), JSON.stringify(earlier));
    const again = reportDir('rerun/again');
    const rerun = await runMain(['run', '--rerun-failed', join(first, 'results.json')], k8sEnv(again));
    expect(rerun.code, rerun.out.join('\n')).toBe(0);
    expect(
      readReport(again)
        .results.map((r) => r.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
  });

  test('an earlier run with nothing to rerun says so (exit 0); an unreadable file or a case that no longer exists: exit 2, saying so', async () => {
    const dir = reportDir('rerun/clean');
    await runMain(['run', '--case', 'k8s.pods.patch.labels-add'], k8sEnv(dir));
    const none = await runMain(['run', '--rerun-failed', join(dir, 'results.json')], k8sEnv(reportDir('rerun/none')));
    expect(none.code).toBe(0);
    expect(none.out[0]).toMatch(/^Nothing to rerun: run \w+ \(.*\) has no failed or errored variant\.$/);
    const missing = await runMain(['run', '--rerun-failed', join(dir, 'nope.json')], k8sEnv(reportDir('rerun/missing')));
    expect(missing.err[0]).toMatch(/--rerun-failed: cannot read .*nope\.json \(ENOENT\)/);
    const gone = join(dir, 'gone.json');
    writeFileSync(gone, JSON.stringify({ results: [{ id: 'k8s.pods.patch.no-such-case@merge-patch', verdict: 'fail' }] }));
    const g = await runMain(['run', '--rerun-failed', gone], k8sEnv(reportDir('rerun/gone')));
    expect(g.code).toBe(2);
    expect(g.err[0]).toMatch(/"k8s\.pods\.patch\.no-such-case@merge-patch" .* is not a case of the selected suites/);
  });
});

/** An independent reader of the stream: every packet's framing checked, fields decoded. */
function decodeSubunit(buf: Buffer): { id?: string; status: number; tags: string[]; file?: { name: string; text: string; mime: string }; time?: number }[] {
  const packets = [];
  let pos = 0;
  const num = (at: number): [number, number] => {
    const first = buf[at] as number;
    const size = (first >> 6) + 1;
    let n = first & 0x3f;
    for (let i = 1; i < size; i++) n = (n << 8) | (buf[at + i] as number);
    return [n, size];
  };
  while (pos < buf.length) {
    expect(buf[pos]).toBe(0xb3);
    const flags = buf.readUInt16BE(pos + 1);
    expect(flags >> 12).toBe(2);
    const [length, ls] = num(pos + 3);
    expect(buf.readUInt32BE(pos + length - 4)).toBe(zlibCrc32(buf.subarray(pos, pos + length - 4)));
    let at = pos + 3 + ls;
    const str = (): string => {
      const [n, s] = num(at);
      const text = buf.subarray(at + s, at + s + n).toString('utf8');
      at += s + n;
      return text;
    };
    const p: ReturnType<typeof decodeSubunit>[number] = { status: flags & 7, tags: [] };
    if (flags & 0x0200) {
      p.time = buf.readUInt32BE(at) * 1000;
      at += 4 + num(at + 4)[1];
    }
    if (flags & 0x0800) p.id = str();
    if (flags & 0x0080) {
      const [n, s] = num(at);
      at += s;
      for (let i = 0; i < n; i++) p.tags.push(str());
    }
    const mime = flags & 0x0020 ? str() : '';
    if (flags & 0x0040) {
      const name = str();
      const [n, s] = num(at);
      p.file = { name, mime, text: buf.subarray(at + s, at + s + n).toString('utf8') };
      at += s + n;
    }
    expect(at).toBe(pos + length - 4);
    packets.push(p);
    pos += length;
  }
  return packets;
}

describe('subunit v2', () => {
  test('varints at their boundaries and CRC32 as zlib computes it', () => {
    expect([0, 63, 64, 16383, 16384, 4194303, 4194304].map((n) => varint(n).toString('hex'))).toEqual([
      '00',
      '3f',
      '4040',
      '7fff',
      '804000',
      'bfffff',
      'c0400000',
    ]);
    for (const s of ['', 'a', 'update-conformance', 'x'.repeat(10_000)]) expect(crc32(Buffer.from(s))).toBe(zlibCrc32(Buffer.from(s)));
    // A packet whose length crosses the 1-byte and 2-byte varint limits still frames correctly.
    for (const size of [40, 60, 16_370, 20_000])
      decodeSubunit(encodePacket({ testId: 't', file: { name: 'f', content: Buffer.alloc(size, 65), mimeType: 'text/plain', eof: true } }));
  });

  test('--report subunit: one test per variant, its status, tags and the failure details; verdict.json names it', async () => {
    const dir = reportDir('subunit');
    k8s.setFaults(['drop-allowed-change']);
    let run: Awaited<ReturnType<typeof runMain>>;
    try {
      run = await runMain(['run', '--case', 'k8s.pods.patch.labels-*,k8s.pods.patch.label-bad-key', '--report', 'subunit'], k8sEnv(dir));
    } finally {
      k8s.setFaults([]);
    }
    expect(run.code).toBe(1);
    const report = readReport(dir);
    const packets = decodeSubunit(readFileSync(join(dir, 'results.subunit')));
    const finals = packets.filter((p) => p.status >= 3);
    expect(finals.length).toBe(report.results.length);
    for (const r of report.results) {
      const id = r.variant && r.id !== r.caseId ? `${r.caseId}(${r.variant})` : r.id;
      const mine = packets.filter((p) => p.id === id);
      expect(mine[0]?.status).toBe(2); // inprogress
      expect(mine.at(-1)?.status).toBe({ pass: 3, skip: 5, fail: 6, error: 6 }[r.verdict]);
      expect(mine.at(-1)?.tags).toEqual(expect.arrayContaining(['k8s.pods.patch', r.kind]));
      if (r.verdict === 'fail') {
        const tb = mine.find((p) => p.file?.name === 'traceback')?.file;
        expect(tb?.mime).toBe('text/plain;charset=utf8');
        expect(tb?.text).toContain(`[${r.failures[0]?.check}]`);
        expect(tb?.text).toContain('authorization: Bearer ***');
        expect(tb?.text).not.toContain(TOKEN);
      }
    }
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictFile;
    expect(verdict).toMatchObject({ verdict: 'non-conformant', exitCode: 1, reports: { subunit: 'results.subunit', junit: 'junit.xml' } });
    expect(verdict.counts.fail).toBe(report.results.filter((r) => r.verdict === 'fail').length);
  });

  test('a baselined failure is an expected failure (xfail); run errors are one failing test', () => {
    const base = { caseId: 'k8s.pods.patch.x', suite: 'k8s.pods.patch', title: 't', kind: 'allowed' as const, fields: [], tags: [], source: ['s'] };
    const report: RunReport = {
      tool: { name: 'update-conformance', version: '0' },
      runId: 'abcd',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      interrupted: false,
      targets: [],
      runErrors: ['leak: pod x'],
      results: [
        { ...base, id: 'k8s.pods.patch.x', verdict: 'fail', baselined: 'vendor bug 1', failures: [], checks: [], evidence: [], requests: 1, durationMs: 5 },
      ],
    };
    const packets = decodeSubunit(renderSubunit(report));
    expect(packets.filter((p) => p.id === 'k8s.pods.patch.x').at(-1)?.status).toBe(7);
    const run = packets.filter((p) => p.id === 'update-conformance.run');
    expect(run.at(-1)?.status).toBe(6);
    expect(run.find((p) => p.file)?.file?.text).toContain('leak: pod x');
  });
});

describe('interop (Nova)', () => {
  test('every Nova case tests compute-servers-update; the Tempest tests it supersedes are named, with their ids', () => {
    const nova = targetNamed('nova');
    const cases = casesOf(nova);
    expect(unknownInteropCases(cases)).toEqual([]);
    expect(cases.every((c) => c.supersedes?.capability === 'compute-servers-update')).toBe(true);
    const rename = cases.find((c) => c.id === 'nova.servers.update.rename');
    expect(rename?.supersedes?.tests).toEqual([
      'tempest.api.compute.servers.test_servers.ServersTestJSON.test_update_server_name[id-5e6ccff8-349d-4852-a8b3-055df7988dd2]',
    ]);
    // All five tests of the capability in guideline 2020.06 are superseded by some case.
    const all = new Set(cases.flatMap((c) => c.supersedes?.tests ?? []).filter((t) => !t.endsWith('(not in the guideline)')));
    expect(all.size).toBe(5);
    expect(casesOf(targetNamed('k8s')).some((c) => c.supersedes)).toBe(false);
  });

  test('`list` shows it', async () => {
    const r = await runMain(['list', '--case', 'nova.servers.update.name-empty'], {});
    expect(r.out.join('\n')).toContain(
      'capability compute-servers-update (OpenStack interop guideline 2020.06, OpenStack Powered Compute, required); supersedes tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_update_server_set_empty_name[id-38204696-17c6-44da-9590-40f87fb5a899,negative]',
    );
  });
});

describe("the cluster's own policy", () => {
  const rejected = (status: number, message: string, warning?: string): Exchange => ({
    request: { method: 'PATCH', url: 'https://x/api/v1/namespaces/n/pods/p', headers: {} },
    response: { status, headers: warning ? { warning } : {}, text: '', json: { kind: 'Status', message } },
    elapsedMs: 1,
  });
  test.each([
    [
      "pods \"p\" is forbidden: ValidatingAdmissionPolicy 'frozen' with binding 'b' denied request: labels are managed",
      "rejected by the cluster's own policy: ValidatingAdmissionPolicy 'frozen' (binding 'b')",
    ],
    [
      'pods "p" is forbidden: ValidatingAdmissionPolicy \'frozen\' denied request: no',
      "rejected by the cluster's own policy: ValidatingAdmissionPolicy 'frozen'",
    ],
    [
      'admission webhook "validate.kyverno.svc" denied the request: label required',
      "rejected by the cluster's own policy: admission webhook 'validate.kyverno.svc'",
    ],
    [
      'Internal error occurred: failed calling webhook "gatekeeper.sh": timeout',
      "rejected by the cluster's own policy: admission webhook 'gatekeeper.sh' (could not be called)",
    ],
    ['Pod "p" is invalid: metadata.labels: Invalid value', undefined],
  ])('%s', (message, expected) => {
    expect(k8sPolicyRejection(rejected(422, message))).toBe(expected);
  });
  test('a run against a cluster whose policy refuses label changes: those failures say so and are counted apart', async () => {
    // In front of the reference backend, an admission policy that refuses PATCHes touching labels, in upstream's words.
    const gate = await loopback((req, res, body) => {
      if (req.method === 'PATCH' && body.includes('labels')) {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Invalid',
            code: 422,
            message: "pods \"p\" is forbidden: ValidatingAdmissionPolicy 'labels-frozen' with binding 'all' denied request: labels are managed",
          }),
        );
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      void fetch(`${k8s.url}${req.url}`, { method: req.method, headers, body: body || undefined }).then(async (up) => {
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
        res.end(await up.text());
      });
    });
    try {
      const dir = reportDir('policy');
      const run = await runMain(['run', '--case', 'k8s.pods.patch.labels-add,k8s.pods.patch.image-replace'], { ...k8sEnv(dir), K8S_SERVER: gate.url });
      expect(run.code).toBe(1);
      const report = readReport(dir);
      const failed = report.results.filter((r) => r.verdict === 'fail');
      expect(failed.map((r) => r.caseId)).toEqual(['k8s.pods.patch.labels-add', 'k8s.pods.patch.labels-add', 'k8s.pods.patch.labels-add']);
      for (const r of failed) expect(r.policy).toBe("rejected by the cluster's own policy: ValidatingAdmissionPolicy 'labels-frozen' (binding 'all')");
      expect(report.results.filter((r) => r.verdict === 'pass' && r.policy)).toEqual([]);
      expect(run.out).toContain("3 of the failures were rejected by the target's own policy, not by the API's rules (see each failure)");
      // The console's grouped failures: the example line names the policy first.
      expect(run.out.some((l) => /^\s+k8s\.pods\.patch\.labels-add@\S+ {2}rejected by the cluster's own policy/.test(l))).toBe(true);
      expect((JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictFile).counts).toMatchObject({ fail: 3, policy: 3 });
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('3 of the failures were rejected by the target');
    } finally {
      await gate.close();
    }
  });

  test('a Warning header naming a policy on a rejected update; never on a success', () => {
    const warning = "299 - \"Validation failed for ValidatingAdmissionPolicy 'audit-labels' with binding 'b': labels\"";
    expect(k8sPolicyRejection(rejected(403, 'forbidden', warning))).toBe(
      "rejected by the cluster's own policy: ValidatingAdmissionPolicy 'audit-labels' (binding 'b')",
    );
    expect(k8sPolicyRejection(rejected(200, '', warning))).toBeUndefined();
  });
});
