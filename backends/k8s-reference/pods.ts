/**
 * Pod create / get / list / delete / update / patch, following the apiserver's order of processing
 * (shared/reference/k8s-pod-patch.md §2–§3): Content-Type → body limit → PatchOptions → object lookup →
 * patch application → decode (types, unknown fields) → name/namespace checks → admission →
 * resourceVersion precondition → BeforeUpdate silent resets → ValidatePodUpdate → no-op short-circuit →
 * dryRun → write.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { admitDefaultTolerationSeconds, admitPriority, defaultPod } from './defaults.ts';
import type { K8sFault } from './faults.ts';
import { applyApplyPatch, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, isObject } from './patch.ts';
import { now, type Obj, type PodStore } from './pod-store.ts';
import {
  alreadyExists,
  applyConflict,
  badRequest,
  conflict,
  type FieldError,
  fe,
  genericUnprocessable,
  internal,
  invalid,
  notFound,
  patchDecodeInvalid,
  patchOptionsInvalid,
  podInvalid,
  unsupportedMediaType,
} from './status.ts';
import { DecodeError, decodePod } from './typed.ts';
import { deepEqual, validatePodCreate, validatePodUpdate } from './validation.ts';

// YAML bodies (apply patches) are rare: the parser (about 40 ms to load) is loaded on the first one.
const requireHere = createRequire(import.meta.url);
type YamlParseOptions = ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions;
const parseYaml = (text: string, options?: YamlParseOptions): unknown => (requireHere('yaml') as typeof import('yaml')).parse(text, options);

export interface Reply {
  status: number;
  body: unknown;
  warnings?: string[];
}

export interface Env {
  store: PodStore;
  faults: ReadonlySet<K8sFault>;
  minor: number;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Media type without parameters, lower-cased (go-restful ignores `;…` parameters). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const asObj = (v: unknown): Obj => (isObject(v) ? (v as Obj) : {});
const meta = (o: Obj): Obj => {
  if (!isObject(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
};

/** The Pod as served: kind/apiVersion first (unless a fault drops them). */
export function served(pod: Obj, env: Env): Obj {
  const { kind: _k, apiVersion: _a, ...rest } = pod;
  if (env.faults.has('pod-missing-kind')) return rest;
  return { kind: 'Pod', apiVersion: 'v1', ...rest };
}

function parseJsonBody(raw: Buffer, context: 'patch' | 'object'): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw badRequest(context === 'patch' ? `error decoding patch: ${detail}` : `error decoding body: ${detail}`);
  }
}

function decodeOrInvalid(doc: unknown): { value: Obj; unknown: string[] } {
  try {
    return decodePod(doc);
  } catch (err) {
    if (err instanceof DecodeError) throw patchDecodeInvalid(safeStringify(doc), err.message);
    throw err;
  }
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '<unprintable>';
  }
}

function qosClass(spec: Obj): string {
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])] as Obj[];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const r = asObj(c.resources);
    const limits = asObj(r.limits);
    const requests = asObj(r.requests);
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) any = true;
    for (const res of ['cpu', 'memory']) {
      if (limits[res] === undefined) guaranteed = false;
      if (requests[res] !== undefined && String(requests[res]) !== String(limits[res])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function unknownFieldHandling(unknown: string[], directive: string, env: Env, strictError: (msg: string) => Error): string[] {
  if (unknown.length === 0 || env.faults.has('drop-unknown-fields')) return [];
  if (directive === 'Strict') {
    throw strictError(`strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
  }
  if (directive === 'Warn' && !env.faults.has('no-warning-header')) return unknown.map((u) => `unknown field "${u}"`);
  return [];
}

function checkDryRun(values: string[], errs: FieldError[]): void {
  for (const v of values) if (v !== 'All') errs.push(fe.notSupported('dryRun', v, ['All']));
}

function checkFieldValidation(v: string, errs: FieldError[]): void {
  if (!['', 'Ignore', 'Warn', 'Strict'].includes(v)) errs.push(fe.notSupported('fieldValidation', v, ['Ignore', 'Warn', 'Strict']));
}

// ------------------------------------------------------------------ create / get / list / delete

export function createPod(env: Env, ns: string, contentType: string, raw: Buffer, query: URLSearchParams): Reply {
  const mt = mediaType(contentType);
  if (!['application/json', 'application/yaml', ''].includes(mt)) throw unsupportedMediaType();
  const errs: FieldError[] = [];
  checkDryRun(query.getAll('dryRun'), errs);
  const directive = query.get('fieldValidation') ?? '';
  checkFieldValidation(directive, errs);
  if (errs.length > 0 && !env.faults.has('lenient-options')) {
    throw invalid('CreateOptions.meta.k8s.io', 'CreateOptions', '', errs, 'meta.k8s.io');
  }
  let body: unknown;
  if (mt === 'application/yaml') {
    try {
      body = parseYaml(raw.toString('utf8'));
    } catch (err) {
      throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else body = parseJsonBody(raw, 'object');
  const { decoded, warnings } = decodeRequestPod(env, body, directive);
  const pod = decoded.value;
  if (pod.kind !== undefined && pod.kind !== 'Pod') throw badRequest(`Pod in version "v1" cannot be handled as a ${String(pod.kind)}`);
  delete pod.kind;
  delete pod.apiVersion;
  const m = meta(pod);
  if (m.namespace !== undefined && m.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!env.store.hasNamespace(ns)) throw notFound('namespaces', ns);
  m.namespace = ns;
  if (!m.name && typeof m.generateName === 'string' && m.generateName) {
    m.name = `${m.generateName}${randomUUID().replace(/-/g, '').slice(0, 5)}`;
  }
  defaultPod(pod);
  admitDefaultTolerationSeconds(pod);
  admitPriority(pod);
  // PrepareForCreate + BeforeCreate
  for (const k of ['uid', 'resourceVersion', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']) delete m[k];
  m.uid = randomUUID();
  m.creationTimestamp = now();
  if (env.minor >= 33) m.generation = 1;
  else delete m.generation;
  const spec = asObj(pod.spec);
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
  const verrs = validatePodCreate(pod);
  const name = typeof m.name === 'string' ? m.name : '';
  if (verrs.length > 0) throw podInvalid(name, verrs);
  if (env.store.getPod(ns, name)) throw alreadyExists('pods', name);
  const dryRun = query.getAll('dryRun').includes('All') && !env.faults.has('ignore-dry-run');
  if (!dryRun) {
    m.resourceVersion = env.store.nextRV();
    env.store.putPod(ns, name, ordered(pod));
    env.store.ownership.written(String(m.uid), managerOf(query), undefined, pod);
  } else m.resourceVersion = '';
  return { status: 201, body: served(ordered(pod), env), warnings };
}

export function getPod(env: Env, ns: string, name: string): Reply {
  const pod = env.store.hasNamespace(ns) ? env.store.getPod(ns, name) : undefined;
  if (!pod) throw notFound('pods', name);
  return { status: 200, body: served(pod, env) };
}

/** Equality-based label selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k` (comma-separated, ANDed). */
export function parseSelector(sel: string | null): (labels: Record<string, string>) => boolean {
  if (!sel) return () => true;
  const reqs: ((l: Record<string, string>) => boolean)[] = [];
  for (const raw of sel.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const ne = part.match(/^([^=!\s]+)\s*!=\s*(\S*)$/);
    const eq = ne ? null : part.match(/^([^=!\s]+)\s*==?\s*(\S*)$/);
    const notExists = part.match(/^!([^=!\s]+)$/);
    const exists = part.match(/^([^=!\s()]+)$/);
    if (ne) {
      const [, k = '', v = ''] = ne;
      reqs.push((l) => l[k] !== v);
    } else if (eq) {
      const [, k = '', v = ''] = eq;
      reqs.push((l) => l[k] === v);
    } else if (notExists) {
      const [, k = ''] = notExists;
      reqs.push((l) => !Object.hasOwn(l, k));
    } else if (exists) {
      const [, k = ''] = exists;
      reqs.push((l) => Object.hasOwn(l, k));
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }
  return (labels) => reqs.every((r) => r(labels));
}

export function listPods(env: Env, ns: string | undefined, query: URLSearchParams): Reply {
  const match = parseSelector(query.get('labelSelector'));
  const items = env.store
    .listPods(ns)
    .filter((p) => match(asObj(asObj(p.metadata).labels) as Record<string, string>))
    .map((p) => {
      const { kind: _k, apiVersion: _a, ...rest } = p;
      return rest;
    });
  return {
    status: 200,
    body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: env.store.currentRV() }, items },
  };
}

function finalizeDelete(env: Env, ns: string, name: string): Obj | undefined {
  const pod = env.store.getPod(ns, name);
  if (!pod) return undefined;
  const m = meta(pod);
  const finalizers = Array.isArray(m.finalizers) ? m.finalizers : [];
  if (finalizers.length > 0) {
    if (!m.deletionTimestamp) {
      m.deletionTimestamp = now();
      m.deletionGracePeriodSeconds = 0;
      m.resourceVersion = env.store.nextRV();
      env.store.putPod(ns, name, pod);
    }
    return pod;
  }
  return env.store.deletePod(ns, name);
}

export function deletePod(env: Env, ns: string, name: string, query: URLSearchParams): Reply {
  if (!env.store.hasNamespace(ns) || !env.store.getPod(ns, name)) throw notFound('pods', name);
  const errs: FieldError[] = [];
  checkDryRun(query.getAll('dryRun'), errs);
  if (errs.length > 0) throw invalid('DeleteOptions.meta.k8s.io', 'DeleteOptions', '', errs, 'meta.k8s.io');
  if (query.getAll('dryRun').includes('All')) return { status: 200, body: served(env.store.getPod(ns, name) ?? {}, env) };
  const out = finalizeDelete(env, ns, name) ?? {};
  return { status: 200, body: served(out, env) };
}

export function deletePodCollection(env: Env, ns: string, query: URLSearchParams): Reply {
  if (!env.store.hasNamespace(ns)) {
    return { status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: env.store.currentRV() }, items: [] } };
  }
  const match = parseSelector(query.get('labelSelector'));
  const items: Obj[] = [];
  for (const p of env.store.listPods(ns)) {
    const m = asObj(p.metadata);
    if (!match(asObj(m.labels) as Record<string, string>)) continue;
    const out = finalizeDelete(env, ns, String(m.name));
    if (out) {
      const { kind: _k, apiVersion: _a, ...rest } = out;
      items.push(rest);
    }
  }
  return { status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: env.store.currentRV() }, items } };
}

// ------------------------------------------------------------------ update / patch

const TOP_ORDER = ['kind', 'apiVersion', 'metadata', 'spec', 'status'];
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
function orderKeys(o: Obj, order: string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out)) out[k] = v;
  return out;
}
/** Keys in the order the apiserver's encoder emits them (cosmetic). */
function ordered(pod: Obj): Obj {
  const out = orderKeys(pod, TOP_ORDER);
  if (isObject(out.metadata)) out.metadata = orderKeys(out.metadata as Obj, META_ORDER);
  return out;
}

interface UpdateOptions {
  dryRun: boolean;
  patchType?: PatchType;
  /** The field manager of the write (fieldManager, or "unknown": the reference reads no User-Agent). */
  manager: string;
  /** The applied configuration of an apply patch: its manager then owns those fields. */
  applied?: Obj;
}

const managerOf = (query: URLSearchParams): string => query.get('fieldManager') || 'unknown';

/** Everything after the patched object is known: the rest.Update / Store.Update path. */
function updatePod(env: Env, ns: string, name: string, old: Obj, candidate: Obj, opts: UpdateOptions, warnings: string[]): Reply {
  const f = env.faults;
  const newPod = candidate;
  delete newPod.kind;
  delete newPod.apiVersion;
  defaultPod(newPod);
  const nm = meta(newPod);
  const om = meta(old);
  // checkName (handlers/rest.go) and EnsureObjectNamespaceMatchesRequestNamespace (registry/rest/meta.go)
  const newName = typeof nm.name === 'string' ? nm.name : '';
  const renamed = newName !== name && newName !== '' && f.has('rename-on-patch');
  if (newName !== name && !renamed) throw badRequest(`the name of the object (${newName}) does not match the name on the URL (${name})`);
  if (nm.namespace === undefined || nm.namespace === '') nm.namespace = ns;
  else if (nm.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  // dropDisabledPodFields (pkg/api/pod/util.go): HostnameOverride is alpha, off by default, before 1.35
  if (env.minor < 35 && asObj(old.spec).hostnameOverride === undefined && !f.has('disabled-gate-fields-kept')) delete asObj(newPod.spec).hostnameOverride;
  // mutating admission
  admitDefaultTolerationSeconds(newPod);
  admitPriority(newPod, old);
  // resourceVersion precondition (Store.Update / GuaranteedUpdate)
  const rv = nm.resourceVersion;
  if (f.has('ignore-resource-version') || rv === undefined || rv === '') nm.resourceVersion = om.resourceVersion;
  else if (typeof rv === 'string' && !/^\d+$/.test(rv)) {
    throw internal(`strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  } else if (rv !== om.resourceVersion) throw conflict('pods', name);
  // BeforeUpdate + PrepareForUpdate silent resets
  const resetsOff = f.has('silent-reset-off');
  if (!nm.uid) nm.uid = om.uid;
  if (!resetsOff) {
    if (old.status !== undefined) newPod.status = structuredClone(old.status);
    else delete newPod.status;
    if (om.generation !== undefined) nm.generation = om.generation;
    else delete nm.generation;
    if (om.creationTimestamp !== undefined) nm.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp !== undefined && !f.has('deletion-timestamp-immutable-error')) nm.deletionTimestamp = om.deletionTimestamp;
    delete nm.selfLink;
  }
  if (om.deletionGracePeriodSeconds !== undefined && nm.deletionGracePeriodSeconds === undefined) {
    nm.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  }
  if (om.managedFields !== undefined) nm.managedFields = om.managedFields;
  else delete nm.managedFields;
  // updatePodGeneration: +1 when the spec changed (KEP-5067, 1.33+)
  const specChanged = !deepEqual(newPod.spec, old.spec);
  const bump = f.has('generation-on-any-write') ? !deepEqual(stripRV(newPod), stripRV(old)) : specChanged && !f.has('generation-not-bumped');
  if (!resetsOff && env.minor >= 33 && bump) {
    nm.generation = (typeof om.generation === 'number' ? om.generation : 0) + 1;
  }
  // validation
  if (!f.has('accept-forbidden')) {
    const errs = validatePodUpdate(newPod, old, f).filter((e) => !(renamed && e.field === 'metadata.name'));
    if (errs.length > 0) {
      if (f.has('partial-apply') && !opts.dryRun) store(env, ns, name, newPod, resetsOff);
      throw podInvalid(name, errs);
    }
  }
  const result = ordered(newPod);
  const unchanged = deepEqual(stripRV(result), stripRV(old));
  if (opts.dryRun) return { status: 200, body: served(result, env), warnings };
  if (unchanged && !f.has('always-write')) return { status: 200, body: served(old, env), warnings };
  if (f.has('ignore-change')) return { status: 200, body: served(old, env), warnings };
  if (f.has('drop-allowed-change')) {
    meta(result).resourceVersion = env.store.nextRV();
    return { status: 200, body: served(result, env), warnings };
  }
  if (f.has('touch-other-field')) {
    const spec = asObj(result.spec);
    spec.terminationGracePeriodSeconds = (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30) + 1;
  }
  if (f.has('reset-active-deadline')) {
    const spec = asObj(result.spec);
    if (deepEqual(spec.activeDeadlineSeconds, asObj(old.spec).activeDeadlineSeconds)) delete spec.activeDeadlineSeconds;
  }
  if (renamed) {
    const storedObj = store(env, ns, newName, result, resetsOff);
    env.store.deletePod(ns, name);
    return { status: 200, body: served(storedObj, env), warnings };
  }
  const storedObj = store(env, ns, name, result, resetsOff, om.deletionTimestamp !== undefined);
  const uid = String(om.uid);
  if (opts.applied) env.store.ownership.applied(uid, opts.manager, opts.applied);
  else env.store.ownership.written(uid, opts.manager, old, storedObj);
  return { status: 200, body: served(storedObj, env), warnings };
}

function stripRV(o: Obj): Obj {
  const c = structuredClone(o);
  delete meta(c).resourceVersion;
  return c;
}

function store(env: Env, ns: string, name: string, pod: Obj, keepSelfLink: boolean, wasDeleting = false): Obj {
  const m = meta(pod);
  m.resourceVersion = env.store.nextRV();
  // the silent-reset-off fault keeps the selfLink upstream's versioner clears
  env.store.putPod(ns, name, pod, keepSelfLink);
  // an object that was already being deleted goes away when its last finalizer is removed
  const finalizers = Array.isArray(m.finalizers) ? m.finalizers : [];
  if (wasDeleting && m.deletionTimestamp && finalizers.length === 0) env.store.deletePod(ns, name);
  return env.store.getPod(ns, name) ?? pod;
}

function lookup(env: Env, ns: string, name: string): Obj {
  const old = env.store.hasNamespace(ns) ? env.store.getPod(ns, name) : undefined;
  if (!old) throw notFound('pods', name);
  return old;
}

/** A whole Pod in a POST/PUT body: typed decoding, then unknown fields by the fieldValidation directive. */
function decodeRequestPod(env: Env, body: unknown, directive: string): { decoded: { value: Obj; unknown: string[] }; warnings: string[] } {
  const cannot = (m: string) => badRequest(`Pod in version "v1" cannot be handled as a Pod: ${m}`);
  let decoded: { value: Obj; unknown: string[] };
  try {
    decoded = decodePod(body);
  } catch (err) {
    if (err instanceof DecodeError) throw cannot(err.message);
    throw err;
  }
  return { decoded, warnings: unknownFieldHandling(decoded.unknown, directive || 'Warn', env, cannot) };
}

export function replacePod(env: Env, ns: string, name: string, contentType: string, raw: Buffer, query: URLSearchParams): Reply {
  const mt = mediaType(contentType);
  if (!['application/json', ''].includes(mt)) throw unsupportedMediaType();
  const errs: FieldError[] = [];
  checkDryRun(query.getAll('dryRun'), errs);
  const directive = query.get('fieldValidation') ?? '';
  checkFieldValidation(directive, errs);
  if (errs.length > 0 && !env.faults.has('lenient-options')) {
    throw invalid('UpdateOptions.meta.k8s.io', 'UpdateOptions', '', errs, 'meta.k8s.io');
  }
  const body = parseJsonBody(raw, 'object');
  const { decoded, warnings } = decodeRequestPod(env, body, directive);
  const old = lookup(env, ns, name);
  const dryRun = query.getAll('dryRun').includes('All') && !env.faults.has('ignore-dry-run');
  return updatePod(env, ns, name, old, decoded.value, { dryRun, manager: managerOf(query) }, warnings);
}

export function patchPod(env: Env, ns: string, name: string, contentType: string, raw: Buffer, query: URLSearchParams): Reply {
  const f = env.faults;
  const mt = mediaType(contentType);
  let patchType = Object.hasOwn(PATCH_TYPES, mt) ? PATCH_TYPES[mt] : undefined;
  if (!patchType) {
    if (!f.has('accept-any-content-type')) throw unsupportedMediaType();
    patchType = 'merge';
  }
  // PatchOptions (apimachinery ValidatePatchOptions)
  const dryRunValues = query.getAll('dryRun');
  const force = query.get('force');
  const fieldManager = query.get('fieldManager') ?? '';
  const fieldValidation = query.get('fieldValidation') ?? '';
  if (!f.has('lenient-options')) {
    const errs: FieldError[] = [];
    if (patchType !== 'apply') {
      if (force !== null) errs.push(fe.forbidden('force', 'may not be specified for non-apply patch'));
    } else if (!fieldManager) errs.push(fe.required('fieldManager', 'is required for apply patch'));
    const maxManager = env.faults.has('limits-off-by-one') ? 127 : 128;
    if (fieldManager.length > maxManager) errs.push(fe.tooLong('fieldManager', maxManager));
    checkDryRun(dryRunValues, errs);
    checkFieldValidation(fieldValidation, errs);
    if (errs.length > 0) throw patchOptionsInvalid(errs);
  }
  const directive = ['Ignore', 'Warn', 'Strict'].includes(fieldValidation) ? fieldValidation : 'Warn';
  const dryRun = dryRunValues.includes('All') && !f.has('ignore-dry-run');
  const old = lookup(env, ns, name);
  const current: Obj = { kind: 'Pod', apiVersion: 'v1', ...structuredClone(old) };
  let patched: Obj;
  let applied: Obj | undefined;
  if (patchType === 'apply') {
    let cfg: unknown;
    try {
      cfg = parseYaml(raw.toString('utf8'), { maxAliasCount: 100 });
    } catch (err) {
      throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isObject(cfg)) throw badRequest('error decoding YAML: the applied configuration is not an object');
    let typed: { value: Obj; unknown: string[] };
    try {
      typed = decodePod(cfg);
    } catch (err) {
      if (err instanceof DecodeError) throw internal(`failed to create typed patch object (/v1, Kind=Pod): ${err.message}`);
      throw err;
    }
    if (typed.unknown.length > 0 && !f.has('drop-unknown-fields')) {
      throw internal(`failed to create typed patch object (/v1, Kind=Pod): ${typed.unknown.map((u) => `.${u}: field not declared in schema`).join(', ')}`);
    }
    if (cfg.kind !== 'Pod' || cfg.apiVersion !== 'v1') {
      throw badRequest(`invalid object type: /${String(cfg.apiVersion ?? '')}, Kind=${String(cfg.kind ?? '')}`);
    }
    // structuredmerge.go Apply: a configuration may not claim ownership itself
    const claimed = isObject(cfg.metadata) ? cfg.metadata.managedFields : undefined;
    if (claimed !== undefined && claimed !== null && !f.has('apply-accepts-managed-fields')) throw badRequest('metadata.managedFields must be nil');
    delete meta(typed.value).managedFields;
    if (force !== 'true' && !f.has('apply-ignores-conflicts')) {
      const conflicts = env.store.ownership.conflicts(String(meta(old).uid), fieldManager, old, typed.value);
      if (conflicts.length > 0) throw applyConflict(conflicts);
    }
    applied = typed.value;
    patched = applyApplyPatch(current as never, typed.value as never) as Obj;
  } else {
    const body = parseJsonBody(raw, 'patch');
    if (patchType === 'json') {
      const r = applyJsonPatch(current as never, body, { limitOps: !f.has('no-patch-limits'), partial: f.has('partial-apply') });
      if (r.partialResult) {
        // partial-apply fault: keep what was applied before the failing operation
        const d = decodePod(r.partialResult);
        const keep = d.value;
        delete keep.kind;
        delete keep.apiVersion;
        meta(keep).resourceVersion = meta(old).resourceVersion;
        if (!dryRun) store(env, ns, name, keep, false);
        throw genericUnprocessable();
      }
      patched = r.result;
    } else if (patchType === 'merge') patched = applyMergePatch(current as never, body) as Obj;
    else patched = applyStrategicMergePatch(current as never, body) as Obj;
  }
  const decoded = decodeOrInvalid(patched);
  const warnings = unknownFieldHandling(decoded.unknown, directive, env, (m) => patchDecodeInvalid(safeStringify(patched), m));
  return updatePod(env, ns, name, old, decoded.value, { dryRun, patchType, manager: fieldManager || 'unknown', applied }, warnings);
}
