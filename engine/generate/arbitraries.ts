/**
 * Generic building blocks for the targets' fast-check arbitraries (engine/targets/<t>/arbitraries.ts): character
 * sets and string shapes that follow no particular API's rule.
 */
import { type Arbitrary, fc } from './fc.ts';

/** The characters from `from` to `to` (code units, inclusive). */
export const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
};
export const LOWER = range('a', 'z');
export const UPPER = range('A', 'Z');
export const DIGITS = range('0', '9');
export const ALNUM = [...LOWER, ...UPPER, ...DIGITS];
export const LOWER_ALNUM = [...LOWER, ...DIGITS];

export const charOf = (chars: readonly string[]) => fc.constantFrom(...chars);
export const strOf = (chars: readonly string[], minLength: number, maxLength: number) => fc.string({ unit: charOf(chars), minLength, maxLength });

/** Either a single first char, or a first char, a middle and a last char joined. */
export function edged(first: Arbitrary<string>, middle: Arbitrary<string>, last: Arbitrary<string>): Arbitrary<string> {
  return fc.oneof(
    { withCrossShrink: true },
    first,
    fc.tuple(first, middle, last).map(([a, m, z]) => `${a}${m}${z}`),
  );
}
