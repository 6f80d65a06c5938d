import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, sep } from 'node:path';
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { readCached, writeCached } from './cache.ts';
import { PACKAGE_ROOT } from './paths.ts';

// ajv is loaded only to compile (a cache miss); the compiled validators require ajv's runtime helpers and
// ajv-formats' formats, resolved from this package.
const requireHere = createRequire(import.meta.url);
const COMPILER = ['ajv', 'ajv-formats'].map((name) => `${name}@${(requireHere(`${name}/package.json`) as { version: string }).version}`).join(' ');
// code.optimize off: ajv's optimisation passes only tidy the generated code (same validation, same errors)
// and cost about a third of compile time.
const AJV_OPTIONS: Options = { allErrors: true, strict: false, code: { optimize: false, source: true } };

/** ajv's standalone code for `schemas`: a CommonJS module exporting each schema's validator under its `$id`. */
function standaloneCode(schemas: Iterable<Record<string, unknown>>): string {
  // CommonJS modules: under NodeNext their default exports may arrive wrapped in `default`.
  const unwrap = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;
  const { Ajv2020: AjvClass } = requireHere('ajv/dist/2020.js') as { Ajv2020: new (o: Options) => Ajv2020 };
  const addFormats = unwrap<(ajv: Ajv2020) => unknown>(requireHere('ajv-formats'));
  const generate = unwrap<(ajv: Ajv2020) => string>(requireHere('ajv/dist/standalone/index.js'));
  const ajv = new AjvClass(AJV_OPTIONS);
  addFormats(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return generate(ajv);
}

/** A schema violation, as the report prints it. */
export interface SchemaViolation {
  pointer: string;
  message: string;
}

/**
 * JSON Schemas (draft 2020-12) by `$id`. Compiling them is most of what a vitest worker spends before its first
 * request (about 0.4 s for the Nova schemas), and every worker of every run would compile the same ones: they
 * are compiled together into ajv's standalone code, cached per user (engine/cache.ts) under the hash of the
 * schemas and the compiler's versions, and loaded from there by later processes.
 */
export class SchemaRegistry {
  private readonly schemas = new Map<string, Record<string, unknown>>();
  private compiled: Record<string, ValidateFunction> | undefined;
  /** `$id` → the file it was read from, relative to the package root (what a reader can open). */
  private readonly files = new Map<string, string>();

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
    if (!this.schemas.has(id)) {
      this.schemas.set(id, schema);
      this.compiled = undefined;
    }
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
    this.compiled ??= this.compile();
    const fn = this.compiled[id];
    if (!fn) throw new Error(`unknown schema ${id}`);
    // Copied: the validator reuses fn.errors on the next call.
    return fn(data) ? [] : [...(fn.errors ?? [])];
  }

  /** Every schema's validator: the cached standalone code when there is one, else compiled now and cached. */
  private compile(): Record<string, ValidateFunction> {
    const hash = createHash('sha256').update(COMPILER);
    for (const id of [...this.schemas.keys()].sort()) hash.update('\0').update(JSON.stringify(this.schemas.get(id)));
    const key = `${hash.digest('hex')}.cjs`;
    let code = readCached('compiled-schemas', key);
    if (code === undefined) {
      code = standaloneCode(this.schemas.values());
      writeCached('compiled-schemas', key, code);
    }
    const module = { exports: {} as Record<string, ValidateFunction> };
    new Function('require', 'module', 'exports', code)(requireHere, module, module.exports);
    return module.exports;
  }
}
