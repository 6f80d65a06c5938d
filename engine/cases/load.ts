import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SchemaRegistry } from '../schemas.ts';
import type { ConformanceCase } from './types.ts';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export interface CaseFile<C extends ConformanceCase = ConformanceCase> {
  suite: string;
  document: string;
  cases: C[];
}

let registry: SchemaRegistry | undefined;
function caseSchema(): { schemas: SchemaRegistry; id: string } {
  registry ??= new SchemaRegistry();
  const id = registry.addFile(join(FIXTURES_DIR, 'case.schema.json'));
  return { schemas: registry, id };
}

/**
 * Parsed and validated case files by path, with the text they came from. Parsing YAML costs 75–200 ms per file
 * and a run loads each file more than once per process (selection checks, suites); a hit needs the very same
 * text, and every caller gets its own copy, as if the file had been parsed again.
 */
const loaded = new Map<string, { text: string; doc: CaseFile }>();

/** Loads and validates a case file (`fixtures/<relative>`); a malformed file is a defect, so this throws. */
export function loadCaseFile<C extends ConformanceCase>(relative: string): CaseFile<C> {
  const path = join(FIXTURES_DIR, relative);
  const text = readFileSync(path, 'utf8');
  const hit = loaded.get(path);
  if (hit?.text === text) return structuredClone(hit.doc) as CaseFile<C>;
  const doc = parseYaml(text) as CaseFile<C>;
  const { schemas, id } = caseSchema();
  const violations = schemas.validate(id, doc);
  if (violations.length > 0) {
    const list = violations
      .slice(0, 5)
      .map((v) => `${v.pointer}: ${v.message}`)
      .join('; ');
    throw new Error(`${relative} is not a valid case file: ${list}`);
  }
  const seen = new Set<string>();
  for (const c of doc.cases) {
    if (seen.has(c.id)) throw new Error(`${relative}: duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  loaded.set(path, { text, doc: structuredClone(doc) });
  return doc;
}
