import type { VersionRange } from './cases/types.ts';

// A run compares the same few dozen version strings thousands of times: each is parsed once.
const parsed = new Map<string, readonly [number, number]>();

/** "major.minor" as a pair; Kubernetes minors ("1.34") and Nova microversions ("2.19") alike. */
export function parseVersion(v: string): readonly [number, number] {
  let pair = parsed.get(v);
  if (!pair) {
    const m = /^(\d+)\.(\d+)/.exec(v.trim());
    if (!m) throw new Error(`not a version: ${v}`);
    pair = [Number(m[1]), Number(m[2])];
    parsed.set(v, pair);
  }
  return pair;
}

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = parseVersion(a);
  const [b1, b2] = parseVersion(b);
  return a1 - b1 || a2 - b2;
}

export function inRange(v: string, range: VersionRange | undefined): boolean {
  if (!range) return true;
  if (range.min && compareVersions(v, range.min) < 0) return false;
  if (range.max && compareVersions(v, range.max) > 0) return false;
  return true;
}

export function describeRange(range: VersionRange): string {
  return `${range.min ?? 'any'}–${range.max ?? 'latest'}`;
}
