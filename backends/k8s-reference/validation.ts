/**
 * Pod validation modelled on upstream (shared/reference/k8s-pod-patch.md §1):
 * kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidatePodUpdate, ValidatePodSpec subset,
 * ValidateTolerations, ValidatePodSpecificAnnotations[Updates]) and kubernetes/apimachinery
 * pkg/api/validation/objectmeta.go (ValidateObjectMeta[Update], labels, annotations, owner references,
 * finalizers). Objects are the decoded JSON documents of typed.ts.
 */
import type { K8sFault } from './faults.ts';
import { type FieldError, fe } from './status.ts';

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const asMap = (v: unknown): Record<string, string> => asObj(v) as Record<string, string>;

// ------------------------------------------------------------------ syntax (apimachinery util/validation)

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

const QN_ERR = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}')`;

export function dns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN_RE.test(v)) {
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return errs;
}

export function dns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL_RE.test(v)) {
    errs.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL_FMT}')`,
    );
  }
  return errs;
}

export function qualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) name = parts[0] ?? '';
  else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [`a qualified name ${QN_ERR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_RE.test(name)) errs.push(`name part ${QN_ERR}`);
  return errs;
}

export function labelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE_RE.test(v)) {
    errs.push(
      `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(${QUALIFIED_NAME_FMT})?')`,
    );
  }
  return errs;
}

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: Record<string, string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedName(k)) errs.push(fe.invalid(path, k, m));
    for (const m of labelValue(String(v))) errs.push(fe.invalid(path, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of qualifiedName(k.toLowerCase())) errs.push(fe.invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fe.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

// ------------------------------------------------------------------ ObjectMeta

/** Finalizer names without a domain that core validation still accepts (pkg/apis/core/helper IsStandardFinalizerName). */
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** Core's extra finalizer-name rule (pkg/apis/core/validation validateKubeFinalizerName), on create and update. */
export function validateKubeFinalizerNames(meta: Obj): FieldError[] {
  return (asList(meta.finalizers) as unknown as string[]).flatMap((f, i) =>
    String(f).includes('/') || STANDARD_FINALIZERS.includes(String(f))
      ? []
      : [fe.invalid(`metadata.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified')],
  );
}

export function validateObjectMeta(meta: Obj, namespaced: boolean, nameRule: 'subdomain' | 'label'): FieldError[] {
  const errs: FieldError[] = [];
  const nameCheck = nameRule === 'subdomain' ? dns1123Subdomain : dns1123Label;
  const name = meta.name;
  if (typeof name !== 'string' || name === '') errs.push(fe.required('metadata.name', 'name or generateName is required'));
  else for (const m of nameCheck(name)) errs.push(fe.invalid('metadata.name', name, m));
  const gn = meta.generateName;
  if (typeof gn === 'string' && gn !== '') {
    const masked = gn.endsWith('-') ? `${gn.slice(0, -1)}a` : gn;
    for (const m of nameCheck(masked)) errs.push(fe.invalid('metadata.generateName', gn, m));
  }
  if (namespaced) {
    const ns = meta.namespace;
    if (typeof ns !== 'string' || ns === '') errs.push(fe.required('metadata.namespace', ''));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    errs.push(fe.invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(asMap(meta.labels), 'metadata.labels'));
  errs.push(...validateAnnotations(asMap(meta.annotations), 'metadata.annotations'));
  // owner references (apimachinery objectmeta.go validateOwnerReference)
  const owners = asList(meta.ownerReferences);
  let controllers = 0;
  for (const o of owners) {
    // NOTE: upstream reports these on the list path without an index (`metadata.ownerReferences.uid`),
    // as observed on kube-apiserver v1.34.10 (backends/k8s-real/probe-results.json, mp-ownerref-no-uid).
    const p = 'metadata.ownerReferences';
    const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    if (!version) errs.push(fe.invalid(`${p}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!o.kind) errs.push(fe.invalid(`${p}.kind`, o.kind ?? '', 'kind must not be empty'));
    if (!o.name) errs.push(fe.invalid(`${p}.name`, o.name ?? '', 'name must not be empty'));
    if (!o.uid) errs.push(fe.invalid(`${p}.uid`, o.uid ?? '', 'uid must not be empty'));
    if (apiVersion === 'v1' && o.kind === 'Event') {
      errs.push(fe.invalid(p, o, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (o.controller === true) controllers++;
  }
  if (controllers > 1) {
    errs.push(fe.invalid('metadata.ownerReferences', owners, 'Only one reference can have Controller set to true'));
  }
  // finalizers
  const finalizers = asList(meta.finalizers) as unknown as string[];
  finalizers.forEach((f) => {
    for (const m of qualifiedName(String(f))) errs.push(fe.invalid('metadata.finalizers', f, m));
  });
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(fe.invalid('metadata.finalizers', finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function same(a: unknown, b: unknown): boolean {
  return deepEqual(a, b);
}

/**
 * Whether two decoded JSON values are equal, object keys in any order: what comparing their `canonical` strings
 * says, without building them (the comparisons run several times per request).
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Obj)[k], (b as Obj)[k]));
}

/** Stable JSON for deep comparison (object keys sorted). */
export function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Obj;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function validateObjectMetaUpdate(newMeta: Obj, oldMeta: Obj, faults: ReadonlySet<K8sFault> = new Set()): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (k: string) => {
    if (!same(newMeta[k] ?? null, oldMeta[k] ?? null)) errs.push(fe.invalid(`metadata.${k}`, newMeta[k] ?? null, 'field is immutable'));
  };
  // BeforeUpdate already restored what it restores; what remains different here is an error.
  if (!oldMeta.deletionTimestamp && newMeta.deletionTimestamp) {
    // no new finalizers rule applies only while deleting; nothing here
  }
  if (oldMeta.deletionTimestamp && !faults.has('finalizers-while-deleting')) {
    const oldF = asList(oldMeta.finalizers) as unknown as string[];
    const added = (asList(newMeta.finalizers) as unknown as string[]).filter((f) => !oldF.includes(f));
    if (added.length > 0) {
      errs.push(
        fe.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((a) => JSON.stringify(a)).join(', ')}}`,
        ),
      );
    }
  }
  immutable('name');
  immutable('namespace');
  immutable('uid');
  immutable('creationTimestamp');
  immutable('deletionTimestamp');
  immutable('deletionGracePeriodSeconds');
  if (!newMeta.resourceVersion) errs.push(fe.invalid('metadata.resourceVersion', newMeta.resourceVersion ?? '', 'must be specified for an update'));
  if (typeof newMeta.generation === 'number' && typeof oldMeta.generation === 'number' && newMeta.generation < oldMeta.generation) {
    errs.push(fe.invalid('metadata.generation', newMeta.generation, 'must not be decremented'));
  }
  return errs;
}

// ------------------------------------------------------------------ Pod spec

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

export function validateTolerations(tolerations: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = typeof t.key === 'string' ? t.key : '';
    const op = typeof t.operator === 'string' ? t.operator : '';
    const value = typeof t.value === 'string' ? t.value : '';
    const effect = typeof t.effect === 'string' ? t.effect : '';
    if (key) for (const m of qualifiedName(key)) errs.push(fe.invalid(`${p}.key`, key, m));
    if (!key && op !== 'Exists') {
      errs.push(fe.invalid(`${p}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(fe.invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === '' || op === 'Equal') {
      for (const m of labelValue(value)) errs.push(fe.invalid(`${p}.operator`, value, m));
    } else if (op === 'Exists') {
      if (value) errs.push(fe.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fe.notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(fe.notSupported(`${p}.effect`, effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateContainers(containers: Obj[], path: string, required: boolean, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (required && containers.length === 0) errs.push(fe.required(path, ''));
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) errs.push(fe.required(`${p}.name`, ''));
    else {
      for (const m of dns1123Label(name)) errs.push(fe.invalid(`${p}.name`, name, m));
      if (seen.has(name)) errs.push(fe.duplicate(`${p}.name`, name));
      seen.add(name);
    }
    const image = typeof c.image === 'string' ? c.image : '';
    if (image && image.trim() !== image) {
      errs.push(fe.invalid(`${p}.image`, image, 'must not have leading or trailing whitespace'));
    }
    const ipp = c.imagePullPolicy;
    if (typeof ipp === 'string' && !PULL_POLICIES.includes(ipp)) {
      errs.push(fe.notSupported(`${p}.imagePullPolicy`, ipp, PULL_POLICIES));
    }
    const tmp = c.terminationMessagePolicy;
    if (typeof tmp === 'string' && !['File', 'FallbackToLogsOnError'].includes(tmp)) {
      errs.push(fe.notSupported(`${p}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
    }
  });
  return errs;
}

export function validatePodSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const volumeNames = new Set<string>();
  asList(spec.volumes).forEach((v, i) => {
    const name = typeof v.name === 'string' ? v.name : '';
    if (!name) errs.push(fe.required(`spec.volumes[${i}].name`, ''));
    else {
      for (const m of dns1123Label(name)) errs.push(fe.invalid(`spec.volumes[${i}].name`, name, m));
      if (volumeNames.has(name)) errs.push(fe.duplicate(`spec.volumes[${i}].name`, name));
      volumeNames.add(name);
    }
  });
  const seen = new Set<string>();
  errs.push(...validateContainers(asList(spec.containers), 'spec.containers', true, seen));
  errs.push(...validateContainers(asList(spec.initContainers), 'spec.initContainers', false, seen));
  const rp = spec.restartPolicy;
  if (typeof rp === 'string' && !RESTART_POLICIES.includes(rp)) errs.push(fe.notSupported('spec.restartPolicy', rp, RESTART_POLICIES));
  const dp = spec.dnsPolicy;
  if (typeof dp === 'string' && !DNS_POLICIES.includes(dp)) errs.push(fe.notSupported('spec.dnsPolicy', dp, DNS_POLICIES));
  errs.push(...validateLabels(asMap(spec.nodeSelector), 'spec.nodeSelector'));
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number' && (ads < 1 || ads > MAX_INT32)) {
    errs.push(fe.invalid('spec.activeDeadlineSeconds', ads, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  errs.push(...validateTolerations(asList(spec.tolerations), 'spec.tolerations'));
  const gates = new Set<string>();
  asList(spec.schedulingGates).forEach((g, i) => {
    const name = typeof g.name === 'string' ? g.name : '';
    for (const m of qualifiedName(name)) errs.push(fe.invalid(`spec.schedulingGates[${i}].name`, name, m));
    if (gates.has(name)) errs.push(fe.duplicate(`spec.schedulingGates[${i}].name`, name));
    gates.add(name);
  });
  return errs;
}

// ------------------------------------------------------------------ pod-specific annotations

const MIRROR = 'kubernetes.io/config.mirror';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const TOLERATIONS_ANNOTATION = 'scheduler.alpha.kubernetes.io/tolerations';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** ValidateSeccompProfile: runtime/default, docker/default, unconfined or localhost/<relative path without '..'>. */
function seccompProfileErrors(p: string, path: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) {
    const rest = p.slice('localhost/'.length);
    if (rest.startsWith('/')) return [fe.invalid(path, rest, 'must be a relative path')];
    if (rest.split('/').includes('..')) return [fe.invalid(path, rest, "must not contain '..'")];
    return [];
  }
  return [fe.invalid(path, p, 'must be a valid seccomp profile')];
}

/** The tolerations annotation and the seccomp annotations (ValidateTolerationsInPodAnnotations, ValidateSeccompPodAnnotations). */
function podAnnotationSyntax(annotations: Record<string, string>): FieldError[] {
  const errs: FieldError[] = [];
  const tolerations = annotations[TOLERATIONS_ANNOTATION];
  if (tolerations) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tolerations);
    } catch (err) {
      errs.push(fe.invalid('metadata.annotations', TOLERATIONS_ANNOTATION, err instanceof Error ? err.message : String(err)));
    }
    if (parsed !== undefined && !Array.isArray(parsed)) {
      errs.push(fe.invalid('metadata.annotations', TOLERATIONS_ANNOTATION, 'json: cannot unmarshal into Go value of type []core.Toleration'));
    } else if (Array.isArray(parsed)) errs.push(...validateTolerations(asList(parsed), `metadata.annotations.${TOLERATIONS_ANNOTATION}`));
  }
  // upstream names these with Child (a dot), not Key ([...]): metadata.annotations.seccomp.security.alpha.kubernetes.io/pod
  for (const [k, v] of Object.entries(annotations)) {
    if (k === SECCOMP_POD || k.startsWith(SECCOMP_CONTAINER_PREFIX)) errs.push(...seccompProfileErrors(String(v), `metadata.annotations.${k}`));
  }
  return errs;
}

/**
 * Metadata faults: checks skipped (label, owner-reference and finalizer syntax) or added (annotation keys compared
 * without lower-casing, every metadata limit's largest accepted value refused, empty label values refused).
 */
function metadataFaults(meta: Obj, errs: FieldError[], faults: ReadonlySet<K8sFault>): FieldError[] {
  const skipped = (e: FieldError) =>
    (faults.has('label-syntax-unchecked') && e.field === 'metadata.labels') ||
    (faults.has('owner-references-unchecked') && e.field.startsWith('metadata.ownerReferences')) ||
    (faults.has('finalizer-syntax-unchecked') && e.field.startsWith('metadata.finalizers') && !e.detail.startsWith('no new finalizers'));
  const out = errs.filter((e) => !skipped(e));
  const labels = asMap(meta.labels);
  const annotations = asMap(meta.annotations);
  if (faults.has('annotation-keys-case-sensitive')) {
    for (const k of Object.keys(annotations)) if (/[A-Z]/.test(k)) out.push(fe.invalid('metadata.annotations', k, 'must be lower case'));
  }
  if (faults.has('empty-label-value-rejected')) {
    for (const [k, v] of Object.entries(labels)) if (v === '') out.push(fe.invalid('metadata.labels', k, 'must not be empty'));
  }
  if (faults.has('limits-off-by-one')) {
    const atLimit = (k: string, v: string) => {
      const parts = k.split('/');
      const name = parts[parts.length - 1] ?? '';
      return name.length === 63 || (parts.length === 2 && (parts[0] ?? '').length === 253) || String(v).length === 63;
    };
    for (const [k, v] of Object.entries(labels)) if (atLimit(k, v)) out.push(fe.invalid('metadata.labels', k, 'must be no more than 62 characters'));
    const total = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
    if (total === TOTAL_ANNOTATION_SIZE_LIMIT) out.push(fe.tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE_LIMIT - 1));
    if (annotations[DELETION_COST] === String(MAX_INT32)) out.push(fe.invalid(`metadata.annotations[${DELETION_COST}]`, MAX_INT32, 'must be a 32bit integer'));
  }
  return out;
}

export function validatePodSpecificAnnotations(
  annotations: Record<string, string>,
  oldAnnotations?: Record<string, string>,
  faults: ReadonlySet<K8sFault> = new Set(),
): FieldError[] {
  const errs: FieldError[] = faults.has('pod-annotation-syntax-unchecked') ? [] : podAnnotationSyntax(annotations);
  const cost = annotations[DELETION_COST];
  const oldCost = oldAnnotations?.[DELETION_COST];
  const allowInvalidCost = oldCost !== undefined && !/^[+-]?\d+$/.test(oldCost);
  if (cost !== undefined && !allowInvalidCost) {
    const n = /^[+-]?\d+$/.test(cost) ? Number(cost) : Number.NaN;
    if (!Number.isInteger(n) || n > MAX_INT32 || n < -MAX_INT32 - 1) {
      errs.push(fe.invalid(`metadata.annotations[${DELETION_COST}]`, cost, 'must be a 32bit integer'));
    }
  }
  return errs;
}

export function validatePodSpecificAnnotationUpdates(
  newA: Record<string, string>,
  oldA: Record<string, string>,
  faults: ReadonlySet<K8sFault> = new Set(),
): FieldError[] {
  const errs: FieldError[] = [];
  const p = (k: string) => `metadata.annotations[${k}]`;
  for (const [k, v] of Object.entries(oldA)) {
    if (k in newA && newA[k] === v) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(fe.forbidden(p(k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR) errs.push(fe.forbidden(p(k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(newA)) {
    if (k in oldA) continue;
    if (k.startsWith(APPARMOR_PREFIX) && !faults.has('apparmor-annotation-allowed')) errs.push(fe.forbidden(p(k), 'may not add AppArmor annotations'));
    if (k === MIRROR) errs.push(fe.forbidden(p(k), 'may not add mirror pod annotation'));
  }
  return errs;
}

// ------------------------------------------------------------------ ValidatePodUpdate

const UPDATABLE =
  '`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validateContainerUpdates(newC: Obj[], oldC: Obj[], path: string): { errs: FieldError[]; stop: boolean } {
  if (newC.length !== oldC.length) {
    return { errs: [fe.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    const image = typeof c.image === 'string' ? c.image : '';
    if (!image) errs.push(fe.required(`${path}[${i}].image`, ''));
    else if (image.trim() !== image) errs.push(fe.invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function tolerationEqual(a: Obj, b: Obj): boolean {
  const keys = ['key', 'operator', 'value', 'effect'];
  return keys.every((k) => (a[k] ?? '') === (b[k] ?? ''));
}

/** Each old toleration must still be in the new list, anywhere, ignoring tolerationSeconds (set, changed or unset). */
function validateOnlyAddedTolerations(newT: Obj[], oldT: Obj[], faults: ReadonlySet<K8sFault>): FieldError[] {
  const byIndex = faults.has('tolerations-by-index');
  const secondsFixed = faults.has('toleration-seconds-presence-fixed');
  for (const [i, old] of oldT.entries()) {
    const candidates = byIndex ? newT.slice(i, i + 1) : newT;
    const found = candidates.some(
      (n) => tolerationEqual(old, n) && (!secondsFixed || (old.tolerationSeconds === undefined) === (n.tolerationSeconds === undefined)),
    );
    if (!found) return [fe.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newT, 'spec.tolerations');
}

/** Semantic deep-equal: unset and empty slices/maps are equal (decoded docs already drop empties). */
function specEqual(a: Obj, b: Obj): boolean {
  return deepEqual(a, b);
}

function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const lines: string[] = [];
  const keys = new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)]);
  for (const k of [...keys].sort()) {
    if (!deepEqual(oldSpec[k], newSpec[k])) {
      lines.push(`  \t${k}: ${canonical(oldSpec[k])} -> ${canonical(newSpec[k])}`);
    }
  }
  return `  core.PodSpec{\n${lines.join('\n')}\n  }\n`;
}

export function validatePodUpdate(newPod: Obj, oldPod: Obj, faults: ReadonlySet<K8sFault> = new Set()): FieldError[] {
  const newMeta = asObj(newPod.metadata);
  const oldMeta = asObj(oldPod.metadata);
  const newSpec = asObj(newPod.spec);
  const oldSpec = asObj(oldPod.spec);
  const errs: FieldError[] = [];
  errs.push(...metadataFaults(newMeta, [...validateObjectMetaUpdate(newMeta, oldMeta, faults), ...validateObjectMeta(newMeta, true, 'subdomain')], faults));
  if (!faults.has('unqualified-finalizer-allowed')) errs.push(...validateKubeFinalizerNames(newMeta));
  errs.push(...validatePodSpecificAnnotations(asMap(newMeta.annotations), asMap(oldMeta.annotations), faults));
  errs.push(...validatePodSpec(newSpec));
  errs.push(...validatePodSpecificAnnotationUpdates(asMap(newMeta.annotations), asMap(oldMeta.annotations), faults));

  const c1 = validateContainerUpdates(asList(newSpec.containers), asList(oldSpec.containers), 'spec.containers');
  errs.push(...c1.errs);
  if (c1.stop) return errs;
  const c2 = validateContainerUpdates(asList(newSpec.initContainers), asList(oldSpec.initContainers), 'spec.initContainers');
  errs.push(...c2.errs);
  if (c2.stop) return errs;

  const newAds = newSpec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (typeof newAds === 'number') {
    if (newAds < 0 || newAds > MAX_INT32) {
      errs.push(fe.invalid('spec.activeDeadlineSeconds', newAds, `must be between 0 and ${MAX_INT32}, inclusive`));
      return errs;
    }
    if (newAds === 1 && faults.has('limits-off-by-one')) {
      errs.push(fe.invalid('spec.activeDeadlineSeconds', newAds, `must be between 2 and ${MAX_INT32}, inclusive`));
      return errs;
    }
    if (typeof oldAds === 'number' && oldAds < newAds) {
      errs.push(fe.invalid('spec.activeDeadlineSeconds', newAds, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (typeof oldAds === 'number') {
    errs.push(fe.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  // munge the updatable fields back to their old values and compare
  const munged: Obj = structuredClone(newSpec);
  const mungeImages = (key: 'containers' | 'initContainers') => {
    const oldList = asList(oldSpec[key]);
    const list = asList(munged[key]);
    list.forEach((c, i) => {
      const o = oldList[i];
      if (o && 'image' in o) c.image = o.image;
      else delete c.image;
    });
  };
  mungeImages('containers');
  mungeImages('initContainers');
  if (oldAds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldAds;

  errs.push(...validateOnlyAddedTolerations(asList(newSpec.tolerations), asList(oldSpec.tolerations), faults));
  if (oldSpec.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = oldSpec.tolerations;

  // scheduling gates: deletions only
  const newGates = asList(newSpec.schedulingGates);
  const oldGates = asList(oldSpec.schedulingGates);
  const newGate = (g: Obj, i: number) =>
    fe.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${String(g.name)}'`);
  if (faults.has('scheduling-gate-count-only')) {
    newGates.forEach((g, i) => {
      if (i >= oldGates.length) errs.push(newGate(g, i));
    });
  } else if (faults.has('scheduling-gates-all-or-nothing') && newGates.length > 0 && !deepEqual(newGates, oldGates)) {
    errs.push(...newGates.map(newGate));
  } else if (newGates.length > 0) {
    const oldNames = new Set(oldGates.map((g) => g.name));
    newGates.forEach((g, i) => {
      if (!oldNames.has(g.name)) errs.push(newGate(g, i));
    });
  }
  if (oldSpec.schedulingGates === undefined) delete munged.schedulingGates;
  else munged.schedulingGates = oldSpec.schedulingGates;

  // nodeSelector: additions only, and only while the stored (old) pod is still gated
  const gated = asList((faults.has('node-selector-gate-on-new-pod') ? newSpec : oldSpec).schedulingGates).length > 0;
  if (gated) {
    const oldSel = asMap(oldSpec.nodeSelector);
    const newSel = asMap(newSpec.nodeSelector);
    const ok = Object.entries(oldSel).every(([k, v]) => newSel[k] === v);
    if (!ok && !faults.has('gated-node-selector-mutable')) {
      errs.push(fe.invalid('spec.nodeSelector', newSel, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    if (oldSpec.nodeSelector === undefined) delete munged.nodeSelector;
    else munged.nodeSelector = oldSpec.nodeSelector;
  }

  // terminationGracePeriodSeconds: negative -> 1 only
  const oldTgps = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldTgps === 'number' && oldTgps < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldTgps;
  }

  if (faults.has('pod-resources-mutable')) {
    if (oldSpec.resources === undefined) delete munged.resources;
    else munged.resources = oldSpec.resources;
  }

  if (!specEqual(munged, oldSpec) && !faults.has('spec-fields-mutable')) {
    errs.push(fe.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

export function validatePodCreate(pod: Obj): FieldError[] {
  const meta = asObj(pod.metadata);
  const spec = asObj(pod.spec);
  const errs: FieldError[] = [];
  errs.push(...validateObjectMeta(meta, true, 'subdomain'));
  errs.push(...validateKubeFinalizerNames(meta));
  errs.push(...validatePodSpecificAnnotations(asMap(meta.annotations)));
  errs.push(...validatePodSpec(spec));
  asList(spec.containers).forEach((c, i) => {
    if (!c.image) errs.push(fe.required(`spec.containers[${i}].image`, ''));
  });
  asList(spec.initContainers).forEach((c, i) => {
    if (!c.image) errs.push(fe.required(`spec.initContainers[${i}].image`, ''));
  });
  return errs;
}
