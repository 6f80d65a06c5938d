import { existsSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readCached, writeCached } from '../engine/cache.ts';

describe('the per-user cache (engine/cache.ts)', () => {
  const saved = process.env.XDG_CACHE_HOME;
  const home = mkdtempSync(join(tmpdir(), 'uc-cache-'));
  process.env.XDG_CACHE_HOME = home;
  afterAll(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });

  test('lives under $XDG_CACHE_HOME/update-conformance, readable only by its user', () => {
    writeCached('kind', 'a.json', '{"a":1}');
    expect(readCached('kind', 'a.json')).toBe('{"a":1}');
    expect(readCached('kind', 'missing.json')).toBeUndefined();
    expect(existsSync(join(home, 'update-conformance', 'kind', 'a.json'))).toBe(true);
  });

  test('keeps the 32 newest entries of a kind: a changed input never leaves its old entry behind for ever', () => {
    const dir = join(home, 'update-conformance', 'pruned');
    for (let i = 0; i < 40; i++) {
      writeCached('pruned', `e${i}.json`, String(i));
      // Entries written in the same millisecond would tie: age each one explicitly, e0 the oldest.
      const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      utimesSync(join(dir, `e${i}.json`), t, t);
    }
    writeCached('pruned', 'newest.json', 'n');
    const left = readdirSync(dir);
    expect(left).toHaveLength(32);
    expect(left).toContain('newest.json');
    expect(left).toContain('e39.json');
    expect(left).not.toContain('e8.json');
    expect(readCached('pruned', 'e0.json')).toBeUndefined();
  });
});
