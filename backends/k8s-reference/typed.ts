/**
 * A small structural model of the v1 Pod, used to "decode" a patched JSON document the way the
 * apiserver decodes it into the Go type:
 *  - values of the wrong JSON type are decode errors (upstream: 422 Invalid, field `patch`);
 *  - members the type does not know are "unknown fields" (dropped; Warning header under Warn,
 *    422 under Strict);
 *  - `null` means "unset", and empty omitempty slices/maps, `false` for plain bools and `""` for plain
 *    strings are dropped, as Go's encoder would omit them.
 * Sub-objects the suite never looks into (probes, affinity, volume sources, …) are "open": kept as
 * given without checking their members.
 */

export type Scalar = 'string' | 'pstring' | 'int' | 'pint' | 'bool' | 'pbool' | 'quantity' | 'intOrString' | 'time';
export interface ObjT {
  kind: 'obj';
  go: string;
  fields: Record<string, T>;
}
export interface MapT {
  kind: 'map';
  of: T;
}
export interface ListT {
  kind: 'list';
  of: T;
}
export interface OpenT {
  kind: 'open';
}
export type T = Scalar | ObjT | MapT | ListT | OpenT | (() => T);

const open: OpenT = { kind: 'open' };
const obj = (go: string, fields: Record<string, T>): ObjT => ({ kind: 'obj', go, fields });
const map = (of: T): MapT => ({ kind: 'map', of });
const list = (of: T): ListT => ({ kind: 'list', of });

const ownerReference = obj('OwnerReference', {
  apiVersion: 'string',
  kind: 'string',
  name: 'string',
  uid: 'string',
  controller: 'pbool',
  blockOwnerDeletion: 'pbool',
});

const objectMeta = obj('ObjectMeta', {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'pint',
  labels: map('pstring'),
  annotations: map('pstring'),
  ownerReferences: list(ownerReference),
  finalizers: list('pstring'),
  managedFields: list(open),
});

const resources = obj('ResourceRequirements', {
  limits: map('quantity'),
  requests: map('quantity'),
  claims: list(open),
});

const envVar = obj('EnvVar', { name: 'string', value: 'string', valueFrom: open });
const containerPort = obj('ContainerPort', {
  name: 'string',
  hostPort: 'int',
  containerPort: 'int',
  protocol: 'string',
  hostIP: 'string',
});
const volumeMount = obj('VolumeMount', {
  name: 'string',
  readOnly: 'bool',
  recursiveReadOnly: 'pstring',
  mountPath: 'string',
  subPath: 'string',
  mountPropagation: 'pstring',
  subPathExpr: 'string',
});

const containerFields: Record<string, T> = {
  name: 'string',
  image: 'string',
  command: list('pstring'),
  args: list('pstring'),
  workingDir: 'string',
  ports: list(containerPort),
  envFrom: list(open),
  env: list(envVar),
  resources,
  resizePolicy: list(open),
  restartPolicy: 'pstring',
  restartPolicyRules: list(open),
  volumeMounts: list(volumeMount),
  volumeDevices: list(open),
  livenessProbe: open,
  readinessProbe: open,
  startupProbe: open,
  lifecycle: open,
  terminationMessagePath: 'string',
  terminationMessagePolicy: 'string',
  imagePullPolicy: 'string',
  securityContext: open,
  stdin: 'bool',
  stdinOnce: 'bool',
  tty: 'bool',
};
const container = obj('Container', containerFields);
const ephemeralContainer = obj('EphemeralContainer', { ...containerFields, targetContainerName: 'string' });

const volumeSources = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];
const volume = obj('Volume', {
  name: 'string',
  ...Object.fromEntries(volumeSources.map((s) => [s, open] as const)),
});

const toleration = obj('Toleration', {
  key: 'string',
  operator: 'string',
  value: 'string',
  effect: 'string',
  tolerationSeconds: 'pint',
});

const podSpec = obj('PodSpec', {
  volumes: list(volume),
  initContainers: list(container),
  containers: list(container),
  ephemeralContainers: list(ephemeralContainer),
  restartPolicy: 'string',
  terminationGracePeriodSeconds: 'pint',
  activeDeadlineSeconds: 'pint',
  dnsPolicy: 'string',
  nodeSelector: map('pstring'),
  serviceAccountName: 'string',
  serviceAccount: 'string',
  automountServiceAccountToken: 'pbool',
  nodeName: 'string',
  hostNetwork: 'bool',
  hostPID: 'bool',
  hostIPC: 'bool',
  shareProcessNamespace: 'pbool',
  securityContext: open,
  imagePullSecrets: list(open),
  hostname: 'string',
  hostnameOverride: 'pstring',
  subdomain: 'string',
  affinity: open,
  schedulerName: 'string',
  tolerations: list(toleration),
  hostAliases: list(open),
  priorityClassName: 'string',
  priority: 'pint',
  dnsConfig: open,
  readinessGates: list(open),
  runtimeClassName: 'pstring',
  enableServiceLinks: 'pbool',
  preemptionPolicy: 'pstring',
  overhead: map('quantity'),
  topologySpreadConstraints: list(open),
  setHostnameAsFQDN: 'pbool',
  os: open,
  hostUsers: 'pbool',
  schedulingGates: list(obj('PodSchedulingGate', { name: 'string' })),
  resourceClaims: list(open),
  resources: open,
});

const podStatus = obj('PodStatus', {
  observedGeneration: 'int',
  phase: 'string',
  conditions: list(open),
  message: 'string',
  reason: 'string',
  nominatedNodeName: 'string',
  hostIP: 'string',
  hostIPs: list(open),
  podIP: 'string',
  podIPs: list(open),
  startTime: 'time',
  initContainerStatuses: list(open),
  containerStatuses: list(open),
  qosClass: 'string',
  ephemeralContainerStatuses: list(open),
  resize: 'string',
  resourceClaimStatuses: list(open),
  extendedResourceClaimStatus: open,
});

export const POD_TYPE = obj('Pod', {
  kind: 'string',
  apiVersion: 'string',
  metadata: objectMeta,
  spec: podSpec,
  status: podStatus,
});

export interface DecodeResult {
  value: Record<string, unknown>;
  /** Unknown field paths (`spec.foo`, `spec.containers[0].bar`). */
  unknown: string[];
}

export class DecodeError extends Error {}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, number, boolean
}

const GO_SCALAR: Record<Scalar, string> = {
  string: 'string',
  pstring: 'string',
  int: 'int64',
  pint: 'int64',
  bool: 'bool',
  pbool: 'bool',
  quantity: 'resource.Quantity',
  intOrString: 'intstr.IntOrString',
  time: 'v1.Time',
};

/** int64 bound (2^63); JSON numbers at or beyond it do not fit a Go int64. */
const INT64_LIMIT = 2 ** 63;

function fail(v: unknown, path: string, goType: string): never {
  const k = jsonKind(v);
  const shown = k === 'number' ? `number ${String(v)}` : k;
  throw new DecodeError(`json: cannot unmarshal ${shown} into Go struct field ${path} of type ${goType}`);
}

/** A value is dropped from its struct when Go's encoder would omit it. */
const DROP = Symbol('drop');

function decodeScalar(v: unknown, t: Scalar, path: string): unknown {
  switch (t) {
    case 'string':
    case 'pstring':
      if (typeof v !== 'string') fail(v, path, GO_SCALAR[t]);
      return t === 'string' && v === '' ? DROP : v;
    case 'int':
    case 'pint':
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) >= INT64_LIMIT) fail(v, path, GO_SCALAR[t]);
      return t === 'int' && v === 0 ? DROP : v;
    case 'bool':
    case 'pbool':
      if (typeof v !== 'boolean') fail(v, path, GO_SCALAR[t]);
      return t === 'bool' && v === false ? DROP : v;
    case 'quantity':
      if (typeof v !== 'string' && typeof v !== 'number') fail(v, path, GO_SCALAR[t]);
      if (typeof v === 'string' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i?|[munk])?$/.test(v)) {
        throw new DecodeError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
      }
      return v;
    case 'intOrString':
      if (typeof v !== 'string' && typeof v !== 'number') fail(v, path, GO_SCALAR[t]);
      return v;
    case 'time':
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) {
        if (typeof v === 'string') throw new DecodeError(`parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
        fail(v, path, GO_SCALAR[t]);
      }
      return v;
  }
}

function resolve(t: T): Exclude<T, () => T> {
  return typeof t === 'function' ? resolve(t()) : t;
}

function decodeValue(v: unknown, tt: T, path: string, unknown: string[]): unknown {
  const t = resolve(tt);
  if (typeof t === 'string') return decodeScalar(v, t, path);
  if (t.kind === 'open') return v;
  if (t.kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v) || v === null) fail(v, path, 'map[string]string');
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      const d = val === null ? DROP : decodeValue(val, t.of, `${path}`, unknown);
      Object.defineProperty(out, k, { value: d === DROP ? '' : d, enumerable: true, writable: true, configurable: true });
    }
    return Object.keys(out).length === 0 ? DROP : out;
  }
  if (t.kind === 'list') {
    if (!Array.isArray(v)) fail(v, path, '[]');
    const out: unknown[] = [];
    v.forEach((item, i) => {
      if (item === null) {
        out.push(resolve(t.of) === open ? null : {});
        return;
      }
      const d = decodeValue(item, t.of, `${path}[${i}]`, unknown);
      out.push(d === DROP ? (typeof resolve(t.of) === 'string' ? '' : {}) : d);
    });
    return out.length === 0 ? DROP : out;
  }
  // struct
  if (typeof v !== 'object' || Array.isArray(v) || v === null) fail(v, path, `v1.${t.go}`);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const ft = Object.hasOwn(t.fields, k) ? t.fields[k] : undefined;
    const childPath = path ? `${path}.${k}` : k;
    if (ft === undefined) {
      unknown.push(childPath);
      continue;
    }
    if (val === null) continue;
    const d = decodeValue(val, ft, childPath, unknown);
    if (d !== DROP) out[k] = d;
  }
  return out;
}

/** Decode a whole Pod document (throws DecodeError on a type mismatch). */
export function decodePod(doc: unknown): DecodeResult {
  const unknown: string[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type v1.Pod`);
  }
  const value = decodeValue(doc, POD_TYPE, '', unknown) as Record<string, unknown>;
  return { value, unknown };
}

/** Member types of list fields, for strategic merge (merge key per list path). */
export const SMP_MERGE_KEYS: Record<string, string> = {
  'metadata.ownerReferences': 'uid',
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.ephemeralContainers': 'name',
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'spec.hostAliases': 'ip',
  'spec.schedulingGates': 'name',
  'spec.resourceClaims': 'name',
  'spec.topologySpreadConstraints': 'topologyKey',
  'spec.*.env': 'name',
  'spec.*.ports': 'containerPort',
  'spec.*.volumeMounts': 'mountPath',
  'spec.*.volumeDevices': 'devicePath',
  'status.conditions': 'type',
};
/** Primitive lists with patchStrategy=merge (union). */
export const SMP_MERGE_PRIMITIVE_LISTS = new Set(['metadata.finalizers']);
