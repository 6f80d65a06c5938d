import { join } from 'node:path';
import { FIXTURES_DIR } from '../../cases/load.ts';
import { type Generator, resolvePlaceholders } from '../../cases/placeholders.ts';
import type { CaseVariant, ConformanceCase } from '../../cases/types.ts';
import type { TargetTraits } from '../../checks/outcome.ts';
import { SetupError } from '../../errors.ts';
import type { Exchange } from '../../http/exchange.ts';
import type { Obj } from '../../json.ts';
import { RUN_LABEL } from '../../lifecycle/labels.ts';
import type { SubjectHandle, TargetAdapter } from '../../run-case.ts';
import type { SchemaRegistry } from '../../schemas.ts';
import { describeRange, inRange } from '../../versions.ts';
import { readYamlFixture } from '../../yaml.ts';
import type { K8sClient } from './client.ts';
import { k8sPolicyRejection } from './policy.ts';
import type { K8sFacts } from './preflight.ts';
import { type K8sPatchRequest, type K8sSetup, PATCH_CONTENT_TYPES, type PatchType } from './types.ts';

export type PodCase = ConformanceCase<K8sPatchRequest, K8sSetup>;

export const POD_SCHEMA = 'https://update-conformance.local/k8s/pod.schema.json';
export const STATUS_SCHEMA = 'https://update-conformance.local/k8s/status.schema.json';

/** Loads the Pod and Status schemas into a registry. */
export function addK8sSchemas(schemas: SchemaRegistry): void {
  schemas.addFile(join(FIXTURES_DIR, 'k8s', 'schemas', 'pod.schema.json'));
  schemas.addFile(join(FIXTURES_DIR, 'k8s', 'schemas', 'status.schema.json'));
}

/** One variant per patch type the case gives; raw-body cases have a single variant. */
export function podVariants(cases: PodCase[]): CaseVariant<PodCase>[] {
  const out: CaseVariant<PodCase>[] = [];
  for (const c of cases) {
    const types = Object.keys(c.request.patch ?? {}) as PatchType[];
    if (types.length === 0) out.push({ id: c.id, case: c });
    else for (const t of types) out.push({ id: types.length > 1 ? `${c.id}@${t}` : c.id, case: c, variant: t });
  }
  return out;
}

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const bothObjects = prev && v && typeof prev === 'object' && typeof v === 'object' && !Array.isArray(prev) && !Array.isArray(v);
    out[k] = bothObjects ? merge(prev as Obj, v as Obj) : v;
  }
  return out;
}

const GENERATORS = (podName: string): Record<string, Generator> => ({
  /** An annotations map whose keys and values add up to `bytes`. */
  annotations: (spec) => {
    const bytes = Number(spec.bytes);
    const chunk = 60_000;
    const out: Record<string, string> = {};
    let left = bytes;
    for (let i = 0; left > 0; i++) {
      const key = `bulk-${i}.update-conformance.io/data`;
      const size = Math.max(1, Math.min(chunk, left - key.length));
      out[key] = 'x'.repeat(size);
      left -= key.length + size;
    }
    return out;
  },
  /** `count` harmless json-patch `test` operations. */
  'json-patch-ops': (spec) => Array.from({ length: Number(spec.count) }, () => ({ op: 'test', path: '/metadata/name', value: podName })),
});

/** The pod every case starts from (fixtures/k8s/pod-template.yaml), before the case's own setup. */
export function loadPodTemplate(): Obj {
  return readYamlFixture(join(FIXTURES_DIR, 'k8s', 'pod-template.yaml')) as Obj;
}

const specOf = (pod: Obj) => (pod.spec ?? {}) as Obj;
const dropSeedToleration = (pod: Obj) => {
  const spec = specOf(pod);
  spec.tolerations = ((spec.tolerations ?? []) as Obj[]).filter((t) => t.key !== 'update-conformance/seed');
};
const dropInitContainers = (pod: Obj) => {
  delete specOf(pod).initContainers;
};

/**
 * The template's seeded fields (fixtures/k8s/pod-template.yaml), by the case field that targets them: a case
 * that targets one starts from that field's default, as its expectation (and its JSON-patch paths) describe.
 */
const SEEDED: Record<string, (pod: Obj) => void> = {
  'spec.activeDeadlineSeconds': (pod) => {
    delete specOf(pod).activeDeadlineSeconds;
  },
  'spec.tolerations': dropSeedToleration,
  'spec.initContainers': dropInitContainers,
  'spec.initContainers[*].image': dropInitContainers,
};

/** The pod a case starts from: the template without the seeds of the fields the case targets. */
export function startingPod(template: Obj, c: PodCase): Obj {
  const pod = structuredClone(template);
  for (const f of c.fields) SEEDED[f]?.(pod);
  return merge(pod, c.setup?.pod ?? {});
}

/** A case whose expectation is written for other Kubernetes minors than the target's is skipped, saying so. */
export function podSkipReason(v: CaseVariant<PodCase>, facts: Pick<K8sFacts, 'serverVersion' | 'namespacedOnly'>): string | undefined {
  const range = v.case.versions;
  if (range && !inRange(facts.serverVersion, range)) return `expectation holds for Kubernetes ${describeRange(range)}; target is ${facts.serverVersion}`;
  // RBAC answers before the namespace is looked up: without rights elsewhere, a missing namespace is 403, not 404.
  if (v.case.request.namespace !== undefined && facts.namespacedOnly)
    return 'the credentials may use pods only in their own namespace (a namespaced Role): another namespace answers 403 before it is found missing';
  return undefined;
}

export interface PodsPatchTarget {
  client: K8sClient;
  namespace: string;
  runId: string;
  /** Server minor version, e.g. "34". */
  serverVersion: string;
  /** From the facts: the credentials may use pods only in the run's namespace. */
  namespacedOnly?: boolean;
}

/** The adapter that lets the generic runner exercise PATCH pods/{name}. */
export function podsPatchAdapter(t: PodsPatchTarget): TargetAdapter<PodCase> {
  const template = loadPodTemplate();
  let counter = 0;
  const traits: TargetTraits = {
    writeVolatile: ['/metadata/resourceVersion', '/metadata/managedFields', '/metadata/generation'],
    versionPointer: '/metadata/resourceVersion',
    schemaFor: (ex) => (ex.response.status >= 200 && ex.response.status < 300 ? POD_SCHEMA : STATUS_SCHEMA),
    errorMessage: (body) => (typeof (body as Obj)?.message === 'string' ? ((body as Obj).message as string) : undefined),
    // `spec.containers[*].image` → /spec/containers/*/image
    fieldPointer: (field) =>
      `/${field
        .replace(/\[\*\]/g, '.*')
        .split('.')
        .join('/')}`,
    policyRejection: k8sPolicyRejection,
    // Every error the apiserver writes is a Status (k8s.io/apimachinery pkg/apis/meta/v1 types.go Status).
    upstreamErrorBody: (body) => (body as Obj | undefined)?.kind === 'Status',
  };

  return {
    traits,
    skipReason: (v) => podSkipReason(v, t),
    async prepare(v): Promise<SubjectHandle> {
      const c = v.case;
      const setupExchanges: Exchange[] = [];
      const name = `uc-${t.runId}-${++counter}`;
      const pod = startingPod(template, c);
      const meta = (pod.metadata ?? {}) as Obj;
      pod.metadata = {
        ...meta,
        name,
        namespace: t.namespace,
        labels: { ...((meta.labels as Obj) ?? {}), [RUN_LABEL]: t.runId },
        annotations: { ...((meta.annotations as Obj) ?? {}), 'update-conformance/case': v.id },
      };
      const created = await t.client.createPod(t.namespace, pod);
      setupExchanges.push(created);
      if (created.response.status !== 201 && created.response.status !== 200) {
        throw new SetupError(`creating pod ${name} answered ${created.response.status}: ${created.response.text.slice(0, 200)}`, setupExchanges);
      }
      const rvOf = (ex: Exchange) => String(((ex.response.json as Obj)?.metadata as Obj)?.resourceVersion ?? '');
      let rv = rvOf(created);
      let staleRv = rv;
      // The answer of the last request about the pod: while it is a write that returns the stored pod (the create,
      // a setup merge patch), it is the pod's first read.
      let lastAnswer: Exchange | undefined = created;
      try {
        for (const patch of c.setup?.mergePatches ?? []) {
          const ex = await t.client.send('PATCH', t.client.podPath(t.namespace, name), {
            body: JSON.stringify(patch),
            contentType: PATCH_CONTENT_TYPES['merge-patch'],
          });
          setupExchanges.push(ex);
          if (ex.response.status !== 200)
            throw new SetupError(`setup patch of ${name} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`, setupExchanges);
          staleRv = rv;
          rv = rvOf(ex);
          lastAnswer = ex;
        }
        if (c.setup?.delete) {
          lastAnswer = undefined;
          // Not deletePod: that one clears finalizers, and the case wants the pod left being deleted.
          const ex = await t.client.send('DELETE', t.client.podPath(t.namespace, name), { query: { gracePeriodSeconds: '0' } });
          setupExchanges.push(ex);
          const deleting = ((ex.response.json as Obj)?.metadata as Obj | undefined)?.deletionTimestamp;
          if ((ex.response.status !== 200 && ex.response.status !== 202) || !deleting)
            throw new SetupError(
              `setup DELETE of ${name} answered ${ex.response.status} without leaving the pod being deleted (give it a finalizer)`,
              setupExchanges,
            );
          staleRv = rv;
          rv = rvOf(ex);
        }
      } catch (err) {
        // The pod exists: delete it now rather than leave it to the end-of-run sweep.
        await t.client.deletePod(t.namespace, name).catch(() => undefined);
        throw err;
      }
      const vars = { resourceVersion: rv, staleResourceVersion: staleRv, podName: name, namespace: t.namespace, runId: t.runId };
      const req = c.request;
      const targetName = req.podName !== undefined ? String(resolvePlaceholders(req.podName, vars)) : name;
      const targetNs = req.namespace !== undefined ? String(resolvePlaceholders(req.namespace, vars)) : t.namespace;
      const own = targetName === name && targetNs === t.namespace;
      let released = false;
      return {
        ownSubject: own,
        vars,
        setupExchanges,
        read: () => {
          // The pod is this case's own (a fresh name), and every request about it so far is in this handle: the
          // answer of its last setup write is its state, with no request sent since. Later reads are GETs.
          const held = lastAnswer;
          lastAnswer = undefined;
          if (held && held.response.json !== undefined)
            return Promise.resolve({
              ...held,
              reused: `the answer of ${held.request.method} ${name} in the setup: the pod is this case's own and no request about it was sent since`,
            });
          return t.client.getPod(t.namespace, name);
        },
        update: () => {
          let body: string;
          let contentType: string;
          if (v.variant) {
            const patchType = v.variant as PatchType;
            const patch = resolvePlaceholders(req.patch?.[patchType], vars, GENERATORS(name));
            body = typeof patch === 'string' ? patch : JSON.stringify(patch);
            contentType = req.contentType ?? PATCH_CONTENT_TYPES[patchType];
          } else {
            body = String(resolvePlaceholders(req.rawBody ?? '', vars));
            contentType = req.contentType ?? PATCH_CONTENT_TYPES['merge-patch'];
          }
          return t.client.send('PATCH', t.client.podPath(targetNs, targetName), { body, contentType, query: req.query });
        },
        async release() {
          if (released) return [];
          released = true;
          const ex = await t.client.deletePod(t.namespace, name);
          const ok = ex.response.status === 200 || ex.response.status === 202 || ex.response.status === 404;
          return ok ? [] : [`pod ${t.namespace}/${name} (delete answered ${ex.response.status})`];
        },
      };
    },
  };
}
