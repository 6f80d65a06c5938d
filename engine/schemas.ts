import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from './paths.ts';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped in `default`.
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** A schema violation, as the report prints it. */
export interface SchemaViolation {
  pointer: string;
  message: string;
}

/** JSON Schemas (draft 2020-12) by `$id`, each compiled once and reused for every response. */
export class SchemaRegistry {
  // code.optimize off: ajv's optimisation passes only tidy the generated code (same validation, same errors)
  // and cost about a third of compile time, which every process pays for every schema it uses.
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, code: { optimize: false } });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `$id` → the file it was read from, relative to the package root (what a reader can open). */
  private readonly files = new Map<string, string>();

  constructor() {
    addFormats(this.ajv);
  }

  addFile(path: string): string {
    const id = this.add(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
    const rel = relative(PACKAGE_ROOT, path);
    if (!this.files.has(id)) this.files.set(id, rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/'));
    return id;
  }

  /** How messages name a schema: its file in the repository (e.g. fixtures/k8s/schemas/pod.schema.json), else its `$id`. */
  nameOf(id: string): string {
    return this.files.get(id) ?? id;
  }

  add(schema: Record<string, unknown>): string {
    const id = schema.$id;
    if (typeof id !== 'string') throw new Error('schema has no $id');
    if (!this.ajv.getSchema(id)) this.ajv.addSchema(schema);
    return id;
  }

  validate(id: string, data: unknown): SchemaViolation[] {
    return this.errors(id, data).map((e) => ({
      pointer: e.instancePath || '/',
      message: `${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    }));
  }

  /** ajv's own errors (keyword and params included), for callers that word their own messages. */
  errors(id: string, data: unknown): ErrorObject[] {
    let fn = this.compiled.get(id);
    if (!fn) {
      fn = this.ajv.getSchema(id);
      if (!fn) throw new Error(`unknown schema ${id}`);
      this.compiled.set(id, fn);
    }
    // Copied: ajv reuses fn.errors on the next call.
    return fn(data) ? [] : [...(fn.errors ?? [])];
  }
}
