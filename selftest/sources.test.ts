/**
 * Sources a vendor can open: every `source` of every case file (and of every generated family) resolves to a
 * public permalink through reporters/sources.ts, or is one of the plain-text observations listed here; none
 * points into shared/, which is not in the repository a vendor receives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FIXTURES_DIR } from '../engine/cases/load.ts';
import { FAMILIES, generateCaseList } from '../engine/generate/index.ts';
import { DOCUMENTS, isPlainSource, sourceLink } from '../reporters/sources.ts';

/** The observations cited as plain text: a new one is a deliberate addition to this list. */
const OBSERVATIONS = [
  'observed: kube-apiserver v1.34.10',
  'observed: nova 26.2.2 with keystone 22.0.2 and keystonemiddleware 10.1.0 (Debian bookworm): a bogus token → 401 {"error": {"code": 401, "title": "Unauthorized", ...}}',
  'observed: nova 26.2.2 on Python 3.11 with jsonschema 4.10.3 answers 01.2.3.4 with 400 (backends/nova-real/README.md)',
];

function caseFileSources(): { where: string; source: string }[] {
  const out: { where: string; source: string }[] = [];
  for (const target of readdirSync(FIXTURES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(FIXTURES_DIR, target.name)).filter((f) => f.endsWith('.cases.yaml'))) {
      const doc = parseYaml(readFileSync(join(FIXTURES_DIR, target.name, file), 'utf8')) as { cases: { id: string; source: string[] }[] };
      for (const c of doc.cases) for (const source of c.source) out.push({ where: `${target.name}/${file} ${c.id}`, source });
    }
  }
  return out;
}

const generatedSources = () =>
  (Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]).flatMap((suite) =>
    generateCaseList({ suite, seed: 5, count: 300 }).flatMap((c) => c.source.map((source) => ({ where: c.id, source }))),
  );

describe('case sources', () => {
  const sources = caseFileSources();

  test('the case files cite sources (both suites)', () => {
    expect(new Set(sources.map((s) => s.where.split('/')[0]))).toEqual(new Set(['k8s', 'nova']));
    expect(sources.length).toBeGreaterThan(300);
  });

  test('no source points into shared/', () => {
    expect([...sources, ...generatedSources()].filter((s) => s.source.includes('shared/'))).toEqual([]);
  });

  test('every source resolves to a public URL or is a listed observation', () => {
    const unresolved = [...sources, ...generatedSources()].filter((s) => !sourceLink(s.source).url && !isPlainSource(s.source));
    expect(unresolved).toEqual([]);
    const plain = new Set(sources.filter((s) => isPlainSource(s.source)).map((s) => s.source));
    expect([...plain].sort()).toEqual([...OBSERVATIONS].sort());
  });

  test('upstream files are cited at a release with a line', () => {
    const files = sources.filter((s) => / \S+@\S+/.test(s.source) && !/ commit /.test(s.source));
    expect(files.length).toBeGreaterThan(200);
    expect(files.filter((s) => !/@[\w.-]+#L\d+/.test(s.source))).toEqual([]);
  });

  test('both API documents are cited', () => {
    for (const title of Object.keys(DOCUMENTS)) expect(sources.some((s) => s.source.startsWith(`${title} §`))).toBe(true);
  });
});

describe('sourceLink', () => {
  test.each([
    [
      'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5573 ValidatePodUpdate updatablePodSpecFields',
      'https://github.com/kubernetes/kubernetes/blob/v1.34.10/pkg/apis/core/validation/validation.go#L5573',
      'kubernetes@v1.34.10 validation.go:5573 ValidatePodUpdate updatablePodSpecFields',
    ],
    [
      'openstack/nova nova/api/validation/parameter_types.py@26.2.2#L291 name (maxLength 255)',
      'https://opendev.org/openstack/nova/src/tag/26.2.2/nova/api/validation/parameter_types.py#L291',
      'nova@26.2.2 parameter_types.py:291 name (maxLength 255)',
    ],
    [
      'openstack/nova nova/api/openstack/compute/schemas/servers.py@00a030403f#L1 x',
      'https://opendev.org/openstack/nova/src/commit/00a030403f/nova/api/openstack/compute/schemas/servers.py#L1',
      'nova@00a030403f servers.py:1 x',
    ],
    [
      'emicklei/go-restful route.go@v3.12.2#L116 Route.matchesContentType',
      'https://github.com/emicklei/go-restful/blob/v3.12.2/route.go#L116',
      'go-restful@v3.12.2 route.go:116 Route.matchesContentType',
    ],
    ['kubernetes/kubernetes#79239', 'https://github.com/kubernetes/kubernetes/issues/79239', 'kubernetes/kubernetes#79239'],
    ['kubernetes/apiserver commit 38d7003d3 "Remove selflink"', 'https://github.com/kubernetes/apiserver/commit/38d7003d3', undefined],
    ['openstack/nova commit d4e2771440 (2016 import)', 'https://opendev.org/openstack/nova/commit/d4e2771440', undefined],
    ['RFC 6902 §4.1 (add on an existing member replaces it)', 'https://www.rfc-editor.org/rfc/rfc6902#section-4.1', undefined],
    ['RFC 6902 §4.6', 'https://www.rfc-editor.org/rfc/rfc6902#section-4.6', undefined],
    [
      'Huawei Cloud CCE API "Updating a Specified Pod" §Function: updatable fields (metadata.labels)',
      'https://support.huaweicloud.com/intl/en-us/api-cce/cce_02_0041.html',
      undefined,
    ],
    ['OpenStack Compute API "Update Server" §Example Update server name: JSON request', 'https://docs.openstack.org/api-ref/compute/#update-server', undefined],
  ])('%s', (source, url, label) => {
    const link = sourceLink(source);
    expect(link.url).toBe(url);
    expect(link.label).toBe(label ?? source);
  });

  test('unknown forms and owners stay plain labels', () => {
    for (const s of ['somebody/else path.go@v1#L3 f', 'nova 26.2.2 servers.py update', 'observed: something']) {
      expect(sourceLink(s)).toEqual({ label: s });
    }
    expect(isPlainSource('observed: something')).toBe(true);
    expect(isPlainSource('nova 26.2.2 servers.py update')).toBe(false);
  });
});
