/**
 * In-memory storage: namespaces and pods, one global resourceVersion counter (decimal strings that
 * only increase, like etcd revisions). Stored objects never carry selfLink
 * (APIObjectVersioner.PrepareObjectForStorage clears it).
 */
import { randomUUID } from 'node:crypto';
import { FieldOwnership } from './ownership.ts';

export type Obj = Record<string, unknown>;

export interface Stored {
  obj: Obj;
}

export class PodStore {
  private rv = 1000;
  readonly namespaces = new Map<string, Obj>();
  private readonly pods = new Map<string, Map<string, Obj>>();
  /** Who owns which fields of each stored pod, for server-side apply conflicts (by pod uid). */
  readonly ownership = new FieldOwnership();

  constructor() {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) this.createNamespace(name);
  }

  nextRV(): string {
    this.rv += 1;
    return String(this.rv);
  }

  currentRV(): string {
    return String(this.rv);
  }

  createNamespace(name: string, labels?: Record<string, string>, annotations?: Record<string, string>): Obj {
    const ns: Obj = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name,
        uid: randomUUID(),
        resourceVersion: this.nextRV(),
        creationTimestamp: now(),
        labels: { ...(labels ?? {}), 'kubernetes.io/metadata.name': name },
        ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    this.namespaces.set(name, ns);
    this.pods.set(name, new Map());
    return ns;
  }

  deleteNamespace(name: string): Obj | undefined {
    const ns = this.namespaces.get(name);
    if (!ns) return undefined;
    this.namespaces.delete(name);
    for (const p of this.pods.get(name)?.values() ?? []) this.ownership.forget(String((p.metadata as Obj | undefined)?.uid ?? ''));
    this.pods.delete(name);
    const out = structuredClone(ns);
    const meta = out.metadata as Obj;
    meta.deletionTimestamp = now();
    meta.resourceVersion = this.nextRV();
    out.status = { phase: 'Terminating' };
    return out;
  }

  hasNamespace(ns: string): boolean {
    return this.namespaces.has(ns);
  }

  getPod(ns: string, name: string): Obj | undefined {
    const p = this.pods.get(ns)?.get(name);
    return p ? structuredClone(p) : undefined;
  }

  listPods(ns: string | undefined): Obj[] {
    const out: Obj[] = [];
    const spaces = ns === undefined ? [...this.pods.keys()] : [ns];
    for (const s of spaces) for (const p of this.pods.get(s)?.values() ?? []) out.push(structuredClone(p));
    return out;
  }

  /** Store a pod as given (the caller set its resourceVersion). */
  putPod(ns: string, name: string, pod: Obj, keepSelfLink = false): void {
    const m = this.pods.get(ns);
    if (!m) throw new Error(`namespace ${ns} missing`);
    const copy = structuredClone(pod);
    if (!keepSelfLink) delete (copy.metadata as Obj).selfLink;
    m.set(name, copy);
  }

  deletePod(ns: string, name: string): Obj | undefined {
    const m = this.pods.get(ns);
    const p = m?.get(name);
    if (!m || !p) return undefined;
    m.delete(name);
    this.ownership.forget(String((p.metadata as Obj | undefined)?.uid ?? ''));
    return structuredClone(p);
  }

  podCount(): number {
    let n = 0;
    for (const m of this.pods.values()) n += m.size;
    return n;
  }
}

export function now(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}
