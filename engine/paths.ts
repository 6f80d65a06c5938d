import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The package's own directory (the one holding its package.json), whether this code runs from the sources
 * (engine/) or compiled (dist/engine/), in a checkout or in an installed package.
 */
export const PACKAGE_ROOT = ((): string => {
  for (let dir = HERE; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    if (dirname(dir) === dir) throw new Error(`update-conformance: no package root above ${HERE}`);
  }
})();

/** Cases, schemas and examples: data, shipped as they are next to the code. */
export const FIXTURES_DIR = join(PACKAGE_ROOT, 'fixtures');

/** Running the compiled JavaScript (dist/), not the TypeScript sources. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The tool's name and version, from its package.json. */
export function packageInfo(): { name: string; version: string } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
}
