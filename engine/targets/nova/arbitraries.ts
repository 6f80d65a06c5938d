/**
 * fast-check arbitraries for the Nova value rules the generated Update Server cases exercise (parameter_types.py,
 * jsonschema formats). Each valid/invalid pair follows one upstream rule, cited by the family that uses it
 * (./generate.ts). Invalid arbitraries only build values that break the rule in a way both upstream and the
 * reference backend agree on (e.g. no single trailing "\n", which Python's `$` lets through in Nova's patterns).
 */

import { ALNUM, charOf, edged, LOWER_ALNUM, range, strOf } from '../../generate/arbitraries.ts';
import { type Arbitrary, fc } from '../../generate/fc.ts';

/** Printable, non-space characters safe in both Nova's model (BMP letters, marks, numbers, punctuation, symbols) and JSON. */
const PRINTABLE_NON_SPACE = [...range('!', '~'), 'é', 'ñ', 'ü', 'ß', 'Ω', 'Ж', 'ĳ', '中', '文', 'あ', '€', '¿'];
/** Zs characters allowed inside Nova names and anywhere in descriptions. */
const INNER_SPACES = [' ', '\u00a0'];
/** C0 controls and DEL, without "\n" (a single final "\n" passes Nova's `$`-anchored patterns). */
const CONTROLS = [...range('\u0000', '\u0009'), ...range('\u000b', '\u001f'), '\u007f'];
const NON_BMP = ['😀', '𝄞', '🚀', '𠀀'];

/** A name matching valid_name_regex: printable, Zs spaces only inside, 1 to 255 characters. */
export const validServerName = (): Arbitrary<string> => {
  const inner = charOf([...PRINTABLE_NON_SPACE, ...INNER_SPACES]);
  const edge = charOf(PRINTABLE_NON_SPACE);
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: edged(edge, fc.string({ unit: inner, maxLength: 30 }), edge) },
    { weight: 1, arbitrary: edged(edge, fc.string({ unit: inner, minLength: 230, maxLength: 253 }), edge) },
  );
};

/** A name Nova rejects: empty, over 255 characters, whitespace at an end, a control character, a non-BMP character. */
export const invalidServerName = (): Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc.string({ unit: charOf(PRINTABLE_NON_SPACE), minLength: 256, maxLength: 300 }),
    fc.tuple(charOf([...INNER_SPACES, '\t']), validServerName()).map(([w, n]) => `${w}${n}`),
    fc.tuple(validServerName(), charOf([...INNER_SPACES, '\t'])).map(([n, w]) => `${n}${w}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 1, 8), charOf([...CONTROLS, '\n']), strOf(PRINTABLE_NON_SPACE, 1, 8)).map(([a, c, z]) => `${a}${c}${z}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(NON_BMP), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, e, z]) => `${a}${e}${z}`),
  );

/** A description matching valid_description_regex (printable incl. spaces anywhere), at most 255 characters. */
export const validDescription = (): Arbitrary<string> => {
  const unit = charOf([...PRINTABLE_NON_SPACE, ...INNER_SPACES]);
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.string({ unit, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit, minLength: 240, maxLength: 255 }) },
  );
};

/** A description Nova rejects: over 255 characters, a control character (not a lone final "\n"), a non-BMP character. */
export const invalidDescription = (): Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: charOf(PRINTABLE_NON_SPACE), minLength: 256, maxLength: 300 }),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(CONTROLS), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, c, z]) => `${a}${c}${z}`),
    fc.tuple(strOf(PRINTABLE_NON_SPACE, 0, 8), charOf(NON_BMP), strOf(PRINTABLE_NON_SPACE, 0, 8)).map(([a, e, z]) => `${a}${e}${z}`),
  );

const HOST_EDGE = ALNUM;
const HOST_MIDDLE = [...ALNUM, '-'];

/** A 2.90–2.93 hostname: `^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$`, 2 to 63 characters. */
export const validHostname = (): Arbitrary<string> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.tuple(charOf(HOST_EDGE), strOf(HOST_MIDDLE, 0, 20), charOf(HOST_EDGE)).map(([a, m, z]) => `${a}${m}${z}`) },
    { weight: 1, arbitrary: fc.tuple(charOf(HOST_EDGE), strOf(HOST_MIDDLE, 50, 61), charOf(HOST_EDGE)).map(([a, m, z]) => `${a}${m}${z}`) },
  );

/** A hostname 2.90–2.93 rejects: one character, over 63, a dot or underscore, a dash at an end, empty. */
export const invalidHostname = (): Arbitrary<string> =>
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
export const validIPv4 = (): Arbitrary<string> => fc.tuple(octet(), octet(), octet(), octet()).map((o) => o.join('.'));

/** Strings ipaddress.IPv4Address refuses. */
export const invalidIPv4 = (): Arbitrary<string> =>
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

export const validIPv6 = (): Arbitrary<IPv6Sample> =>
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
export const invalidIPv6 = (): Arbitrary<string> => {
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

/** 2.94+ `parameter_types.fqdn`: `^[a-zA-Z0-9-._]*$`, 1 to 255 characters. */
const FQDN_RE = /^[a-zA-Z0-9-._]*$/;
export const isFqdnHostname = (v: string): boolean => v.length >= 1 && v.length <= 255 && FQDN_RE.test(v);

/** A 2.94+ hostname: dot-joined labels of letters, digits and inner dashes (the shape Nova documents), up to 255. */
export const validFqdnHostname = (): Arbitrary<string> => {
  const label = (max: number) => edged(charOf(HOST_EDGE), strOf(HOST_MIDDLE, 0, max), charOf(HOST_EDGE));
  return fc
    .oneof(
      { withCrossShrink: true },
      { weight: 4, arbitrary: fc.array(label(12), { minLength: 1, maxLength: 4 }).map((l) => l.join('.')) },
      {
        weight: 1,
        arbitrary: fc.array(label(61), { minLength: 4, maxLength: 4 }).map((l) =>
          l
            .join('.')
            .slice(0, 255)
            .replace(/[-.]+$/, ''),
        ),
      },
    )
    .filter(isFqdnHostname);
};

/** A hostname 2.94+ rejects: empty, over 255 characters, or a character outside letters, digits, `-`, `.`, `_`. */
export const invalidFqdnHostname = (): Arbitrary<string> =>
  fc
    .oneof(
      fc.constant(''),
      strOf(HOST_EDGE, 256, 300),
      fc.tuple(strOf(HOST_EDGE, 0, 10), charOf([' ', '/', '@', '!', ':', '*', ',', '~', 'é']), strOf(HOST_EDGE, 0, 10)).map(([a, c, z]) => `${a}${c}${z}`),
    )
    .filter((v) => !isFqdnHostname(v));
