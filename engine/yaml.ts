import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { readCached, writeCached } from './cache.ts';

// The yaml library is about 40 ms of a process's start-up, and most processes of a run need none of it: the
// fixtures they read were parsed before (readYamlFixture). Loaded on first use.
const requireHere = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;
const lib = (): typeof Yaml => {
  yaml ??= requireHere('yaml') as typeof Yaml;
  return yaml;
};

export function parseYaml(text: string): unknown {
  return lib().parse(text);
}

export function stringifyYaml(value: unknown, options?: Yaml.ToStringOptions): string {
  return lib().stringify(value, options);
}

/** A YAML file of the package's fixtures, parsed once per content and then read as JSON (engine/cache.ts). */
export function readYamlFixture(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  const key = `${createHash('sha256').update(text).digest('hex')}.json`;
  const cached = readCached('parsed-yaml', key);
  if (cached !== undefined) {
    try {
      return JSON.parse(cached);
    } catch {
      // A damaged entry is parsed again and replaced.
    }
  }
  const doc = parseYaml(text);
  writeCached('parsed-yaml', key, JSON.stringify(doc));
  return doc;
}
