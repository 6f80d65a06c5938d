import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { knownSecrets } from '../engine/config/secrets.ts';

/**
 * Files under `dir` that contain any secret value the run loaded (never the values themselves). `inMemory`: the
 * content of files this process just wrote, by path, scanned without reading them back.
 */
export function scanForSecrets(dir: string, secrets: readonly string[] = knownSecrets(), inMemory?: ReadonlyMap<string, string | Uint8Array>): string[] {
  if (secrets.length === 0) return [];
  const hits: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.size < 64 * 1024 * 1024) {
        const known = inMemory?.get(p);
        const text = known === undefined ? readFileSync(p, 'utf8') : typeof known === 'string' ? known : Buffer.from(known).toString('utf8');
        if (secrets.some((s) => text.includes(s))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}
