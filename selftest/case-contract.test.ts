/**
 * The case contract is closed: `request` and `setup` of a case admit exactly the keys of the target's TypeScript
 * interfaces (fixtures/<target>/case.schema.json). A misspelt key used to be ignored, so a forbidden case could
 * "pass" with no body sent; now loading fails and names the file, the case and the key.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type CaseFile, caseViolations, FIXTURES_DIR, loadCaseFile } from '../engine/cases/load.ts';
import type { ConformanceCase } from '../engine/cases/types.ts';
import { TARGETS } from '../engine/targets/index.ts';
import { type K8sPatchRequest, type K8sSetup, PATCH_CONTENT_TYPES } from '../engine/targets/k8s/types.ts';
import type { NovaSetup, NovaUpdateRequest } from '../engine/targets/nova/types.ts';

const K8S = { file: 'k8s/pods-patch.cases.yaml', schema: 'k8s/case.schema.json' };
const NOVA = { file: 'nova/servers-update.cases.yaml', schema: 'nova/case.schema.json' };

// `satisfies Record<keyof I, true>` fails to compile if an interface gains or loses a key the list does not.
const K8S_REQUEST_KEYS = { patch: true, rawBody: true, contentType: true, query: true, podName: true, namespace: true } satisfies Record<
  keyof K8sPatchRequest,
  true
>;
const K8S_SETUP_KEYS = { pod: true, mergePatches: true, delete: true } satisfies Record<keyof K8sSetup, true>;
const NOVA_REQUEST_KEYS = {
  body: true,
  rawBody: true,
  contentType: true,
  server: true,
  method: true,
  microversionHeader: true,
  legacyMicroversionHeader: true,
  auth: true,
  urlProject: true,
} satisfies Record<keyof NovaUpdateRequest, true>;
const NOVA_SETUP_KEYS = { server: true, lock: true, stop: true } satisfies Record<keyof NovaSetup, true>;

type Doc = CaseFile<ConformanceCase<Record<string, unknown>, Record<string, unknown>>>;

const tmp = mkdtempSync(join(tmpdir(), 'uc-case-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Parsed once (YAML parsing is the slow part); each test mutates its own copy.
const parsed = new Map<string, Doc>();
function readReal(file: string): Doc {
  if (!parsed.has(file)) parsed.set(file, parseYaml(readFileSync(join(FIXTURES_DIR, file), 'utf8')) as Doc);
  return structuredClone(parsed.get(file) as Doc);
}

/** Writes `doc` as `<tmp>/<n>/<file>` and loads it from there, returning the error message (or '' if it loaded). */
let planted = 0;
function loadPlanted(target: { file: string; schema: string }, doc: Doc): string {
  const dir = join(tmp, String(planted++));
  mkdirSync(dirname(join(dir, target.file)), { recursive: true });
  writeFileSync(join(dir, target.file), stringifyYaml(doc));
  try {
    loadCaseFile(target.file, target.schema, dir);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

function schemaDefs(schemaFile: string): { request: { properties: Record<string, { properties?: object }> }; setup: { properties: object } } {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, schemaFile), 'utf8')).$defs;
}

describe('the case schemas match the target interfaces', () => {
  test('k8s: request and setup keys are those of K8sPatchRequest / K8sSetup; patch keys the four patch types', () => {
    const defs = schemaDefs(K8S.schema);
    expect(Object.keys(defs.request.properties).sort()).toEqual(Object.keys(K8S_REQUEST_KEYS).sort());
    expect(Object.keys(defs.setup.properties).sort()).toEqual(Object.keys(K8S_SETUP_KEYS).sort());
    expect(Object.keys(defs.request.properties.patch?.properties ?? {}).sort()).toEqual(Object.keys(PATCH_CONTENT_TYPES).sort());
  });

  test('nova: request and setup keys are those of NovaUpdateRequest / NovaSetup', () => {
    const defs = schemaDefs(NOVA.schema);
    expect(Object.keys(defs.request.properties).sort()).toEqual(Object.keys(NOVA_REQUEST_KEYS).sort());
    expect(Object.keys(defs.setup.properties).sort()).toEqual(Object.keys(NOVA_SETUP_KEYS).sort());
  });
});

describe('the real case files keep the contract', () => {
  test.each([K8S, NOVA])('$file loads against $schema', ({ file, schema }) => {
    expect(caseViolations(readReal(file), file, schema)).toEqual([]);
    expect(loadCaseFile(file, schema).cases.length).toBeGreaterThan(0);
  });

  test('every registered target has a case schema its case file keeps', () => {
    for (const t of TARGETS) expect(caseViolations(readReal(t.caseFile), t.caseFile, t.caseSchema)).toEqual([]);
  });

  test("a case file does not pass as the other target's", () => {
    expect(caseViolations(readReal(K8S.file), K8S.file, NOVA.schema).length).toBeGreaterThan(0);
  });
});

describe('a planted typo fails loading, naming file, case and key', () => {
  test('k8s: request.pacth (the patch key itself misspelt)', () => {
    const doc = readReal(K8S.file);
    const c = doc.cases.find((x) => x.request.patch !== undefined) as Doc['cases'][number];
    c.request.pacth = c.request.patch;
    delete c.request.patch;
    expect(loadPlanted(K8S, doc)).toBe(`k8s/pods-patch.cases.yaml: case ${c.id}: request has unknown key "pacth"`);
    // The common schema alone leaves request open: this is what the target schema adds.
    expect(caseViolations(doc, K8S.file, 'case.schema.json')).toEqual([]);
  });

  test('k8s: a misspelt patch type (merge-pach) under request.patch', () => {
    const doc = readReal(K8S.file);
    const c = doc.cases.find((x) => (x.request.patch as Record<string, unknown> | undefined)?.['merge-patch'] !== undefined) as Doc['cases'][number];
    const patch = c.request.patch as Record<string, unknown>;
    patch['merge-pach'] = patch['merge-patch'];
    delete patch['merge-patch'];
    expect(loadPlanted(K8S, doc)).toBe(`k8s/pods-patch.cases.yaml: case ${c.id}: request.patch has unknown key "merge-pach"`);
  });

  test('k8s: an unknown setup key (mergePatch)', () => {
    const doc = readReal(K8S.file);
    const c = doc.cases.find((x) => x.setup?.mergePatches !== undefined) as Doc['cases'][number];
    const setup = c.setup as Record<string, unknown>;
    setup.mergePatch = setup.mergePatches;
    delete setup.mergePatches;
    expect(loadPlanted(K8S, doc)).toBe(`k8s/pods-patch.cases.yaml: case ${c.id}: setup has unknown key "mergePatch"`);
  });

  test('nova: request.bdy on a forbidden case (it would send no body and could pass on any 400)', () => {
    const doc = readReal(NOVA.file);
    const c = doc.cases.find((x) => x.kind === 'forbidden' && x.request.body !== undefined) as Doc['cases'][number];
    c.request.bdy = c.request.body;
    delete c.request.body;
    expect(loadPlanted(NOVA, doc)).toBe(`nova/servers-update.cases.yaml: case ${c.id}: request has unknown key "bdy"`);
  });

  test('nova: an unknown setup key and a bad value, both reported', () => {
    const doc = readReal(NOVA.file);
    const [a, b] = doc.cases.filter((x) => x.setup?.server !== undefined) as Doc['cases'];
    if (!a || !b) throw new Error('need two cases with setup.server');
    (a.setup as Record<string, unknown>).servr = {};
    b.request.auth = 'bogos';
    expect(loadPlanted(NOVA, doc).split('\n')).toEqual([
      `nova/servers-update.cases.yaml: case ${a.id}: setup has unknown key "servr"`,
      `nova/servers-update.cases.yaml: case ${b.id}: request.auth must be one of "default", "none", "bogus", "reader"`,
    ]);
  });

  test('the valid copy in the same temp dir loads (the typo is what fails)', () => {
    expect(loadPlanted(K8S, readReal(K8S.file))).toBe('');
    expect(loadPlanted(NOVA, readReal(NOVA.file))).toBe('');
  });
});
