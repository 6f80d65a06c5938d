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
    { weight: 4, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 0, 20), charOf(ALNUM)) },
    { weight: 1, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 40, 61), charOf(ALNUM)) },
  );

const dnsLabel = (max: number) => edged(charOf(LOWER_ALNUM), strOf([...LOWER_ALNUM, '-'], 0, max), charOf(LOWER_ALNUM));

/** A DNS-1123 subdomain (prefix of a qualified name). */
export const dnsSubdomain = (): Arbitrary<string> => fc.array(dnsLabel(12), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));

/** Keys the generated cases never touch: the template's label, the run label, reserved prefixes. */
function usableKey(key: string): boolean {
  return key !== 'app' && !/^(update-conformance|kubernetes\.io|k8s\.io)\//.test(key) && !/\.(kubernetes|k8s)\.io\//.test(key);
}

/** A valid label key: an optional DNS-subdomain prefix and `/`, then a qualified name part. */
export const validLabelKey = (): Arbitrary<string> =>
  fc
    .tuple(fc.option(dnsSubdomain(), { nil: undefined }), qualifiedNamePart())
    .map(([p, n]) => (p === undefined ? n : `${p}/${n}`))
    .filter(usableKey);

/** A valid label value: empty or a qualified name part (at most 63 characters). */
export const validLabelValue = (): Arbitrary<string> => fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 9, arbitrary: qualifiedNamePart() });

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
  fc.oneof(
    fc.tuple(strOf(ALNUM, 0, 8), charOf(QN_BAD), strOf(ALNUM, 0, 8)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.tuple(charOf(QN_EDGE_BAD), strOf(ALNUM, 0, 10)).map(([e, s]) => `${e}${s}`),
    fc.tuple(strOf(ALNUM, 1, 10), charOf(QN_EDGE_BAD)).map(([s, e]) => `${s}${e}`),
    strOf(ALNUM, 64, 80),
  );

/** A label key that breaks IsQualifiedName: a bad name part, an invalid or empty prefix, or more than one `/`. */
export const invalidLabelKey = (): Arbitrary<string> =>
  fc.oneof(
    invalidNamePart(),
    fc.tuple(dnsSubdomain(), invalidNamePart()).map(([p, n]) => `${p}/${n}`),
    fc.tuple(strOf(UPPER, 1, 4), dnsSubdomain(), qualifiedNamePart()).map(([u, p, n]) => `${u}${p}/${n}`),
    qualifiedNamePart().map((n) => `/${n}`),
    fc.tuple(dnsSubdomain(), qualifiedNamePart(), qualifiedNamePart()).map(([p, a, b]) => `${p}/${a}/${b}`),
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
  operator: 'Exists' | 'Equal';
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
  breaks: 'effect' | 'key';
}

/** A toleration ValidateTolerations rejects: tolerationSeconds with a non-NoExecute effect, or a key that is not a qualified name. */
export const invalidToleration = (): Arbitrary<InvalidToleration> =>
  fc.oneof(
    fc
      .tuple(tolerationKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const), fc.integer({ min: 0, max: 86_400 }))
      .map(([key, effect, s]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect, tolerationSeconds: s }, breaks: 'effect' })),
    fc
      .tuple(invalidLabelKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const))
      .map(([key, effect]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect }, breaks: 'key' })),
  );
