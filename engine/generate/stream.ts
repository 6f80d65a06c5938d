/**
 * The seeded stream of one suite's generated cases, from its GenerationSpec alone (no target registry: a run's
 * worker loads only its own target module). Reproducibility: case `index` of a family depends only on (seed,
 * family, index). Values are drawn in chunks of CHUNK with fast-check's own size/bias schedule (fc.sample), the
 * chunk seeded from (seed, family, chunk number), so a stream never holds more than one chunk per family (memory
 * stays flat for any count) and any single case can be rebuilt on its own — and replayed by fc.check (`replayOf`).
 */
import type { ConformanceCase } from '../cases/types.ts';
import { buildCase, type Family } from './family.ts';
import { fc } from './fc.ts';

export const CHUNK = 256;

/** FNV-1a over the text, as a non-negative 31-bit integer seed. */
export function mixSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join(':')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 1;
}

/** Where fast-check finds input `index` of a family's stream again: fc.check with this seed and path replays it. */
export function replayOf(family: Family, seed: number, index: number): { seed: number; path: string } {
  return { seed: mixSeed(seed, family.suite, family.name, Math.floor(index / CHUNK)), path: String(index % CHUNK) };
}

/** The generated input of one family at (seed, index). */
export function inputsOf(family: Family): (seed: number, index: number) => unknown {
  let cached: { key: string; values: unknown[] } | undefined;
  const arb = family.arbitrary();
  return (seed, index) => {
    const chunk = Math.floor(index / CHUNK);
    const key = `${seed}:${chunk}`;
    if (cached?.key !== key) cached = { key, values: fc.sample(arb, { seed: replayOf(family, seed, index).seed, numRuns: CHUNK }) };
    return cached.values[index % CHUNK];
  };
}

export function caseIdIn(idPrefix: string, family: Family, n: number | string): string {
  return `${idPrefix}.gen-${family.name}-${n}`;
}

/** A generated case id's family name and stream number (`<prefix>.gen-<family>-<n>`), or undefined for any other id. */
export function parseGeneratedId(id: string): { family: string; n: number } | undefined {
  const m = /\.gen-([a-z0-9-]+)-(\d+)$/.exec(id);
  return m ? { family: m[1] as string, n: Number(m[2]) } : undefined;
}

/**
 * Case `i` of the stream: family `i mod F`, that family's input number `floor(i / F)`. Ids are
 * `<suite prefix>.gen-<family>-<i>`; the source names family, seed and index.
 */
export function* streamCases(idPrefix: (f: Family) => string, families: readonly Family[], seed: number, count: number, start = 0): Generator<ConformanceCase> {
  const inputs = families.map(inputsOf);
  for (let i = start; i < start + count; i++) {
    const f = i % families.length;
    const family = families[f] as Family;
    const k = Math.floor(i / families.length);
    const input = (inputs[f] as (seed: number, index: number) => unknown)(seed, k);
    yield buildCase(family, input, { id: caseIdIn(idPrefix(family), family, i), seed, index: k });
  }
}
