/**
 * Server-side apply field ownership, reduced to what the Pod PATCH rules need (upstream:
 * k8s.io/apimachinery pkg/util/managedfields/internal structuredmerge.go Apply, conflict.go NewConflictError).
 *
 * Upstream records, per field, every manager that set it. Here only apply managers are recorded, per leaf path;
 * every other field belongs to the pod's last non-apply writer (its creator, or whoever updated it since). So an
 * apply without force conflicts exactly where upstream's does in this suite's situations: it changes the value
 * of a field that it did not apply itself before. The reference serves no managedFields.
 */
import { SMP_MERGE_KEYS } from './typed.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The merge key of the keyed list at a dotted field path (`spec.containers` -> `name`), as in SMP. */
function listKey(fieldPath: string): string | undefined {
  return SMP_MERGE_KEYS[fieldPath] ?? SMP_MERGE_KEYS[fieldPath.replace(/^spec\.[^.]+\./, 'spec.*.')];
}

/** Identity of an applied document: not fields anyone owns. */
const IDENTITY = new Set(['.apiVersion', '.kind', '.metadata.name', '.metadata.namespace']);

export interface Leaf {
  /** Upstream's fieldpath spelling: `.spec.containers[name="c"].image`, `.metadata.labels.a`. */
  path: string;
  value: unknown;
}

/** The leaves an applied configuration sets: maps and keyed lists are walked, other lists are atomic. */
export function leaves(doc: unknown, path = '', fieldPath = ''): Leaf[] {
  if (isObj(doc)) {
    return Object.entries(doc).flatMap(([k, v]) => leaves(v, `${path}.${k}`, fieldPath ? `${fieldPath}.${k}` : k));
  }
  const key = Array.isArray(doc) ? listKey(fieldPath) : undefined;
  if (Array.isArray(doc) && key) {
    return doc.flatMap((item) => {
      if (!isObj(item)) return [{ path, value: doc }];
      const { [key]: id, ...rest } = item;
      return leaves(rest, `${path}[${key}=${JSON.stringify(id)}]`, fieldPath);
    });
  }
  return IDENTITY.has(path) ? [] : [{ path, value: doc }];
}

/** The value at a leaf path in a stored pod (undefined when absent). */
export function valueAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const [, field, key, id] of path.matchAll(/\.([^.[]+)|\[([^=]+)=("(?:[^"\\]|\\.)*"|[^\]]+)\]/g)) {
    if (field !== undefined) cur = isObj(cur) ? cur[field] : undefined;
    else if (Array.isArray(cur) && key !== undefined && id !== undefined) {
      const want = JSON.parse(id) as unknown;
      cur = cur.find((item) => isObj(item) && item[key] === want);
    } else cur = undefined;
  }
  return cur;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface Conflict {
  path: string;
  manager: string;
}

interface PodOwnership {
  /** leaf path -> the apply manager that set it last */
  applied: Map<string, string>;
  /** the last manager that wrote the pod other than by apply; owns every field not in `applied` */
  updater: string;
}

export class FieldOwnership {
  private readonly pods = new Map<string, PodOwnership>();

  private of(uid: string): PodOwnership {
    let o = this.pods.get(uid);
    if (!o) {
      o = { applied: new Map(), updater: 'unknown' };
      this.pods.set(uid, o);
    }
    return o;
  }

  /** A create or a non-apply write: the writer takes every field it changed, apply managers lose them. */
  written(uid: string, manager: string, before: Obj | undefined, after: Obj): void {
    const o = this.of(uid);
    o.updater = manager;
    if (!before) return;
    for (const path of [...o.applied.keys()]) {
      if (!same(valueAt(before, path), valueAt(after, path))) o.applied.delete(path);
    }
  }

  /** Where applying `config` as `manager` would change a value another manager owns. */
  conflicts(uid: string, manager: string, live: Obj, config: Obj): Conflict[] {
    const o = this.of(uid);
    const out: Conflict[] = [];
    for (const leaf of leaves(config)) {
      const current = valueAt(live, leaf.path);
      if (current === undefined || same(current, leaf.value)) continue;
      const owner = o.applied.get(leaf.path) ?? o.updater;
      if (owner !== manager) out.push({ path: leaf.path, manager: owner });
    }
    return out;
  }

  /** A successful apply: the manager owns every leaf of its configuration (forced or shared). */
  applied(uid: string, manager: string, config: Obj): void {
    const o = this.of(uid);
    for (const leaf of leaves(config)) o.applied.set(leaf.path, manager);
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }
}
