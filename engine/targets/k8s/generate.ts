/**
 * Generated Pod PATCH cases (engine/generate): the Kubernetes families, one upstream validation rule each, and the
 * suite's GenerationSpec. Family names, order and `suite` seed the streams: changing them changes every case.
 */

import type { Expectation } from '../../cases/types.ts';
import { brief, erase, type Family, type GenerationSpec, originSource, pointerToken } from '../../generate/family.ts';
import { fc } from '../../generate/fc.ts';
import * as A from './arbitraries.ts';
import { type PodCase, podVariants } from './pods-patch.ts';
import type { PatchType } from './types.ts';

const LABEL_SOURCES = [
  'kubernetes/apimachinery pkg/util/validation/validation.go@v0.34.10#L41 IsQualifiedName',
  'kubernetes/apimachinery pkg/util/validation/validation.go@v0.34.10#L165 IsValidLabelValue',
  'kubernetes/apimachinery pkg/apis/meta/v1/validation/validation.go@v0.34.10#L113 ValidateLabels',
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L234 ValidateObjectMetaAccessorUpdate',
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
  rules: [
    'k8s.meta.labels.mutable',
    'k8s.meta.label-key.name-charset',
    'k8s.meta.label-key.name-ends',
    'k8s.meta.label-key.name-length:accepted',
    'k8s.meta.label-key.prefix-subdomain',
    'k8s.meta.label-key.prefix-length:accepted',
    'k8s.meta.label-value.charset',
    'k8s.meta.label-value.ends',
    'k8s.meta.label-value.length:accepted',
  ],
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
  rules: ['k8s.meta.label-value.charset', 'k8s.meta.label-value.ends', 'k8s.meta.label-value.length:rejected'],
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
  rules: [
    'k8s.meta.label-key.name-charset',
    'k8s.meta.label-key.name-ends',
    'k8s.meta.label-key.name-length:rejected',
    'k8s.meta.label-key.prefix-subdomain',
    'k8s.meta.label-key.prefix-length:rejected',
    'k8s.meta.label-key.prefix-empty',
    'k8s.meta.label-key.slashes',
  ],
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
  rules: ['k8s.spec.updatable.container-image'],
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
    source: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5573 ValidatePodUpdate updatablePodSpecFields', originSource(o, 'image')],
  }),
};

const imageInvalid: Family<ImageInput> = {
  name: 'image-invalid',
  rules: ['k8s.spec.container-image.whitespace'],
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
    source: [
      'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5457 ValidateContainerUpdates (image whitespace)',
      originSource(o, 'image-invalid'),
    ],
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
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5573 ValidatePodUpdate (activeDeadlineSeconds: set from nil or lowered only)';

const deadlineDecrease: Family<DeadlineInput> = {
  name: 'active-deadline-decrease',
  rules: ['k8s.spec.active-deadline.decrease-only', 'k8s.spec.active-deadline.range:accepted'],
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
  rules: ['k8s.spec.active-deadline.decrease-only'],
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
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L4268 ValidateTolerations',
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L4211 validateOnlyAddedTolerations',
];

interface TolerationInput {
  toleration: A.Toleration;
  type: PatchType;
}

const tolerationAdd: Family<TolerationInput> = {
  name: 'toleration-add',
  rules: ['k8s.spec.tolerations.additions-only', 'k8s.spec.tolerations.syntax'],
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

/** The cause ValidateTolerations reports for each broken rule (the appended toleration is the third, index 2). */
const TOLERATION_CAUSE: Record<A.InvalidToleration['breaks'], { field: string; reason: string; messageIncludes?: string }> = {
  effect: { field: 'spec.tolerations[2].effect', reason: 'FieldValueInvalid', messageIncludes: 'NoExecute' },
  key: { field: 'spec.tolerations[2].key', reason: 'FieldValueInvalid' },
  'exists-value': { field: 'spec.tolerations[2].operator', reason: 'FieldValueInvalid', messageIncludes: "value must be empty when `operator` is 'Exists'" },
  'equal-value': { field: 'spec.tolerations[2].operator', reason: 'FieldValueInvalid' },
  operator: { field: 'spec.tolerations[2].operator', reason: 'FieldValueNotSupported' },
  'empty-key': { field: 'spec.tolerations[2].operator', reason: 'FieldValueInvalid', messageIncludes: 'operator must be Exists when `key` is empty' },
};

const tolerationInvalid: Family<InvalidTolerationInput> = {
  name: 'toleration-invalid',
  rules: ['k8s.spec.tolerations.syntax'],
  suite: 'k8s',
  kind: 'forbidden',
  rule: 'appending an invalid toleration (tolerationSeconds without NoExecute, a key that is not a qualified name, a value with Exists, an invalid value with Equal, another operator, Equal without a key) is rejected with 422',
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
        causes: [TOLERATION_CAUSE[bad.breaks]],
      },
    },
    source: [...TOLERATION_SOURCES, originSource(o, 'toleration-invalid')],
  }),
};

const META_SOURCES = [
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L234 ValidateObjectMetaAccessorUpdate',
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L44 ValidateAnnotations (IsQualifiedName of the lower-cased key, TotalAnnotationSizeLimitB)',
];

function annotationPatch(type: PatchType, key: string, value: string): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'add', path: `/metadata/annotations/${pointerToken(key)}`, value }] };
  return { [type]: { metadata: { annotations: { [key]: value } } } };
}

const annotation: Family<LabelInput> = {
  name: 'annotation',
  suite: 'k8s',
  kind: 'allowed',
  rules: ['k8s.meta.annotations.mutable', 'k8s.meta.annotation-key.qualified-name', 'k8s.meta.annotations.total-size:accepted'],
  rule: 'an annotation with a qualified key (any letter case) and a value that keeps the total under 256 KiB is accepted and stored',
  arbitrary: () => fc.record({ key: A.validAnnotationKey(), value: A.validAnnotationValue(), type: labelTypes() }),
  build: ({ key, value, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: annotation ${brief(key)}=${brief(value, 30)} (${value.length} bytes) by ${type} is accepted`,
    kind: 'allowed',
    fields: ['metadata.annotations'],
    tags: ['upstream', 'positive', 'effect'],
    request: { patch: annotationPatch(type, key, value) },
    expect: { status: 200, effect: [{ pointer: `/metadata/annotations/${pointerToken(key)}`, value }] },
    source: [...META_SOURCES, originSource(o, 'annotation')],
  }),
};

const annotationKeyInvalid: Family<LabelInput> = {
  name: 'annotation-key-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rules: ['k8s.meta.annotation-key.qualified-name'],
  rule: 'an annotation key that is not a qualified name, even lower-cased, is rejected with 422 on metadata.annotations',
  arbitrary: () => fc.record({ key: A.invalidAnnotationKey(), value: A.validLabelValue(), type: labelTypes() }),
  build: ({ key, value, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: annotation key ${brief(key)} by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.annotations'],
    tags: ['upstream', 'negative', 'syntax'],
    request: { patch: annotationPatch(type, key, value) },
    expect: { status: 422, error: { reason: 'Invalid', causes: [{ field: 'metadata.annotations', reason: 'FieldValueInvalid' }] } },
    source: [...META_SOURCES, originSource(o, 'annotation-key-invalid')],
  }),
};

interface SizeInput {
  key: string;
  bytes: number;
  type: PatchType;
}

const annotationsTooLarge: Family<SizeInput> = {
  name: 'annotations-too-large',
  suite: 'k8s',
  kind: 'forbidden',
  rules: ['k8s.meta.annotations.total-size:rejected'],
  rule: 'annotations over 256 KiB in all (here one value alone) are rejected with 422 FieldValueTooLong on metadata.annotations',
  arbitrary: () =>
    fc.record({ key: A.validAnnotationKey(), bytes: fc.integer({ min: A.ANNOTATIONS_LIMIT + 1, max: A.ANNOTATIONS_LIMIT + 40_000 }), type: labelTypes() }),
  build: ({ key, bytes, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: annotation ${brief(key)} with a ${bytes}-byte value by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.annotations'],
    tags: ['upstream', 'negative', 'limits'],
    request: { patch: annotationPatch(type, key, 'y'.repeat(bytes)) },
    expect: { status: 422, error: { reason: 'Invalid', causes: [{ field: 'metadata.annotations', reason: 'FieldValueTooLong' }] } },
    source: [...META_SOURCES, originSource(o, 'annotations-too-large')],
  }),
};

const FINALIZER_SOURCES = [
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L405 ValidateObjectMetaUpdate + validateKubeFinalizerName (at metadata.finalizers[i])',
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L197 ValidateFinalizers + ValidateFinalizerName (IsQualifiedName, at metadata.finalizers)',
  'kubernetes/kubernetes pkg/apis/core/helper/helpers.go@v1.34.10#L348 IsStandardFinalizerName (kubernetes, orphan, foregroundDeletion)',
];

interface FinalizerInput {
  name: string;
  type: PatchType;
}

function finalizerPatch(type: PatchType, name: string): Partial<Record<PatchType, unknown>> {
  if (type === 'json-patch') return { 'json-patch': [{ op: 'add', path: '/metadata/finalizers', value: [name] }] };
  return { [type]: { metadata: { finalizers: [name] } } };
}

// Checked with dryRun=All: a stored finalizer would keep the pod from being deleted until someone removed it.
const finalizer: Family<FinalizerInput> = {
  name: 'finalizer',
  suite: 'k8s',
  kind: 'allowed',
  rules: ['k8s.meta.finalizers.mutable', 'k8s.meta.finalizer.qualified-name', 'k8s.pod.finalizer.fully-qualified'],
  rule: 'adding a finalizer with a prefixed qualified name, or a standard one, is accepted (dryRun=All)',
  arbitrary: () => fc.record({ name: A.validFinalizer(), type: labelTypes() }),
  build: ({ name, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: finalizer ${brief(name)} by ${type} is accepted (dry run)`,
    kind: 'allowed',
    fields: ['metadata.finalizers'],
    tags: ['upstream', 'positive', 'dry-run'],
    request: { query: { dryRun: 'All' }, patch: finalizerPatch(type, name) },
    expect: { status: 200, persisted: false, effect: [{ pointer: '/metadata/finalizers', value: [name] }] },
    source: [...FINALIZER_SOURCES, originSource(o, 'finalizer')],
  }),
};

interface InvalidFinalizerInput {
  bad: A.InvalidFinalizer;
  type: PatchType;
}

const finalizerInvalid: Family<InvalidFinalizerInput> = {
  name: 'finalizer-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rules: ['k8s.meta.finalizer.qualified-name', 'k8s.pod.finalizer.fully-qualified'],
  rule: 'a finalizer that is not a qualified name, or unprefixed and not a standard one, is rejected with 422 on metadata.finalizers[0]',
  arbitrary: () => fc.record({ bad: A.invalidFinalizer(), type: labelTypes() }),
  build: ({ bad, type }, o): PodCase => ({
    id: o.id,
    title: `Generated: finalizer ${brief(bad.name)} (${bad.breaks}) by ${type} is rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.finalizers'],
    tags: ['upstream', 'negative', 'syntax'],
    request: { patch: finalizerPatch(type, bad.name) },
    expect: {
      status: 422,
      error: {
        reason: 'Invalid',
        causes: [
          bad.breaks === 'unqualified'
            ? { field: 'metadata.finalizers[0]', reason: 'FieldValueInvalid', messageIncludes: 'neither a standard finalizer name nor is it fully qualified' }
            : // IsQualifiedName's message comes from apimachinery's ValidateFinalizers, at the list (no index).
              { field: 'metadata.finalizers', reason: 'FieldValueInvalid' },
        ],
      },
    },
    source: [...FINALIZER_SOURCES, originSource(o, 'finalizer-invalid')],
  }),
};

const OWNER_SOURCES = [
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L69 validateOwnerReference (apiVersion with a version, kind, name, uid; not a banned owner)',
  'kubernetes/apimachinery pkg/api/validation/objectmeta.go@v0.34.10#L91 ValidateOwnerReferences (at most one controller)',
];

interface OwnerInput {
  ref: A.OwnerReference;
}

// Checked with dryRun=All: on a cluster with a garbage collector, a stored reference to an owner that does not
// exist would get the pod deleted under the run.
const ownerReference: Family<OwnerInput> = {
  name: 'owner-reference',
  suite: 'k8s',
  kind: 'allowed',
  rules: [
    'k8s.meta.owner-refs.mutable',
    'k8s.meta.owner-ref.api-version',
    'k8s.meta.owner-ref.kind',
    'k8s.meta.owner-ref.name',
    'k8s.meta.owner-ref.uid',
    'k8s.meta.owner-ref.banned-kind',
    'k8s.meta.owner-refs.one-controller',
  ],
  rule: 'a complete owner reference (apiVersion, kind, name, uid) is accepted (dryRun=All)',
  arbitrary: () => fc.record({ ref: A.validOwnerReference() }),
  build: ({ ref }, o): PodCase => ({
    id: o.id,
    title: `Generated: owner reference ${brief(ref)} is accepted (dry run)`,
    kind: 'allowed',
    fields: ['metadata.ownerReferences'],
    tags: ['upstream', 'positive', 'dry-run'],
    request: { query: { dryRun: 'All' }, patch: { 'merge-patch': { metadata: { ownerReferences: [ref] } } } },
    expect: { status: 200, persisted: false, effect: [{ pointer: '/metadata/ownerReferences/0', value: ref }] },
    source: [...OWNER_SOURCES, originSource(o, 'owner-reference')],
  }),
};

interface InvalidOwnerInput {
  bad: A.InvalidOwnerReferences;
}

const OWNER_MESSAGE = { apiVersion: 'version must not be empty', kind: 'must not be empty', name: 'must not be empty' } as const;

const ownerReferencesInvalid: Family<InvalidOwnerInput> = {
  name: 'owner-references-invalid',
  suite: 'k8s',
  kind: 'forbidden',
  rules: ['k8s.meta.owner-ref.api-version', 'k8s.meta.owner-ref.kind', 'k8s.meta.owner-ref.name', 'k8s.meta.owner-refs.one-controller'],
  rule: 'an owner reference without apiVersion, kind or name, or two controller references, is rejected with 422',
  arbitrary: () => fc.record({ bad: A.invalidOwnerReferences() }),
  build: ({ bad }, o): PodCase => ({
    id: o.id,
    title: `Generated: owner references ${brief(bad.refs)} (${bad.breaks}) are rejected with 422`,
    kind: 'forbidden',
    fields: ['metadata.ownerReferences'],
    tags: ['upstream', 'negative', 'syntax'],
    request: { patch: { 'merge-patch': { metadata: { ownerReferences: bad.refs } } } },
    expect: {
      status: 422,
      error: {
        reason: 'Invalid',
        causes: [
          bad.breaks === 'controller'
            ? { field: 'metadata.ownerReferences', reason: 'FieldValueInvalid', messageIncludes: 'Only one reference can have Controller set to true' }
            : { field: `metadata.ownerReferences.${bad.breaks}`, reason: 'FieldValueInvalid', messageIncludes: OWNER_MESSAGE[bad.breaks] },
        ],
      },
    },
    // 1.37 reports a missing field as FieldValueRequired at the indexed path (as owner-reference-no-uid says).
    ...(bad.breaks === 'controller'
      ? {}
      : {
          expectBy: [
            {
              upstream: { min: '1.37' },
              because:
                'FieldValueRequired at metadata.ownerReferences[0].<field> (apimachinery v0.37: validateOwnerReference with the list index, field.Required)',
              expect: { error: { reason: 'Invalid', causes: [{ field: `metadata.ownerReferences[0].${bad.breaks}`, reason: 'FieldValueRequired' }] } },
            },
          ],
        }),
    source: [...OWNER_SOURCES, originSource(o, 'owner-references-invalid')],
  }),
};

export const k8sGeneration: GenerationSpec = {
  suite: 'k8s',
  idPrefix: 'k8s.pods.patch',
  document: 'shared/seeds/000_8121ab430c0c604e.txt',
  families: [
    erase(labelValue),
    erase(labelValueInvalid),
    erase(labelKeyInvalid),
    erase(image),
    erase(imageInvalid),
    erase(deadlineDecrease),
    erase(deadlineIncrease),
    erase(tolerationAdd),
    erase(tolerationInvalid),
    erase(annotation),
    erase(annotationKeyInvalid),
    erase(annotationsTooLarge),
    erase(finalizer),
    erase(finalizerInvalid),
    erase(ownerReference),
    erase(ownerReferencesInvalid),
  ],
  // Every generated case gives a single patch type, so one variant.
  variantsOf: (cases) => podVariants(cases as PodCase[]),
};
