import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/*
 * Work every process of a run would otherwise repeat (parsing and validating the case files, compiling the
 * response schemas) is kept per user, keyed by the sha256 of everything it was derived from: a changed input is
 * a new key, never a stale entry. Per user (`$XDG_CACHE_HOME` or ~/.cache), not the shared temporary directory,
 * because compiled schemas are code this process runs. Any failure to read or write only costs the work again.
 */
const cacheRoot = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'update-conformance');

export function readCached(kind: string, key: string): string | undefined {
  try {
    return readFileSync(join(cacheRoot(), kind, key), 'utf8');
  } catch {
    return undefined;
  }
}

export function writeCached(kind: string, key: string, text: string): void {
  try {
    const dir = join(cacheRoot(), kind);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written aside, then renamed: a concurrent reader sees the whole entry or none.
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, join(dir, key));
    prune(dir);
  } catch {
    // A read-only home only costs the next process the work.
  }
}

/** Entries kept per kind: every edit of a case file or schema makes a new one, and old ones are never read again. */
const KEEP = 32;

/** Deletes all but the KEEP newest entries of a kind (on a write, which only a changed input causes). */
function prune(dir: string): void {
  const entries = readdirSync(dir).map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }));
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP)) rmSync(old.path, { force: true });
}
