/**
 * fast-check arbitraries for the value rules the generated cases exercise. Each valid/invalid pair follows one
 * upstream rule (cited by the family that uses it, engine/generate/families.ts). Invalid arbitraries only build
 * values that break the rule in a way both upstream and the reference backends agree on (e.g. no single
 * trailing "\n", which Python's `$` lets through in Nova's patterns).
 */
import fc from 'fast-check';

// ------------------------------------------------------------------ character sets

const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
};
const LOWER = range('a', 'z');
const UPPER = range('A', 'Z');
const DIGITS = range('0', '9');
const ALNUM = [...LOWER, ...UPPER, ...DIGITS];
const LOWER_ALNUM = [...LOWER, ...DIGITS];

const charOf = (chars: readonly string[]) => fc.constantFrom(...chars);
const strOf = (chars: readonly string[], minLength: number, maxLength: number) => fc.string({ unit: charOf(chars), minLength, maxLength });

/** Printable, non-space characters safe in both Nova's model (BMP letters, marks, numbers, punctuation, symbols) and JSON. */
const PRINTABLE_NON_SPACE = [...range('!', '~'), 'é', 'ñ', 'ü', 'ß', 'Ω', 'Ж', 'ĳ', '中', '文', 'あ', '€', '¿'];
/** Zs characters allowed inside Nova names and anywhere in descriptions. */
const INNER_SPACES = [' ', '\u00a0'];
/** C0 controls and DEL, without "\n" (a single final "\n" passes Nova's `$`-anchored patterns). */
const CONTROLS = [...range('\u0000', '\u0009'), ...range('\u000b', '\u001f'), '\u007f'];
const NON_BMP = ['😀', '𝄞', '🚀', '𠀀'];

/** Joins a first char, a middle and a last char; a single char when `single` is set. */
function edged(first: fc.Arbitrary<string>, middle: fc.Arbitrary<string>, last: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    first,
    fc.tuple(first, middle, last).map(([a, m, z]) => `${a}${m}${z}`),
  );
}

// ------------------------------------------------------------------ Kubernetes (apimachinery util/validation)

const QN_MIDDLE = [...ALNUM, '-', '_', '.'];

/** The name part of a qualified name: `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters. */
export const qualifiedNamePart = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 0, 20), charOf(ALNUM)) },
    { weight: 1, arbitrary: edged(charOf(ALNUM), strOf(QN_MIDDLE, 40, 61), charOf(ALNUM)) },
  );

const dnsLabel = (max: number) => edged(charOf(LOWER_ALNUM), strOf([...LOWER_ALNUM, '-'], 0, max), charOf(LOWER_ALNUM));

/** A DNS-1123 subdomain (prefix of a qualified name). */
export const dnsSubdomain = (): fc.Arbitrary<string> => fc.array(dnsLabel(12), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));

/** Keys the generated cases never touch: the template's label, the run label, reserved prefixes. */
function usableKey(key: string): boolean {
  return key !== 'app' && !/^(update-conformance|kubernetes\.io|k8s\.io)\//.test(key) && !/\.(kubernetes|k8s)\.io\//.test(key);
}

/** A valid label key: an optional DNS-subdomain prefix and `/`, then a qualified name part. */
export const validLabelKey = (): fc.Arbitrary<string> =>
  fc
    .tuple(fc.option(dnsSubdomain(), { nil: undefined }), qualifiedNamePart())
    .map(([p, n]) => (p === undefined ? n : `${p}/${n}`))
    .filter(usableKey);

/** A valid label value: empty or a qualified name part (at most 63 characters). */
export const validLabelValue = (): fc.Arbitrary<string> => fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 9, arbitrary: qualifiedNamePart() });

/** Characters outside `[-A-Za-z0-9_.]` (no `$`: strategic-merge-patch directives start with it). */
const QN_BAD = [' ', '/', ':', '@', '!', '#', '%', '&', '*', '+', '=', ',', ';', '?', '~', '"', "'", '(', ')', 'é', '中'];
const QN_EDGE_BAD = ['-', '_', '.'];

/** Strings that are not a qualified name part: a bad character, a bad first/last character, or too long. */
const invalidNamePart = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(strOf(ALNUM, 0, 8), charOf(QN_BAD.filter((c) => c !== '/')), strOf(ALNUM, 0, 8)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.tuple(charOf(QN_EDGE_BAD), strOf(ALNUM, 0, 10)).map(([e, s]) => `${e}${s}`),
    fc.tuple(strOf(ALNUM, 1, 10), charOf(QN_EDGE_BAD)).map(([s, e]) => `${s}${e}`),
    strOf(ALNUM, 64, 80),
  );

/** A label value that breaks IsValidLabelValue: a bad character, a bad first/last character, or more than 63 characters. */
export const invalidLabelValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(strOf(ALNUM, 0, 8), charOf(QN_BAD), strOf(ALNUM, 0, 8)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.tuple(charOf(QN_EDGE_BAD), strOf(ALNUM, 0, 10)).map(([e, s]) => `${e}${s}`),
    fc.tuple(strOf(ALNUM, 1, 10), charOf(QN_EDGE_BAD)).map(([s, e]) => `${s}${e}`),
    strOf(ALNUM, 64, 80),
  );

/** A label key that breaks IsQualifiedName: a bad name part, an invalid or empty prefix, or more than one `/`. */
export const invalidLabelKey = (): fc.Arbitrary<string> =>
  fc.oneof(
    invalidNamePart(),
    fc.tuple(dnsSubdomain(), invalidNamePart()).map(([p, n]) => `${p}/${n}`),
    fc.tuple(strOf(UPPER, 1, 4), dnsSubdomain(), qualifiedNamePart()).map(([u, p, n]) => `${u}${p}/${n}`),
    qualifiedNamePart().map((n) => `/${n}`),
    fc.tuple(dnsSubdomain(), qualifiedNamePart(), qualifiedNamePart()).map(([p, a, b]) => `${p}/${a}/${b}`),
  );

/** A container image reference with an explicit tag other than `latest` or a digest (so imagePullPolicy defaults stay IfNotPresent). */
export const validImage = (): fc.Arbitrary<string> => {
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
export const whitespaceImage = (): fc.Arbitrary<string> =>
  fc
    .tuple(strOf(ASCII_WS, 0, 2), validImage(), strOf(ASCII_WS, 0, 2))
    .filter(([a, , z]) => a.length + z.length > 0)
    .map(([a, i, z]) => `${a}${i}${z}`);

export const MAX_INT32 = 2147483647;

/** [previous, next] activeDeadlineSeconds with 1 <= next <= previous <= MaxInt32. */
export const deadlineDecrease = (): fc.Arbitrary<[number, number]> =>
  fc.tuple(fc.integer({ min: 1, max: MAX_INT32 }), fc.integer({ min: 1, max: MAX_INT32 })).map(([a, b]) => [Math.max(a, b), Math.min(a, b)]);

/** [previous, next] activeDeadlineSeconds with 1 <= previous < next <= MaxInt32. */
export const deadlineIncrease = (): fc.Arbitrary<[number, number]> =>
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
export const validToleration = (): fc.Arbitrary<Toleration> =>
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
export const invalidToleration = (): fc.Arbitrary<InvalidToleration> =>
  fc.oneof(
    fc
      .tuple(tolerationKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const), fc.integer({ min: 0, max: 86_400 }))
      .map(([key, effect, s]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect, tolerationSeconds: s }, breaks: 'effect' })),
    fc
      .tuple(invalidLabelKey(), fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const, 'NoExecute' as const))
      .map(([key, effect]): InvalidToleration => ({ toleration: { key, operator: 'Exists', effect }, breaks: 'key' })),
  );

// ------------------------------------------------------------------ Nova (parameter_types.py, jsonschema formats)

/** A name matching valid_name_regex: printable, Zs spaces only inside, 1 to 255 characters. */
export const validServerName = (): fc.Arbitrary<string> => {
  const inner = charOf([...PRINTABLE_NON_SPACE, ...INNER_SPACES]);
  const edge = charOf(PRINTABLE_NON_SPACE);
  return fc.oneof(
    { weight: 4, arbitrary: edged(edge, fc.string({ unit: inner, maxLength: 30 }), edge) },
    { weight: 1, arbitrary: edged(edge, fc.string({ unit: inner, minLength: 230, maxLength: 253 }), edge) },
  );
};

/** A name Nova rejects: empty, over 255 characters, whitespace at an end, a control character, a non-BMP character. */
export const invalidServerName = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc.string({ unit: charOf(PRINTABLE_NON_SPACE), minLength: 256, maxLength: 300 }),
    fc.tuple(charOf([...INNER_SPACES, '\t']), validServerName()).map(([w, n]) => `${w}${n}`),
    fc.tuple(validServerName(), charOf([...INNER_SPACES, '\t'])).map(([n, w]) => `${n}${w}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 1, 8), charOf([...CONTROLS, '\n']), strOf(PRINTABLE_NON_SPACE, 1, 8)).map(([a, c, z]) => `${a}${c}${z}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(NON_BMP), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, e, z]) => `${a}${e}${z}`),
  );

/** A description matching valid_description_regex (printable incl. spaces anywhere), at most 255 characters. */
export const validDescription = (): fc.Arbitrary<string> => {
  const unit = charOf([...PRINTABLE_NON_SPACE, ...INNER_SPACES]);
  return fc.oneof({ weight: 4, arbitrary: fc.string({ unit, maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit, minLength: 240, maxLength: 255 }) });
};

/** A description Nova rejects: over 255 characters, a control character (not a lone final "\n"), a non-BMP character. */
export const invalidDescription = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: charOf(PRINTABLE_NON_SPACE), minLength: 256, maxLength: 300 }),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(CONTROLS), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, c, z]) => `${a}${c}${z}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(NON_BMP), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, e, z]) => `${a}${e}${z}`),
  );

const HOST_EDGE = ALNUM;
const HOST_MIDDLE = [...ALNUM, '-'];

/** A 2.90–2.93 hostname: `^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$`, 2 to 63 characters. */
export const validHostname = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(charOf(HOST_EDGE), strOf(HOST_MIDDLE, 0, 20), charOf(HOST_EDGE)).map(([a, m, z]) => `${a}${m}${z}`) },
    { weight: 1, arbitrary: fc.tuple(charOf(HOST_EDGE), strOf(HOST_MIDDLE, 50, 61), charOf(HOST_EDGE)).map(([a, m, z]) => `${a}${m}${z}`) },
  );

/** A hostname 2.90–2.93 rejects: one character, over 63, a dot or underscore, a dash at an end, empty. */
export const invalidHostname = (): fc.Arbitrary<string> =>
  fc.oneof(
    charOf(HOST_EDGE),
    strOf(HOST_EDGE, 64, 80),
    fc.tuple(strOf(HOST_EDGE, 1, 10), charOf(['.', '_']), strOf(HOST_EDGE, 1, 10)).map(([a, c, z]) => `${a}${c}${z}`),
    fc.tuple(strOf(HOST_EDGE, 1, 10), strOf(HOST_MIDDLE, 0, 5)).map(([a, m]) => `-${a}${m}`),
    fc.tuple(strOf(HOST_EDGE, 1, 10), strOf(HOST_MIDDLE, 0, 5)).map(([a, m]) => `${a}${m}-`),
    fc.constant(''),
  );

const octet = () => fc.integer({ min: 0, max: 255 });

/** A dotted-quad IPv4 address (never with leading zeros, which Python's ipaddress refuses only since 3.9.5). */
export const validIPv4 = (): fc.Arbitrary<string> => fc.tuple(octet(), octet(), octet(), octet()).map((o) => o.join('.'));

/** Strings ipaddress.IPv4Address refuses. */
export const invalidIPv4 = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(octet(), octet(), octet(), fc.integer({ min: 256, max: 999 })).map((o) => o.join('.')),
    fc.tuple(octet(), octet(), octet()).map((o) => o.join('.')),
    fc.tuple(octet(), octet(), octet(), octet(), octet()).map((o) => o.join('.')),
    fc.tuple(validIPv4(), fc.integer({ min: 0, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
    fc.tuple(octet(), octet(), octet(), charOf(['a', 'x', ' ', '-'])).map(([a, b, c, x]) => `${a}.${b}.${c}.${x}`),
    validIPv4().map((ip) => `${ip}.`),
    fc.constant(''),
    fc.constant('::1'),
  );

/**
 * An IPv6 address, as written, and its canonical form (str(netaddr.IPAddress): lower case, no leading zeros,
 * the run of zero hextets compressed). Built so the canonical form is unambiguous: at most one zero run, of
 * length ≥ 2, every other hextet non-zero, and never an IPv4-mapped or -compatible address.
 */
export interface IPv6Sample {
  written: string;
  canonical: string;
}

export const validIPv6 = (): fc.Arbitrary<IPv6Sample> =>
  fc
    .record({
      words: fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 8, maxLength: 8 }),
      run: fc.option(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 2, max: 7 })), { nil: undefined }),
      style: fc.constantFrom('compressed' as const, 'full' as const, 'short' as const),
      upper: fc.boolean(),
    })
    .map(({ words, run, style, upper }) => {
      const w = [...words];
      let start = -1;
      let len = 0;
      if (run) {
        start = run[0];
        len = Math.min(run[1], 8 - start);
        if (start === 0) len = Math.min(len, 4); // never ::ffff:a.b.c.d or ::a.b.c.d
        if (len < 2) len = 0;
        for (let i = start; i < start + len; i++) w[i] = 0;
      }
      const hex = w.map((x) => x.toString(16));
      const canonical = len === 0 ? hex.join(':') : `${hex.slice(0, start).join(':')}::${hex.slice(start + len).join(':')}`;
      let written = canonical;
      if (style === 'full') written = w.map((x) => x.toString(16).padStart(4, '0')).join(':');
      else if (style === 'short') written = hex.join(':');
      return { written: upper ? written.toUpperCase() : written, canonical };
    });

/** Strings ipaddress.IPv6Address (via jsonschema's ipv6 format, which also refuses a scope id) refuses. */
export const invalidIPv6 = (): fc.Arbitrary<string> => {
  const h = () => fc.integer({ min: 0, max: 0xffff }).map((x) => x.toString(16));
  return fc.oneof(
    fc.tuple(h(), h(), h()).map(([a, b, c]) => `${a}::${b}::${c}`),
    fc.array(h(), { minLength: 9, maxLength: 10 }).map((p) => p.join(':')),
    fc.array(h(), { minLength: 3, maxLength: 7 }).map((p) => p.join(':')),
    fc.tuple(fc.integer({ min: 0x10000, max: 0xfffff }), h()).map(([a, b]) => `${a.toString(16)}::${b}`),
    fc.tuple(h(), charOf(['g', 'x', 'z', 'G'])).map(([a, g]) => `${a}::${g}1`),
    fc.tuple(h(), h(), strOf(LOWER_ALNUM, 1, 5)).map(([a, b, z]) => `fe80::${a}:${b}%${z}`),
    validIPv4(),
    fc.array(h(), { minLength: 7, maxLength: 7 }).map((p) => `${p.join(':')}:`),
    fc.tuple(h(), h()).map(([a, b]) => `${a}:::${b}`),
    fc.constant(''),
  );
};
