/**
 * Generated case families: one upstream rule each, allowed (valid values must be accepted, take effect and change
 * nothing else) or forbidden (invalid values must be rejected with the upstream status and error body, leaving the
 * resource untouched). A family maps a generated input to an ordinary ConformanceCase, purely, so fast-check can
 * shrink the input and rebuild the case. The families themselves live with their target (engine/targets/<t>/generate.ts).
 */
import type { Arbitrary } from 'fast-check';
import type { CaseVariant, ConformanceCase } from '../cases/types.ts';

/** Where a generated case comes from: family, seed and index (enough to rebuild it); index -1: a shrunk counterexample. */
export interface GenOrigin {
  id: string;
  seed: number;
  index: number;
}

export interface Family<I = unknown> {
  /** Short name, part of every case id: `<idPrefix>.gen-<name>-<n>`. */
  name: string;
  /** The suite's short name (GenerationSpec.suite); it also seeds the family's stream, so it must not change. */
  suite: string;
  kind: 'allowed' | 'forbidden';
  /** One line: what the family asserts. */
  rule: string;
  /** The upstream rules (ids of fixtures/<target>/rules.yaml) its cases exercise; every case built carries them. */
  rules: readonly string[];
  arbitrary(): Arbitrary<I>;
  build(input: I, origin: GenOrigin): ConformanceCase;
}

/** A version range a target supports (its lowest and highest version), for suites whose cases are versioned. */
export interface TargetVersionRange {
  min: string;
  max: string;
}

/** How one target's suite is generated: everything engine/generate needs to know about it. */
export interface GenerationSpec {
  /** Short name (`--suite`, Family.suite). */
  suite: string;
  /** The suite's case id prefix (the `suite` of its case files): ids are `<idPrefix>.gen-<family>-<n>`. */
  idPrefix: string;
  /** The seed document the suite checks (as in the case files). */
  document: string;
  /** Every family, in a fixed order (the order generation cycles through). */
  families: readonly Family[];
  /** Expands generated cases into their variants, against a target's version range where the suite has one. */
  variantsOf(cases: ConformanceCase[], range?: TargetVersionRange): CaseVariant[];
}

/** A family's case for `input`, naming the rules it exercises (what generation, shrinking and the self-tests use). */
export function buildCase(family: Family, input: unknown, origin: GenOrigin): ConformanceCase {
  return { ...family.build(input, origin), rules: [...family.rules] };
}

// Each family is generic in its input; the registry erases that (build only ever gets its own arbitrary's values).
export const erase = <I>(f: Family<I>): Family => f as unknown as Family;

/** JSON for titles, cut so a title stays one readable line. */
export function brief(v: unknown, max = 60): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export const originSource = (o: GenOrigin, family: string) =>
  o.index < 0
    ? `engine/generate family ${family}: counterexample found and shrunk by fast-check (seed ${o.seed})`
    : `engine/generate family ${family}, seed ${o.seed}, index ${o.index} (property-based, reproducible)`;
