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
    source: ['kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L5573 ValidatePodUpdate updatablePodSpecFields', originSource(o, 'image')],
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
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L4268 ValidateTolerations',
  'kubernetes/kubernetes pkg/apis/core/validation/validation.go@v1.34.10#L4211 validateOnlyAddedTolerations',
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
  ],
  // Every generated case gives a single patch type, so one variant.
  variantsOf: (cases) => podVariants(cases as PodCase[]),
};
