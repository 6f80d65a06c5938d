/**
 * CONFORMANCE_GENERATE / CONFORMANCE_SEED (`run --generate N --seed S|daily`): how many generated variants per
 * family a run adds (engine/generate) and the seed that makes them. A run without a seed draws one; the CLI then
 * passes the drawn seed on (cli/run.ts), so every process of the run and any replay generate the same cases.
 */
import { randomInt } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { type Env, get, getInt } from './env.ts';

/** The seed of a run's generated cases and where it came from. */
export interface GenerationConfig {
  /** Generated variants per family. */
  perFamily: number;
  /** A non-negative 31-bit integer. */
  seed: number;
  /** `given`: CONFORMANCE_SEED; `daily`: the UTC date (YYYYMMDD); `drawn`: random, printed so the run replays. */
  seedFrom: 'given' | 'daily' | 'drawn';
}

export const MAX_SEED = 2 ** 31 - 1;

/** The date-based seed of `--seed daily`: the UTC day as YYYYMMDD (one new stream per night, the same all day). */
export function dailySeed(now = new Date()): number {
  return now.getUTCFullYear() * 10_000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
}

/** Undefined when the run generates nothing; a seed without CONFORMANCE_GENERATE is a mistake, not ignored. */
export function parseGeneration(env: Env, now = new Date()): GenerationConfig | undefined {
  const rawSeed = get(env, 'CONFORMANCE_SEED');
  if (get(env, 'CONFORMANCE_GENERATE') === undefined) {
    if (rawSeed !== undefined)
      throw new ConfigError('CONFORMANCE_SEED', 'is set without CONFORMANCE_GENERATE', 'add --generate N (generated variants per family) or unset it');
    return undefined;
  }
  const perFamily = getInt(env, 'CONFORMANCE_GENERATE', 0, 1, 10_000);
  if (rawSeed === undefined) return { perFamily, seed: randomInt(0, MAX_SEED), seedFrom: 'drawn' };
  if (rawSeed === 'daily') return { perFamily, seed: dailySeed(now), seedFrom: 'daily' };
  if (!/^\d{1,10}$/.test(rawSeed) || Number(rawSeed) > MAX_SEED) {
    throw new ConfigError('CONFORMANCE_SEED', `"${rawSeed}" is not a seed`, `use an integer from 0 to ${MAX_SEED}, or "daily"`);
  }
  return { perFamily, seed: Number(rawSeed), seedFrom: 'given' };
}

/** How a report says it: `3 per family, seed 42 (drawn)`; the flags that replay it. */
export function describeGeneration(g: GenerationConfig): string {
  return `${g.perFamily} generated variant(s) per family, seed ${g.seed}${g.seedFrom === 'given' ? '' : ` (${g.seedFrom})`}; replay: --generate ${g.perFamily} --seed ${g.seed}`;
}
