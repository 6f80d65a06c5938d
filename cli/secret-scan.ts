import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { knownSecrets } from '../engine/config/secrets.ts';

/** Files under `dir` that contain any secret value the run loaded (never the values themselves). */
export function scanForSecrets(dir: string, secrets: readonly string[] = knownSecrets()): string[] {
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
        const text = readFileSync(p, 'utf8');
        if (secrets.some((s) => text.includes(s))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}
