/**
 * Case-level sharding (`--shard i/n`, `CONFORMANCE_SHARD=i/n`). vitest's own `--shard` splits by file and each
 * suite is one file, so the split happens per variant instead: shard i of n runs exactly the variants whose
 * FNV-1a 32-bit hash of the variant id (`<case id>@<variant>`, UTF-8) modulo n equals i − 1. The hash depends
 * on the id only — not on the order of the cases, the selection or the machine — so every shard of a CI
 * matrix computes the same partition, and the shards together run each selected variant exactly once.
 *
 * Kept free of vitest: engine/suite.ts (the filter, in the vitest worker) and
 * reporters/conformance.ts (which records the shard in results.json) import it as well.
 */
import { ConfigError } from '../errors.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

const MAX_SHARDS = 1024;

/** Parses `i/n` (1 ≤ i ≤ n ≤ 1024); undefined or empty = not sharded. A malformed value is a ConfigError (exit 2). */
export function parseShard(raw: string | undefined, variable = 'CONFORMANCE_SHARD'): Shard | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value);
  const fix = `use i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS}, e.g. 2/4`;
  if (!m) throw new ConfigError(variable, `"${value}" is not a shard`, fix);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || total > MAX_SHARDS || index < 1 || index > total) throw new ConfigError(variable, `"${value}" is out of range`, fix);
  return { index, total };
}

/** FNV-1a, 32 bit, over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The 1-based shard (of `total`) a variant id belongs to. */
export function shardOf(variantId: string, total: number): number {
  return (fnv1a32(variantId) % total) + 1;
}

/** Whether a variant runs in `shard` (always true when not sharded). */
export function inShard(variantId: string, shard: Shard | undefined): boolean {
  return !shard || shard.total === 1 || shardOf(variantId, shard.total) === shard.index;
}

export function describeShard(shard: Shard | undefined): string {
  return shard ? `${shard.index}/${shard.total}` : 'not sharded';
}
