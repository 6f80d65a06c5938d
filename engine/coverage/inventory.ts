import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../paths.ts';
import { SchemaRegistry } from '../schemas.ts';
import { readYamlFixture } from '../yaml.ts';

/** One upstream rule of `fixtures/<target>/rules.yaml` (format: fixtures/rules.schema.json, docs/rules-inventory.md). */
export interface InventoryRule {
  id: string;
  title: string;
  source: string[];
  releases?: { min?: string; max?: string };
  limit?: { accepted: unknown; rejected: unknown; unit?: string };
  uncovered?: string;
  note?: string;
}

export interface FieldExemption {
  field: string;
  reason: string;
}

/** A target's rule inventory and its upstream field list; absent files are an empty part, not an error. */
export interface Inventory {
  suite: string;
  /** False while the target has a field list but no rules.yaml yet: case rule references cannot be checked. */
  hasRules: boolean;
  rules: InventoryRule[];
  fieldExemptions: FieldExemption[];
  /** Field paths from `fields/fields.json`; undefined when the target has no field list yet. */
  fields?: string[];
}

export const RULES_FILE = 'rules.yaml';
export const FIELDS_FILE = join('fields', 'fields.json');
const RULES_SCHEMA = 'rules.schema.json';

let registry: SchemaRegistry | undefined;
let schemaId: string | undefined;

/** The violations of a parsed rules.yaml against fixtures/rules.schema.json, one readable line each. */
export function inventoryViolations(doc: unknown): string[] {
  if (!registry || !schemaId) {
    registry = new SchemaRegistry();
    schemaId = registry.addFile(join(FIXTURES_DIR, RULES_SCHEMA));
  }
  const lines = registry.validate(schemaId, doc).map((v) => `${v.pointer}: ${v.message}`);
  if (lines.length) return lines;
  const seen = new Set<string>();
  for (const r of (doc as { rules: InventoryRule[] }).rules) {
    if (seen.has(r.id)) lines.push(`duplicate rule id ${r.id}`);
    seen.add(r.id);
  }
  return lines;
}

/**
 * The field paths of a fields.json. Its generator (beside it) owns the layout; what coverage needs is the list:
 * `{fields: [...]}` or a bare array, each entry a path or an object with `path` (or `field`).
 */
export function fieldPaths(doc: unknown): string[] {
  const list = Array.isArray(doc) ? doc : (doc as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(list)) throw new Error('has no "fields" list');
  return list.map((e, i) => {
    const path = typeof e === 'string' ? e : ((e as { path?: unknown; field?: unknown } | null)?.path ?? (e as { field?: unknown } | null)?.field);
    if (typeof path !== 'string' || !path) throw new Error(`fields[${i}] names no field path`);
    return path;
  });
}

/**
 * Loads `<fixturesDir>/<target>/rules.yaml` and `fields/fields.json`, validated; undefined when the target has
 * neither yet. A malformed file is a defect of the package: this throws one line naming the file and the fault.
 */
export function loadInventory(target: string, fixturesDir: string = FIXTURES_DIR): Inventory | undefined {
  const rulesPath = join(fixturesDir, target, RULES_FILE);
  const fieldsPath = join(fixturesDir, target, FIELDS_FILE);
  const hasRules = existsSync(rulesPath);
  const hasFields = existsSync(fieldsPath);
  if (!hasRules && !hasFields) return undefined;
  const inventory: Inventory = { suite: '', hasRules: hasRules, rules: [], fieldExemptions: [] };
  if (hasRules) {
    let doc: unknown;
    try {
      doc = readYamlFixture(rulesPath);
    } catch (err) {
      throw new Error(`${target}/${RULES_FILE}: ${(err as Error).message.split('\n')[0]}`);
    }
    const faults = inventoryViolations(doc);
    if (faults.length)
      throw new Error(`${target}/${RULES_FILE}: ${faults.slice(0, 5).join('; ')}${faults.length > 5 ? ` … and ${faults.length - 5} more` : ''}`);
    const d = doc as { suite: string; rules: InventoryRule[]; fieldExemptions?: FieldExemption[] };
    Object.assign(inventory, { suite: d.suite, rules: d.rules, fieldExemptions: d.fieldExemptions ?? [] });
  }
  if (hasFields) {
    try {
      inventory.fields = fieldPaths(JSON.parse(readFileSync(fieldsPath, 'utf8')));
    } catch (err) {
      throw new Error(`${target}/${FIELDS_FILE}: ${(err as Error).message}`);
    }
  }
  return inventory;
}
