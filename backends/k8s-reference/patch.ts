/**
 * The four patch mechanisms of `PATCH pods/{name}` (kubernetes/apiserver pkg/endpoints/handlers/patch.go):
 * JSON patch (RFC 6902, via fast-json-patch), JSON merge patch (RFC 7386), a subset of strategic merge
 * patch (merge keys from typed.ts, `$patch: replace|delete|merge`, `$deleteFromPrimitiveList/…`,
 * `$setElementOrder/…` and `$retainKeys` accepted), and a minimal apply (merge without deletions).
 * Errors are ApiErrors with the status upstream returns for that failure.
 */
import type { Operation } from 'fast-json-patch';
import fjp from 'fast-json-patch';
import { ApiError, badRequest, genericUnprocessable, internal, tooLarge } from './status.ts';
import { SMP_MERGE_KEYS, SMP_MERGE_PRIMITIVE_LISTS } from './typed.ts';

export const MAX_JSON_PATCH_OPS = 10000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property assignment that is safe for keys such as `__proto__`. */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export function clone<V>(v: V): V {
  return structuredClone(v);
}

/** JSON patch. `partial` (fault) keeps the operations applied before a failing one. */
export function applyJsonPatch(
  doc: JsonObject,
  body: unknown,
  opts: { limitOps: boolean; partial: boolean },
): { result: JsonObject; partialResult?: JsonObject } {
  if (!Array.isArray(body)) {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${body === null ? 'null' : typeof body} into Go value of type []handlers.jsonPatchOp`);
  }
  for (const op of body) {
    if (!isObject(op)) {
      throw badRequest(`error decoding patch: json: cannot unmarshal ${Array.isArray(op) ? 'array' : typeof op} into Go value of type handlers.jsonPatchOp`);
    }
  }
  if (opts.limitOps && body.length > MAX_JSON_PATCH_OPS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPS}, got ${body.length}`);
  }
  const work = clone(doc);
  let applied = 0;
  try {
    for (const raw of body as JsonObject[]) {
      const op = clone(raw) as unknown as Operation;
      const kind = (raw as { op?: unknown }).op;
      if (typeof kind !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(kind)) {
        throw new Error(`Unexpected kind: ${String(kind)}`);
      }
      if (typeof raw.path !== 'string') throw new Error('missing path');
      fjp.applyOperation(work, replaceAsAddOnMissingKey(work, op), true, true, true, applied);
      applied++;
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (opts.partial && applied > 0) return { result: work, partialResult: work };
    throw genericUnprocessable();
  }
  return { result: work };
}

/**
 * Upstream's json-patch (evanphx v4) lets `replace` on a missing key of an existing object act as `add`,
 * where RFC 6902 requires the target to exist (observed on kube-apiserver v1.34.10: 200, label added).
 * A missing parent, or an array index out of range, still fails.
 */
function replaceAsAddOnMissingKey(doc: JsonObject, op: Operation): Operation {
  if (op.op !== 'replace') return op;
  const cut = op.path.lastIndexOf('/');
  const parentPath = op.path.slice(0, cut);
  const key = op.path
    .slice(cut + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  let parent: unknown;
  try {
    parent = parentPath === '' ? doc : fjp.getValueByPointer(doc, parentPath);
  } catch {
    return op;
  }
  return isObject(parent) && !(key in parent) ? { ...op, op: 'add' } : op;
}

/** RFC 7386 merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setKey(out, k, mergePatch(Object.hasOwn(out, k) ? (out[k] ?? null) : null, v));
  }
  return out;
}

export function applyMergePatch(doc: JsonObject, body: unknown): JsonObject {
  if (!isObject(body)) {
    // evanphx/json-patch MergePatch refuses a non-object patch for an object document.
    throw badRequest('invalid JSON document');
  }
  return mergePatch(doc, body as Json) as JsonObject;
}

// ---------------------------------------------------------------- strategic merge patch

function listKey(path: string): string {
  return path.replace(/^spec\.(containers|initContainers|ephemeralContainers)\./, 'spec.*.');
}

function mergeKeyFor(path: string): string | undefined {
  if (Object.hasOwn(SMP_MERGE_KEYS, path)) return SMP_MERGE_KEYS[path];
  const generic = listKey(path);
  return Object.hasOwn(SMP_MERGE_KEYS, generic) ? SMP_MERGE_KEYS[generic] : undefined;
}

function smpObject(original: JsonObject, patch: JsonObject, path: string, deletes: boolean): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return stripDirectives(rest) as JsonObject;
  }
  if (directive === 'delete') return {};
  if (directive !== undefined && directive !== 'merge') {
    throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const out: JsonObject = { ...original };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw badRequest('invalid patch format for primitive list');
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      continue;
    }
    const childPath = path ? `${path}.${k}` : k;
    if (v === null) {
      if (deletes) delete out[k];
      continue;
    }
    const cur = Object.hasOwn(out, k) ? out[k] : undefined;
    if (Array.isArray(v)) setKey(out, k, smpList(Array.isArray(cur) ? cur : [], v, childPath, deletes));
    else if (isObject(v)) setKey(out, k, smpObject(isObject(cur) ? cur : {}, v, childPath, deletes));
    else setKey(out, k, v);
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith('$')) setKey(out, k, stripDirectives(val));
  return out;
}

function smpList(original: Json[], patch: Json[], path: string, deletes: boolean): Json[] {
  const key = mergeKeyFor(path);
  if (SMP_MERGE_PRIMITIVE_LISTS.has(path)) {
    const out = [...original];
    for (const p of patch) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(p))) out.push(p);
    return out;
  }
  if (!key) return patch.map(stripDirectives);
  // A list-level `{$patch: replace}` element replaces the whole list.
  if (patch.some((p) => isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1)) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  // Upstream orders the merged list with the patch's items first (in patch order), then the items only the
  // server had (strategicpatch normalizeElementOrder; observed on kube-apiserver v1.34.10 for schedulingGates).
  const sameKey = (o: Json, k: Json) => isObject(o) && JSON.stringify(o[key]) === JSON.stringify(k);
  const fromPatch: Json[] = [];
  const mentioned: Json[] = [];
  for (const p of patch) {
    if (!isObject(p)) throw badRequest(`ErrBadArgType: expected a map in list ${path}`);
    const k = p[key];
    if (k === undefined) {
      // mergepatch.ErrNoMergeKey is a plain error upstream: 500 without a reason.
      throw internal(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    }
    mentioned.push(k);
    if (p.$patch === 'delete') continue;
    const existing = original.find((o) => sameKey(o, k));
    fromPatch.push(existing ? smpObject(existing as JsonObject, p, path, deletes) : stripDirectives(p));
  }
  return [...fromPatch, ...original.filter((o) => !mentioned.some((k) => sameKey(o, k)))];
}

export function applyStrategicMergePatch(doc: JsonObject, body: unknown): JsonObject {
  if (!isObject(body)) {
    throw badRequest(
      `json: cannot unmarshal ${Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body} into Go value of type map[string]interface {}`,
    );
  }
  return smpObject(doc, body as JsonObject, '', true);
}

/**
 * A minimal server-side apply: the applied configuration is merged into the live object like a
 * strategic merge patch without deletions (ownership and conflicts are not modelled).
 */
export function applyApplyPatch(doc: JsonObject, config: JsonObject): JsonObject {
  return smpObject(doc, config, '', false);
}
