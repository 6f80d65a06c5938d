/**
 * Generated case families: one upstream rule each, allowed (valid values must be accepted, take effect and change
 * nothing else) or forbidden (invalid values must be rejected with the upstream status and error body, leaving the
 * resource untouched). A family maps a generated input to an ordinary ConformanceCase, purely, so fast-check can
 * shrink the input and rebuild the case.
 */
import fc from 'fast-check';
import type { ConformanceCase, Expectation } from '../cases/types.ts';
import type { K8sPatchRequest, K8sSetup, PatchType } from '../targets/k8s/types.ts';
import type { NovaSetup, NovaUpdateRequest } from '../targets/nova/types.ts';
import * as A from './arbitraries.ts';

export type GeneratedSuite = 'k8s' | 'nova';
type PodCase = ConformanceCase<K8sPatchRequest, K8sSetup>;
type ServerCase = ConformanceCase<NovaUpdateRequest, NovaSetup>;

/** Where a generated case comes from: family, seed and index (enough to rebuild it); index -1: a shrunk counterexample. */
export interface GenOrigin {
  id: string;
  seed: number;
  index: number;
}

export interface Family<I = unknown> {
  /** Short name, part of every case id: `k8s.pods.patch.gen-<name>-<n>`. */
  name: string;
  suite: GeneratedSuite;
  kind: 'allowed' | 'forbidden';
  /** One line: what the family asserts. */
  rule: string;
  arbitrary(): fc.Arbitrary<I>;
  build(input: I, origin: GenOrigin): ConformanceCase;
}

const K8S_PREFIX = 'k8s.pods.patch';
const NOVA_PREFIX = 'nova.servers.update';

/** JSON for titles, cut so a title stays one readable line. */
function brief(v: unknown, max = 60): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const originSource = (o: GenOrigin, family: string) =>
  o.index < 0
    ? `engine/generate family ${family}: counterexample found and shrunk by fast-check (seed ${o.seed})`
    : `engine/generate family ${family}, seed ${o.seed}, index ${o.index} (property-based, reproducible)`;

// ------------------------------------------------------------------ Kubernetes

const LABEL_SOURCES = [
  'kubernetes/apimachinery pkg/util/validation/validation.go IsQualifiedName, IsValidLabelValue',
  'kubernetes/apimachinery pkg/apis/meta/v1/validation/validation.go ValidateLabels',
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@eed236ce ValidateObjectMetaAccessorUpdate',
];
const INVALID_LABEL = { status: 422, error: { reason: 'Invalid', causes: [{ field: 'metadata.labels', reason: 'FieldValueInvalid' }] } } satisfies Expectation;

function labelPatch(type: PatchType, key: string, value: string): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'add', path: `/metadata/labels/${pointerToken(key)}`, value }] };
  return { [type]: { metadata: { labels: { [key]: value } } } };
}

interface LabelInput {
  key: string;
  value: string;
  type: PatchType;
}

const labelTypes = () => fc.constantFrom<PatchType>('merge-patch', 'json-patch', 'strategic-merge-patch');

const labelValue: Family<LabelInput> = {
  name: 'label-value',
  suite: 'k8s',
  kind: 'allowed',
  rule: 'a label with a valid key and value is accepted, stored, and changes nothing else',
  arbitrary: () => fc.record({ key: A.validLabelKey(), value: A.validLabelValue(), type: labelTypes() }),
  build: ({ key, value, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: adding label ${brief(key)}=${brief(value)} by ${type} is accepted and changes only that label`,
    kind: 'allowed',
    fields: ['metadata.labels'],
    tags: ['upstream', 'positive', 'effect'],
    request: { patch: labelPatch(type, key, value) },
    expect: {
      status: 200,
      effect: [
        { pointer: `/metadata/labels/${pointerToken(key)}`, value },
        { pointer: '/metadata/labels/app', value: 'update-conformance' },
      ],
    },
    source: [...LABEL_SOURCES, originSource(o, 'label-value')],
  }),
};

const labelValueInvalid: Family<LabelInput> = {
  name: 'label-value-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'a label value that is not empty or a qualified name part (≤ 63 characters) is rejected with 422 on metadata.labels',
  arbitrary: () => fc.record({ key: A.validLabelKey(), value: A.invalidLabelValue(), type: labelTypes() }),
  build: ({ key, value, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: label value ${brief(value)} (key ${brief(key, 30)}) by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.labels'],
    tags: ['upstream', 'negative', 'field-validation'],
    request: { patch: labelPatch(type, key, value) },
    expect: INVALID_LABEL,
    source: [...LABEL_SOURCES, originSource(o, 'label-value-invalid')],
  }),
};

const labelKeyInvalid: Family<LabelInput> = {
  name: 'label-key-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'a label key that is not a qualified name (optional DNS-1123 subdomain prefix) is rejected with 422 on metadata.labels',
  arbitrary: () => fc.record({ key: A.invalidLabelKey(), value: A.validLabelValue(), type: labelTypes() }),
  build: ({ key, value, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: label key ${brief(key)} by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.labels'],
    tags: ['upstream', 'negative', 'field-validation'],
    request: { patch: labelPatch(type, key, value) },
    expect: INVALID_LABEL,
    source: [...LABEL_SOURCES, originSource(o, 'label-key-invalid')],
  }),
};

function imagePatch(type: PatchType, image: string): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'replace', path: '/spec/containers/0/image', value: image }] };
  return { [type]: { spec: { containers: [{ name: 'c', image }] } } };
}

interface ImageInput {
  image: string;
  type: PatchType;
}

const image: Family<ImageInput> = {
  name: 'image',
  suite: 'k8s',
  kind: 'allowed',
  rule: 'replacing the container image with any well-formed reference is accepted and changes only the image',
  arbitrary: () => fc.record({ image: A.validImage(), type: labelTypes() }),
  build: ({ image: img, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: container image ${brief(img)} by ${type} is accepted and changes only the image`,
    kind: 'allowed',
    fields: ['spec.containers[*].image'],
    tags: ['upstream', 'positive', 'effect'],
    request: { patch: imagePatch(type, img) },
    expect: { status: 200, effect: [{ pointer: '/spec/containers/0/image', value: img }] },
    source: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go@000f2605 ValidatePodUpdate updatablePodSpecFields', originSource(o, 'image')],
  }),
};

const imageInvalid: Family<ImageInput> = {
  name: 'image-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'a container image with leading or trailing whitespace is rejected with 422 on spec.containers[0].image',
  arbitrary: () => fc.record({ image: A.whitespaceImage(), type: fc.constantFrom<PatchType>('json-patch', 'strategic-merge-patch') }),
  build: ({ image: img, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: container image ${brief(img)} by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['spec.containers[*].image'],
    tags: ['upstream', 'negative', 'syntax'],
    request: { patch: imagePatch(type, img) },
    expect: {
      status: 422,
      error: { reason: 'Invalid', causes: [{ field: 'spec.containers[0].image', messageIncludes: 'leading or trailing whitespace' }] },
    },
    source: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go@000f2605 validateContainers (image whitespace)', originSource(o, 'image-invalid')],
  }),
};

function deadlinePatch(type: PatchType, value: number): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'replace', path: '/spec/activeDeadlineSeconds', value }] };
  return { [type]: { spec: { activeDeadlineSeconds: value } } };
}

interface DeadlineInput {
  values: [number, number];
  type: PatchType;
}

const DEADLINE_SOURCE =
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@000f2605 ValidatePodUpdate (activeDeadlineSeconds: set from nil or lowered only)';

const deadlineDecrease: Family<DeadlineInput> = {
  name: 'active-deadline-decrease',
  suite: 'k8s',
  kind: 'allowed',
  rule: 'lowering (or keeping) a set activeDeadlineSeconds is accepted',
  arbitrary: () => fc.record({ values: A.deadlineDecrease(), type: labelTypes() }),
  build: ({ values: [from, to], type }, o): PodCase => ({
    id: o.id,
    title: `Generated: activeDeadlineSeconds ${from} → ${to} by ${type} is accepted`,
    kind: 'allowed',
    fields: ['spec.activeDeadlineSeconds'],
    tags: ['upstream', 'positive', 'effect'],
    setup: { mergePatches: [{ spec: { activeDeadlineSeconds: from } }] },
    request: { patch: deadlinePatch(type, to) },
    expect: { status: 200, effect: [{ pointer: '/spec/activeDeadlineSeconds', value: to }] },
    source: [DEADLINE_SOURCE, originSource(o, 'active-deadline-decrease')],
  }),
};

const deadlineIncrease: Family<DeadlineInput> = {
  name: 'active-deadline-increase',
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'raising a set activeDeadlineSeconds is rejected with 422 on spec.activeDeadlineSeconds',
  arbitrary: () => fc.record({ values: A.deadlineIncrease(), type: labelTypes() }),
  build: ({ values: [from, to], type }, o): PodCase => ({
    id: o.id,
    title: `Generated: activeDeadlineSeconds ${from} → ${to} by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['spec.activeDeadlineSeconds'],
    tags: ['upstream', 'negative', 'immutability'],
    setup: { mergePatches: [{ spec: { activeDeadlineSeconds: from } }] },
    request: { patch: deadlinePatch(type, to) },
    expect: {
      status: 422,
      error: {
        reason: 'Invalid',
        causes: [{ field: 'spec.activeDeadlineSeconds', reason: 'FieldValueInvalid', messageIncludes: 'must be less than or equal to previous value' }],
      },
    },
    source: [DEADLINE_SOURCE, originSource(o, 'active-deadline-increase')],
  }),
};

/** The template's two DefaultTolerationSeconds tolerations (fixtures/k8s/pod-template.yaml). */
const TEMPLATE_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function tolerationPatch(type: PatchType, t: A.Toleration): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'add', path: '/spec/tolerations/-', value: t }] };
  return { [type]: { spec: { tolerations: [...TEMPLATE_TOLERATIONS, t] } } };
}

const TOLERATION_SOURCES = [
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@000f2605 ValidateTolerations',
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@000f2605 validateOnlyAddedTolerations',
];

interface TolerationInput {
  toleration: A.Toleration;
  type: PatchType;
}

const tolerationAdd: Family<TolerationInput> = {
  name: 'toleration-add',
  suite: 'k8s',
  kind: 'allowed',
  rule: 'appending a valid toleration is accepted and keeps the existing ones',
  arbitrary: () => fc.record({ toleration: A.validToleration(), type: labelTypes() }),
  build: ({ toleration, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: appending toleration ${brief(toleration)} by ${type} is accepted`,
    kind: 'allowed',
    fields: ['spec.tolerations'],
    tags: ['upstream', 'positive', 'effect'],
    request: { patch: tolerationPatch(type, toleration) },
    expect: {
      status: 200,
      effect: [
        { pointer: '/spec/tolerations/2', value: toleration },
        { pointer: '/spec/tolerations/0', value: TEMPLATE_TOLERATIONS[0] },
        { pointer: '/spec/tolerations/1', value: TEMPLATE_TOLERATIONS[1] },
      ],
    },
    source: [...TOLERATION_SOURCES, originSource(o, 'toleration-add')],
  }),
};

interface InvalidTolerationInput {
  bad: A.InvalidToleration;
  type: PatchType;
}

const tolerationInvalid: Family<InvalidTolerationInput> = {
  name: 'toleration-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'appending an invalid toleration (tolerationSeconds without NoExecute, a key that is not a qualified name) is rejected with 422',
  arbitrary: () => fc.record({ bad: A.invalidToleration(), type: fc.constantFrom<PatchType>('json-patch', 'merge-patch') }),
  build: ({ bad, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: appending toleration ${brief(bad.toleration)} by ${type} is rejected with 422 on its ${bad.breaks}`,
    kind: 'forbidden',
    fields: ['spec.tolerations'],
    tags: ['upstream', 'negative', 'syntax'],
    request: { patch: tolerationPatch(type, bad.toleration) },
    expect: {
      status: 422,
      error: {
        reason: 'Invalid',
        causes: [
          bad.breaks === 'effect'
            ? { field: 'spec.tolerations[2].effect', reason: 'FieldValueInvalid', messageIncludes: 'NoExecute' }
            : { field: 'spec.tolerations[2].key', reason: 'FieldValueInvalid' },
        ],
      },
    },
    source: [...TOLERATION_SOURCES, originSource(o, 'toleration-invalid')],
  }),
};

// ------------------------------------------------------------------ Nova

/** Microversions a generated Nova case is pinned to (one variant each): the boundaries and Zed's max. */
const ALL_MV = ['2.1', '2.18', '2.19', '2.74', '2.75', '2.89', '2.90', '2.93'];
const DESCRIPTION_MV = ALL_MV.filter((v) => Number(v.split('.')[1]) >= 19);
const HOSTNAME_MV = ['2.90', '2.93'];

interface NovaInput<V> {
  value: V;
  mv: string;
}

const novaInput = <V>(value: fc.Arbitrary<V>, mvs: string[]) => fc.record({ value, mv: fc.constantFrom(...mvs) });

const NAME_SOURCE = 'nova 26.2.2 nova/api/validation/parameter_types.py name (valid_name_regex, minLength 1, maxLength 255)';
const IP_SOURCE = 'nova 26.2.2 parameter_types.py accessIPv4/accessIPv6 (type string, format ipv4/ipv6; jsonschema formats use ipaddress)';
const HOST_SOURCE = 'nova 26.2.2 parameter_types.py hostname (minLength 2, maxLength 63, ^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$)';
const DESC_SOURCE = 'nova 26.2.2 parameter_types.py description (maxLength 255, printable pattern)';

function novaAllowed(
  o: GenOrigin,
  family: string,
  field: string,
  pointer: string,
  sent: unknown,
  shown: unknown,
  mv: string,
  source: string[],
  setup?: Record<string, unknown>,
): ServerCase {
  const gated = field === 'description' || field === 'hostname';
  return {
    id: o.id,
    title: `Generated: ${field} ${brief(sent)} at ${mv} is accepted and persisted`,
    kind: 'allowed',
    fields: [field],
    tags: ['upstream', 'positive', 'effect', ...(gated ? (['version-specific'] as const) : [])],
    versions: { min: mv, max: mv },
    ...(setup ? { setup: { server: setup } } : {}),
    request: { body: { server: { [field]: sent } } },
    expect: { status: 200, effect: [{ pointer, value: shown }] },
    source: [...source, originSource(o, family)],
  };
}

function novaForbidden(o: GenOrigin, family: string, field: string, sent: unknown, mv: string, source: string[]): ServerCase {
  const gated = field === 'description' || field === 'hostname';
  return {
    id: o.id,
    title: `Generated: ${field} ${brief(sent)} at ${mv} is rejected with 400`,
    kind: 'forbidden',
    fields: [field],
    tags: ['upstream', 'negative', 'field-validation', ...(gated ? (['version-specific'] as const) : [])],
    versions: { min: mv, max: mv },
    request: { body: { server: { [field]: sent } } },
    expect: { status: 400, error: { fault: 'badRequest', messageIncludes: [field] } },
    source: [...source, originSource(o, family)],
  };
}

const name: Family<NovaInput<string>> = {
  name: 'name',
  suite: 'nova',
  kind: 'allowed',
  rule: 'a printable name of 1–255 characters without whitespace at either end is accepted and stored verbatim',
  arbitrary: () => novaInput(A.validServerName(), ALL_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'name', 'name', '/server/name', value, value, mv, [NAME_SOURCE], { name: 'uc-gen-before' }),
};

const nameInvalid: Family<NovaInput<string>> = {
  name: 'name-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an empty, over-long, whitespace-edged, control- or non-BMP-character name is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidServerName(), ALL_MV),
  build: ({ value, mv }, o) =>
    novaForbidden(o, 'name-invalid', 'name', value, mv, [NAME_SOURCE, 'nova 26.2.2 nova/api/validation/validators.py _validate_name']),
};

const ipv4: Family<NovaInput<string>> = {
  name: 'ipv4',
  suite: 'nova',
  kind: 'allowed',
  rule: 'a dotted-quad accessIPv4 is accepted and stored',
  arbitrary: () => novaInput(A.validIPv4(), ALL_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'ipv4', 'accessIPv4', '/server/accessIPv4', value, value, mv, [IP_SOURCE]),
};

const ipv4Invalid: Family<NovaInput<string>> = {
  name: 'ipv4-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an accessIPv4 that is not a dotted-quad address is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidIPv4(), ALL_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'ipv4-invalid', 'accessIPv4', value, mv, [IP_SOURCE]),
};

const ipv6: Family<NovaInput<A.IPv6Sample>> = {
  name: 'ipv6',
  suite: 'nova',
  kind: 'allowed',
  rule: 'an IPv6 accessIPv6 in any written form is accepted and shown in the compressed canonical form',
  arbitrary: () => novaInput(A.validIPv6(), ALL_MV),
  build: ({ value, mv }, o) =>
    novaAllowed(o, 'ipv6', 'accessIPv6', '/server/accessIPv6', value.written, value.canonical, mv, [
      IP_SOURCE,
      'nova objects/instance.py access_ip_v6 IPV6AddressField (netaddr) and views/servers.py show() str(ip_v6)',
    ]),
};

const ipv6Invalid: Family<NovaInput<string>> = {
  name: 'ipv6-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rule: 'an accessIPv6 that is not an IPv6 address (or carries a zone id) is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidIPv6(), ALL_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'ipv6-invalid', 'accessIPv6', value, mv, [IP_SOURCE]),
};

const hostname: Family<NovaInput<string>> = {
  name: 'hostname',
  suite: 'nova',
  kind: 'allowed',
  rule: 'from 2.90 (to 2.93) a hostname of 2–63 letters, digits and inner dashes is accepted and shown as OS-EXT-SRV-ATTR:hostname',
  arbitrary: () => novaInput(A.validHostname(), HOSTNAME_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'hostname', 'hostname', '/server/OS-EXT-SRV-ATTR:hostname', value, value, mv, [HOST_SOURCE]),
};

const hostnameInvalid: Family<NovaInput<string>> = {
  name: 'hostname-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rule: 'at 2.90–2.93 a hostname outside the pattern or 2–63 characters is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidHostname(), HOSTNAME_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'hostname-invalid', 'hostname', value, mv, [HOST_SOURCE]),
};

const description: Family<NovaInput<string>> = {
  name: 'description',
  suite: 'nova',
  kind: 'allowed',
  rule: 'from 2.19 a printable description of at most 255 characters is accepted and stored verbatim',
  arbitrary: () => novaInput(A.validDescription(), DESCRIPTION_MV),
  build: ({ value, mv }, o) => novaAllowed(o, 'description', 'description', '/server/description', value, value, mv, [DESC_SOURCE]),
};

const descriptionInvalid: Family<NovaInput<string>> = {
  name: 'description-invalid',
  suite: 'nova',
  kind: 'forbidden',
  rule: 'from 2.19 an over-long, control- or non-BMP-character description is rejected with 400 badRequest',
  arbitrary: () => novaInput(A.invalidDescription(), DESCRIPTION_MV),
  build: ({ value, mv }, o) => novaForbidden(o, 'description-invalid', 'description', value, mv, [DESC_SOURCE]),
};

// Each family is generic in its input; the registry erases that (build only ever gets its own arbitrary's values).
const erase = <I>(f: Family<I>): Family => f as unknown as Family;

/** Every family, by suite, in a fixed order (the order mixed generation cycles through). */
export const FAMILIES: Readonly<Record<GeneratedSuite, readonly Family[]>> = {
  k8s: [
    erase(labelValue),
    erase(labelValueInvalid),
    erase(labelKeyInvalid),
    erase(image),
    erase(imageInvalid),
    erase(deadlineDecrease),
    erase(deadlineIncrease),
    erase(tolerationAdd),
    erase(tolerationInvalid),
  ],
  nova: [
    erase(name),
    erase(nameInvalid),
    erase(ipv4),
    erase(ipv4Invalid),
    erase(ipv6),
    erase(ipv6Invalid),
    erase(hostname),
    erase(hostnameInvalid),
    erase(description),
    erase(descriptionInvalid),
  ],
};

export const ID_PREFIX: Record<GeneratedSuite, string> = { k8s: K8S_PREFIX, nova: NOVA_PREFIX };

export function familyByName(name: string): Family {
  const f = [...FAMILIES.k8s, ...FAMILIES.nova].find((x) => x.name === name || `${x.suite}.${x.name}` === name);
  if (!f)
    throw new Error(`unknown generated family "${name}": use one of ${[...FAMILIES.k8s, ...FAMILIES.nova].map((x) => `${x.suite}.${x.name}`).join(', ')}`);
  return f;
}
