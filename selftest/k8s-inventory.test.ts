/**
 * The Kubernetes rule inventory (fixtures/k8s/rules.yaml) and the upstream field list (fixtures/k8s/fields/fields.json)
 * against the case file: every rule a case names exists (a limit rule with its side), every rule is covered or says why
 * not, and every upstream field is changed by some case or exempt with a reason. Whether fields.json still matches
 * upstream's OpenAPI documents needs the Go module cache: .ci/stages/20-k8s-real.sh runs `fields/build.ts --check`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { FIXTURES_DIR, loadCaseFile } from '../engine/cases/load.ts';
import type { ConformanceCase } from '../engine/cases/types.ts';
import { readYamlFixture } from '../engine/yaml.ts';

interface Rule {
  id: string;
  limit?: { accepted: unknown; rejected: unknown };
  uncovered?: string;
}
interface Inventory {
  suite: string;
  rules: Rule[];
  fieldExemptions?: { field: string; reason: string }[];
}
interface FieldList {
  sources: { tag: string; file: string; sha256: string }[];
  fields: { path: string; releases?: string[] }[];
}

const inventory = readYamlFixture(join(FIXTURES_DIR, 'k8s', 'rules.yaml')) as Inventory;
const fieldList = JSON.parse(readFileSync(join(FIXTURES_DIR, 'k8s', 'fields', 'fields.json'), 'utf8')) as FieldList;
const cases = loadCaseFile<ConformanceCase>('k8s/pods-patch.cases.yaml', 'k8s/case.schema.json').cases;
const byId = new Map(inventory.rules.map((r) => [r.id, r]));
const named = new Set(cases.flatMap((c) => c.rules ?? []));

describe('fixtures/k8s/rules.yaml', () => {
  test('follows fixtures/rules.schema.json, one entry per id, for this suite', () => {
    const validate = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true }).compile(
      JSON.parse(readFileSync(join(FIXTURES_DIR, 'rules.schema.json'), 'utf8')),
    );
    expect(validate(inventory) ? [] : validate.errors).toEqual([]);
    expect(inventory.suite).toBe('k8s.pods.patch');
    expect(byId.size).toBe(inventory.rules.length);
  });

  test('every case names its rules, each a rule of the inventory (a limit rule with its side, others without)', () => {
    expect(cases.filter((c) => !c.rules?.length).map((c) => c.id)).toEqual([]);
    const wrong = cases.flatMap((c) =>
      (c.rules ?? []).flatMap((name) => {
        const [id = '', side] = name.split(':');
        const rule = byId.get(id);
        if (!rule) return [`${c.id}: ${name} is not in rules.yaml`];
        if (Boolean(rule.limit) !== Boolean(side)) return [`${c.id}: ${name} ${rule.limit ? 'needs :accepted or :rejected' : 'has no limit'}`];
        return [];
      }),
    );
    expect(wrong).toEqual([]);
  });

  test('every rule has a case (both sides of a limit) or says why not, and an uncovered rule has no case', () => {
    const sides = (r: Rule) => (r.limit ? [`${r.id}:accepted`, `${r.id}:rejected`] : [r.id]);
    const missing = inventory.rules.filter((r) => !r.uncovered).flatMap((r) => sides(r).filter((s) => !named.has(s)));
    expect(missing).toEqual([]);
    const stale = inventory.rules.filter((r) => r.uncovered && sides(r).some((s) => named.has(s))).map((r) => r.id);
    expect(stale).toEqual([]);
  });
});

describe('fixtures/k8s/fields/fields.json', () => {
  test('is well-formed: a sha256 per pinned tag, unique sorted paths under the three types', () => {
    expect(fieldList.sources.length).toBeGreaterThan(0);
    for (const s of fieldList.sources) {
      expect(s.tag).toMatch(/^v1\.\d+\.\d+/);
      expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.file).toContain(`api/openapi-spec/v3/api__v1_openapi.json@${s.tag}`);
    }
    const paths = fieldList.fields.map((f) => f.path);
    expect(paths).toEqual([...new Set(paths)].sort());
    expect(paths.filter((p) => !/^(metadata|spec|spec\.containers\[\*\]|spec\.initContainers\[\*\])\.[A-Za-z]+$/.test(p))).toEqual([]);
    for (const must of ['metadata.labels', 'spec.hostNetwork', 'spec.containers[*].image', 'spec.initContainers[*].image']) expect(paths).toContain(must);
  });

  test('every field is changed by some case or exempt with a reason; every exemption names a listed field no case covers', () => {
    const covered = new Set(cases.flatMap((c) => c.fields));
    const exempt = new Map((inventory.fieldExemptions ?? []).map((e) => [e.field, e.reason]));
    const paths = new Set(fieldList.fields.map((f) => f.path));
    expect([...paths].filter((p) => !covered.has(p) && !exempt.has(p))).toEqual([]);
    expect([...exempt.keys()].filter((f) => !paths.has(f) || covered.has(f))).toEqual([]);
  });
});
