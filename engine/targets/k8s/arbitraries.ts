/**
 * fast-check arbitraries for the Kubernetes value rules the generated Pod cases exercise (apimachinery
 * util/validation, core validation). Each valid/invalid pair follows one upstream rule, cited by the family that
 * uses it (./generate.ts).
 */

import { ALNUM, charOf, DIGITS, edged, LOWER_ALNUM, range, strOf, UPPER } from '../../generate/arbitraries.ts';
import { type Arbitrary, fc } from '../../generate/fc.ts';

const QN_MIDDLE = [...ALNUM, '-', '_', '.'];

/** The name part of a qualified name: `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters. */
export const qualifiedNamePart = (): Arbitrary<string> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 0, 20), charOf(ALNUM)) },
    { weight: 1, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 40, 61), charOf(ALNUM)) },
  );

const dnsLabel = (max: number) => edged(charOf(LOWER_ALNUM), strOf([...LOWER_ALNUM, '-'], 0, max), charOf(LOWER_ALNUM));

/** A DNS-1123 subdomain (prefix of a qualified name): mostly short, sometimes close to the 253-character limit. */
export const dnsSubdomain = (): Arbitrary<string> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 6, arbitrary: fc.array(dnsLabel(12), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')) },
    {
      weight: 1,
      arbitrary: fc.array(dnsLabel(61), { minLength: 4, maxLength: 5 }).map((labels) =>
        labels
          .join('.')
          .slice(0, 253)
          .replace(/[-.]+$/, ''),
      ),
    },
  );

/*
 * The rules themselves (apimachinery pkg/util/validation/validation.go IsQualifiedName, IsDNS1123Subdomain,
 * IsValidLabelValue), so every arbitrary below is filtered to the side of the rule it claims.
 */
const NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isQualifiedName(v: string): boolean {
  const parts = v.split('/');
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? (parts[1] as string) : v;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_PART_RE.test(name);
}

export const isValidLabelValue = (v: string): boolean => v === '' || (v.length <= 63 && NAME_PART_RE.test(v));

/** Keys the generated cases never touch: the template's label, the run label, reserved prefixes. */
function usableKey(key: string): boolean {
  return key !== 'app' && !/^(update-conformance|kubernetes\.io|k8s\.io)\//.test(key) && !/\.(kubernetes|k8s)\.io\//.test(key);
}

/** A valid label key: an optional DNS-subdomain prefix and `/`, then a qualified name part. */
export const validLabelKey = (): Arbitrary<string> =>
  fc
    .tuple(fc.option(dnsSubdomain(), { nil: undefined }), qualifiedNamePart())
    .map(([p, n]) => (p === undefined ? n : `${p}/${n}`))
    .filter((k) => usableKey(k) && isQualifiedName(k));

/** A valid label value: empty or a qualified name part (at most 63 characters). */
export const validLabelValue = (): Arbitrary<string> =>
  fc.oneof({ withCrossShrink: true }, { weight: 1, arbitrary: fc.constant('') }, { weight: 9, arbitrary: qualifiedNamePart() }).filter(isValidLabelValue);

/** Characters outside `[-A-Za-z0-9_.]` (no `$`: strategic-merge-patch directives start with it). */
const QN_BAD = [' ', '/', ':', '@', '!', '#', '%', '&', '*', '+', '=', ',', ';', '?', '~', '"', "'", '(', ')', 'é', '中'];
const QN_EDGE_BAD = ['-', '_', '.'];

/** Strings that are not a qualified name part: a bad character, a bad first/last character, or too long. */
const invalidNamePart = (): Arbitrary<string> =>
  fc.oneof(
    fc.tuple(strOf(ALNUM, 0, 8), charOf(QN_BAD.filter((c) => c !== '/')), strOf(ALNUM, 0, 8)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.tuple(charOf(QN_EDGE_BAD), strOf(ALNUM, 0, 10)).map(([e, s]) => `${e}${s}`),
    fc.tuple(strOf(ALNUM, 1, 10), charOf(QN_EDGE_BAD)).map(([s, e]) => `${s}${e}`),
    strOf(ALNUM, 64, 80),
  );

/** A label value that breaks IsValidLabelValue: a bad character, a bad first/last character, or more than 63 characters. */
export const invalidLabelValue = (): Arbitrary<string> =>
  fc
    .oneof(
      fc.tuple(strOf(ALNUM, 0, 8), charOf(QN_BAD), strOf(ALNUM, 0, 8)).map(([a, b, c]) => `${a}${b}${c}`),
      fc.tuple(charOf(QN_EDGE_BAD), strOf(ALNUM, 0, 10)).map(([e, s]) => `${e}${s}`),
      fc.tuple(strOf(ALNUM, 1, 10), charOf(QN_EDGE_BAD)).map(([s, e]) => `${s}${e}`),
      strOf(ALNUM, 64, 80),
    )
    .filter((v) => !isValidLabelValue(v));

/** A label key that breaks IsQualifiedName: a bad name part, an invalid or empty prefix, or more than one `/`. */
export const invalidLabelKey = (): Arbitrary<string> =>
  fc
    .oneof(
      invalidNamePart(),
      fc.tuple(dnsSubdomain(), invalidNamePart()).map(([p, n]) => `${p}/${n}`),
      fc.tuple(strOf(UPPER, 1, 4), dnsSubdomain(), qualifiedNamePart()).map(([u, p, n]) => `${u}${p}/${n}`),
      qualifiedNamePart().map((n) => `/${n}`),
      fc.tuple(dnsSubdomain(), qualifiedNamePart(), qualifiedNamePart()).map(([p, a, b]) => `${p}/${a}/${b}`),
      // A prefix over 253 characters, a name part over 63.
      fc.tuple(fc.array(dnsLabel(61), { minLength: 5, maxLength: 6 }), qualifiedNamePart()).map(([l, n]) => `${l.join('.')}/${n}`),
      fc.tuple(fc.option(dnsSubdomain(), { nil: undefined }), strOf(ALNUM, 64, 90)).map(([p, n]) => (p === undefined ? n : `${p}/${n}`)),
    )
    .filter((k) => !isQualifiedName(k));

/** An annotation key that breaks IsQualifiedName even lower-cased (ValidateAnnotations lower-cases keys first). */
export const invalidAnnotationKey = (): Arbitrary<string> => invalidLabelKey().filter((k) => !isQualifiedName(k.toLowerCase()));

/** A valid annotation key: a valid label key, any letter case (ValidateAnnotations lower-cases before checking). */
export const validAnnotationKey = (): Arbitrary<string> =>
  fc
    .tuple(validLabelKey(), fc.boolean())
    .map(([k, upper]) => (upper ? k.toUpperCase() : k))
    .filter((k) => isQualifiedName(k.toLowerCase()) && usableKey(k.toLowerCase()));

/** TotalAnnotationSizeLimitB: the keys and values of all annotations together, in bytes. */
export const ANNOTATIONS_LIMIT = 256 * 1024;
/** Room left for the annotations a target already keeps on a pod (the template's seed, anything admission adds). */
export const ANNOTATIONS_MARGIN = 4096;

/** An annotation value: short printable text, or large, up to the limit less the margin (ASCII, one byte each). */
export const validAnnotationValue = (): Arbitrary<string> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.string({ maxLength: 200, unit: 'grapheme-ascii' }) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: ANNOTATIONS_LIMIT - ANNOTATIONS_MARGIN }).map((n) => 'x'.repeat(n)) },
  );

/** A single annotation value that alone exceeds the limit (whatever else the pod holds). */
export const oversizedAnnotationValue = (): Arbitrary<string> =>
  fc.integer({ min: ANNOTATIONS_LIMIT + 1, max: ANNOTATIONS_LIMIT + 40_000 }).map((n) => 'y'.repeat(n));

/** Standard finalizer names upstream accepts without a prefix (core helper IsStandardFinalizerName), less `kubernetes`. */
export const STANDARD_FINALIZERS = ['orphan', 'foregroundDeletion'] as const;
const ALL_STANDARD_FINALIZERS = [...STANDARD_FINALIZERS, 'kubernetes'];

/** A finalizer name validateKubeFinalizerName accepts: a prefixed qualified name, or a standard one. */
export const validFinalizer = (): Arbitrary<string> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(dnsSubdomain(), qualifiedNamePart())
        .map(([p, n]) => `${p}/${n}`)
        .filter((k) => isQualifiedName(k) && usableKey(k)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...STANDARD_FINALIZERS) },
  );

/** Which finalizer rule a name breaks: not a qualified name, or qualified but unprefixed and not standard. */
export interface InvalidFinalizer {
  name: string;
  breaks: 'qualified-name' | 'unqualified';
}

export const invalidFinalizer = (): Arbitrary<InvalidFinalizer> =>
  fc.oneof(
    invalidLabelKey().map((name): InvalidFinalizer => ({ name, breaks: 'qualified-name' })),
    qualifiedNamePart()
      .filter((n) => !ALL_STANDARD_FINALIZERS.includes(n))
      .map((name): InvalidFinalizer => ({ name, breaks: 'unqualified' })),
  );

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** A complete owner reference (apiVersion with a version, kind, name, uid), never of a banned owner kind (Event). */
export const validOwnerReference = (): Arbitrary<OwnerReference> =>
  fc
    .record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'example.com/v1alpha1'),
      kind: fc
        .tuple(charOf(UPPER), strOf(ALNUM, 0, 15))
        .map(([a, b]) => `${a}${b}`)
        .filter((k) => k !== 'Event'),
      name: dnsLabel(20),
      uid: fc.uuid(),
      controller: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map((r) => (r.controller === undefined ? { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid } : r));

/** Owner references validateOwnerReferences rejects: one lacks apiVersion, kind or name, or two claim to be the controller. */
export interface InvalidOwnerReferences {
  refs: Partial<OwnerReference>[];
  breaks: 'apiVersion' | 'kind' | 'name' | 'controller';
}

export const invalidOwnerReferences = (): Arbitrary<InvalidOwnerReferences> =>
  fc.oneof(
    fc.tuple(validOwnerReference(), fc.constantFrom('apiVersion' as const, 'kind' as const, 'name' as const)).map(([r, drop]): InvalidOwnerReferences => {
      const { [drop]: _dropped, ...rest } = r;
      return { refs: [rest], breaks: drop };
    }),
    fc
      .tuple(validOwnerReference(), validOwnerReference())
      .filter(([a, b]) => a.uid !== b.uid)
      .map(
        ([a, b]): InvalidOwnerReferences => ({
          refs: [
            { ...a, controller: true },
            { ...b, controller: true },
          ],
          breaks: 'controller',
        }),
      ),
  );

/** A container image reference with an explicit tag other than `latest` or a digest (so imagePullPolicy defaults stay IfNotPresent). */
export const validImage = (): Arbitrary<string> => {
  const component = edged(charOf(LOWER_ALNUM), strOf([...LOWER_ALNUM, '-', '.', '_'], 0, 8), charOf(LOWER_ALNUM)).filter((c) => !/[-._]{2}/.test(c));
  const registry = fc.option(
    fc
      .tuple(dnsSubdomain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
      .map(([h, p]) => (p === undefined ? `${h}.example` : `${h}.example:${p}`)),
    { nil: undefined },
  );
  const path = fc.array(component, { minLength: 1, maxLength: 3 }).map((c) => c.join('/'));
  const tag = edged(charOf([...ALNUM, '_']), strOf([...ALNUM, '_', '.', '-'], 0, 12), charOf(ALNUM))
    .filter((t) => t !== 'latest')
    .map((t) => `:${t}`);
  const digest = fc.string({ unit: charOf([...DIGITS, ...range('a', 'f')]), minLength: 64, maxLength: 64 }).map((h) => `@sha256:${h}`);
  return fc.tuple(registry, path, fc.oneof({ weight: 4, arbitrary: tag }, { weight: 1, arbitrary: digest })).map(([r, p, t]) => `${r ? `${r}/` : ''}${p}${t}`);
};

/** Whitespace Go's strings.TrimSpace and JavaScript's trim() both remove (ASCII only). */
const ASCII_WS = [' ', '\t', '\n', '\r'];

/** A valid image with leading and/or trailing ASCII whitespace. */
export const whitespaceImage = (): Arbitrary<string> =>
  fc
    .tuple(strOf(ASCII_WS, 0, 2), validImage(), strOf(ASCII_WS, 0, 2))
    .filter(([a, , z]) => a.length + z.length > 0)
    .map(([a, i, z]) => `${a}${i}${z}`);

export const MAX_INT32 = 2147483647;

/** [previous, next] activeDeadlineSeconds with 1 <= next <= previous <= MaxInt32. */
export const deadlineDecrease = (): Arbitrary<[number, number]> =>
  fc.tuple(fc.integer({ min: 1, max: MAX_INT32 }), fc.integer({ min: 1, max: MAX_INT32 })).map(([a, b]) => [Math.max(a, b), Math.min(a, b)]);

/** [previous, next] activeDeadlineSeconds with 1 <= previous < next <= MaxInt32. */
export const deadlineIncrease = (): Arbitrary<[number, number]> =>
  fc
    .tuple(fc.integer({ min: 1, max: MAX_INT32 - 1 }), fc.integer({ min: 1, max: MAX_INT32 - 1 }))
    .map(([a, b]) => (a === b ? [a, a + 1] : [Math.min(a, b), Math.max(a, b)]));

export interface Toleration {
  key: string;
  /** Any string on the invalid side (ValidateTolerations: Equal, Exists, or empty for Equal). */
  operator: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

const tolerationKey = () => validLabelKey().filter((k) => !k.startsWith('node.kubernetes.io/'));

/** A toleration ValidateTolerations accepts (tolerationSeconds only with NoExecute, a value only with Equal). */
export const validToleration = (): Arbitrary<Toleration> =>
  fc
    .record({
      key: tolerationKey(),
      // Equal with a non-empty value: an empty `value` is omitted when the API server encodes the toleration.
      equal: fc.option(qualifiedNamePart(), { nil: undefined }),
      effect: fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const),
      seconds: fc.option(fc.integer({ min: 0, max: 86_400 }), { nil: undefined }),
    })
    .map(({ key, equal, effect, seconds }) => {
      const t: Toleration = equal === undefined ? { key, operator: 'Exists', effect } : { key, operator: 'Equal', value: equal, effect };
      if (effect === 'NoExecute' && seconds !== undefined) t.tolerationSeconds = seconds;
      return t;
    });

/** Which rule an invalid toleration breaks, and the cause field upstream reports for it (index filled in by the family). */
export interface InvalidToleration {
  toleration: Toleration;
  breaks: 'effect' | 'key' | 'exists-value' | 'equal-value' | 'operator' | 'empty-key';
}

const NOT_OPERATORS = ['In', 'NotIn', 'exists', 'equal', 'EXISTS', 'Gt', 'DoesNotExist'];

/** A toleration ValidateTolerations rejects: tolerationSeconds with a non-NoExecute effect, or a key that is not a qualified name. */
export const invalidToleration = (): Arbitrary<InvalidToleration> =>
  fc.oneof(
    fc
      .tuple(tolerationKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const), fc.integer({ min: 0, max: 86_400 }))
      .map(([key, effect, s]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect, tolerationSeconds: s }, breaks: 'effect' })),
    fc
      .tuple(invalidLabelKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const))
      .map(([key, effect]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect }, breaks: 'key' })),
    // operator and value: a value with Exists, an invalid label value with Equal, another operator, Equal without a key.
    fc
      .tuple(tolerationKey(), qualifiedNamePart())
      .map(([key, value]): InvalidToleration => ({ toleration: { key, operator: 'Exists', value, effect: 'NoSchedule' }, breaks: 'exists-value' })),
    fc
      .tuple(tolerationKey(), invalidLabelValue())
      .map(([key, value]): InvalidToleration => ({ toleration: { key, operator: 'Equal', value, effect: 'NoSchedule' }, breaks: 'equal-value' })),
    fc
      .tuple(tolerationKey(), fc.constantFrom(...NOT_OPERATORS))
      .map(([key, operator]): InvalidToleration => ({ toleration: { key, operator, effect: 'NoSchedule' }, breaks: 'operator' })),
    qualifiedNamePart().map((value): InvalidToleration => ({ toleration: { key: '', operator: 'Equal', value, effect: 'NoSchedule' }, breaks: 'empty-key' })),
  );
