import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { readCached, writeCached } from '../cache.ts';
import { SchemaRegistry, type SchemaViolation } from '../schemas.ts';
import { parseYaml } from '../yaml.ts';
import type { ConformanceCase } from './types.ts';

export { FIXTURES_DIR } from '../paths.ts';

import { FIXTURES_DIR } from '../paths.ts';

export interface CaseFile<C extends ConformanceCase = ConformanceCase> {
  suite: string;
  document: string;
  cases: C[];
}

/** The common case schema, which every target schema (`<target>/case.schema.json`) refers to. */
const COMMON_SCHEMA = 'case.schema.json';

let registry: SchemaRegistry | undefined;
const schemaIds = new Map<string, string>();

/** The `$id` of a case schema (path under fixtures/), loaded with the common schema it builds on. */
function caseSchemaId(schemaFile: string): { schemas: SchemaRegistry; id: string } {
  if (!registry) {
    registry = new SchemaRegistry();
    schemaIds.set(COMMON_SCHEMA, registry.addFile(join(FIXTURES_DIR, COMMON_SCHEMA)));
  }
  let id = schemaIds.get(schemaFile);
  if (!id) {
    id = registry.addFile(join(FIXTURES_DIR, schemaFile));
    schemaIds.set(schemaFile, id);
  }
  return { schemas: registry, id };
}

/** Raw schema violations of a case document (`{suite, document, cases}`) against `schemaFile` (path under fixtures/). */
export function caseSchemaViolations(doc: unknown, schemaFile: string): SchemaViolation[] {
  const { schemas, id } = caseSchemaId(schemaFile);
  return schemas.validate(id, doc);
}

/** `/request/patch` → `request.patch`; array indices as `[n]`. */
function dotted(segments: string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** One readable line per violation: file, then the case by id (not by index), then the key at fault. */
function describe(e: ErrorObject, doc: unknown, relative: string): string {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let where = relative;
  let path = segments;
  if (segments[0] === 'cases' && segments[1] !== undefined && /^\d+$/.test(segments[1])) {
    const c = (doc as { cases?: { id?: unknown }[] }).cases?.[Number(segments[1])];
    where += typeof c?.id === 'string' && c.id ? `: case ${c.id}` : `: case #${segments[1]} (no id)`;
    path = segments.slice(2);
  }
  const at = dotted(path);
  const subject = at || (where === relative ? 'file' : '');
  const p = e.params as Record<string, unknown>;
  let what: string;
  switch (e.keyword) {
    case 'additionalProperties':
      what = `${subject ? `${subject} has ` : ''}unknown key "${String(p.additionalProperty)}"`;
      break;
    case 'required':
      what = `${subject ? `${subject} is ` : ''}missing key "${String(p.missingProperty)}"`;
      break;
    case 'enum':
      what = `${subject} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      what = `${subject} must be ${JSON.stringify(p.allowedValue)}`;
      break;
    default:
      what = `${subject} ${e.message ?? 'is invalid'}`.trim();
  }
  return `${where}: ${what}`;
}

/**
 * The contract violations of a parsed case document, one line each, e.g.
 * `k8s/pods-patch.cases.yaml: case k8s.pods.patch.foo: request has unknown key "pacth"`. `relative` only names the
 * file in the messages; `schemaFile` is the target's schema, a path under fixtures/ (`k8s/case.schema.json`).
 */
export function caseViolations(doc: unknown, relative: string, schemaFile: string): string[] {
  const { schemas, id } = caseSchemaId(schemaFile);
  // allErrors reports some faults twice (e.g. the common enum and the target's const on `suite`).
  const lines = [...new Set(schemas.errors(id, doc).map((e) => describe(e, doc, relative)))];
  const cases = (doc as { cases?: unknown } | null)?.cases;
  if (lines.length === 0 && Array.isArray(cases)) {
    const seen = new Set<string>();
    for (const c of cases as ConformanceCase[]) {
      if (seen.has(c.id)) lines.push(`${relative}: duplicate case id ${c.id}`);
      seen.add(c.id);
    }
  }
  return lines;
}

/** Throws (one violation per line, at most 10) unless `doc` is a valid case file for `schemaFile`. */
export function validateCaseDocument(doc: unknown, relative: string, schemaFile: string): asserts doc is CaseFile {
  const lines = caseViolations(doc, relative, schemaFile);
  if (lines.length === 0) return;
  const more = lines.length > 10 ? [`… and ${lines.length - 10} more`] : [];
  throw new Error([...lines.slice(0, 10), ...more].join('\n'));
}

/**
 * Parsed and validated case files by path, with the text they came from. Parsing YAML costs 75–200 ms per file
 * and a run loads each file more than once per process (selection checks, suites); a hit needs the very same
 * text, and every caller gets its own copy, as if the file had been parsed again.
 */
const loaded = new Map<string, { text: string; schemaFile: string; doc: CaseFile }>();

/**
 * Loads a case file (`<dir>/<relative>`, dir fixtures/ by default) and validates it against its target's schema
 * (`schemaFile`, a path under fixtures/, e.g. `k8s/case.schema.json`); a malformed file is a defect, so this throws.
 */
export function loadCaseFile<C extends ConformanceCase>(relative: string, schemaFile: string, dir: string = FIXTURES_DIR): CaseFile<C> {
  const path = join(dir, relative);
  const text = readFileSync(path, 'utf8');
  const hit = loaded.get(path);
  if (hit?.text === text && hit.schemaFile === schemaFile) return structuredClone(hit.doc) as CaseFile<C>;
  const key = validatedKey(text, schemaFile);
  let doc = readValidated(key);
  if (doc === undefined) {
    doc = parseYaml(text);
    validateCaseDocument(doc, relative, schemaFile);
    writeValidated(key, doc);
  }
  loaded.set(path, { text, schemaFile, doc: structuredClone(doc as CaseFile) });
  return doc as CaseFile<C>;
}

/*
 * Every process of a run (the CLI, each vitest worker) loads the case files, and parsing the YAML and validating
 * it cost most of a worker's start-up: a file once parsed and validated is cached as JSON (engine/cache.ts),
 * keyed by its text and the schemas it was validated against.
 */
const VALIDATED = 'validated-cases';

function validatedKey(text: string, schemaFile: string): string {
  const hash = createHash('sha256').update(text);
  for (const f of [COMMON_SCHEMA, schemaFile]) hash.update('\0').update(readFileSync(join(FIXTURES_DIR, f)));
  return `${hash.digest('hex')}.json`;
}

function readValidated(key: string): unknown {
  const text = readCached(VALIDATED, key);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function writeValidated(key: string, doc: unknown): void {
  writeCached(VALIDATED, key, JSON.stringify(doc));
}
