/** Checks a sonobuoy_results.yaml against Sonobuoy's item format (deploy/sonobuoy/results-item.schema.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { SonobuoyItem } from '../../reporters/sonobuoy.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'deploy', 'sonobuoy', 'results-item.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** The parsed tree and its schema violations ("/items/0/status must be equal to one of the allowed values"). */
export function checkSonobuoyResults(file: string): { tree: SonobuoyItem; violations: string[]; leaves: SonobuoyItem[] } {
  const tree = parseYaml(readFileSync(file, 'utf8')) as SonobuoyItem;
  const violations = validate(tree) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  const leaves: SonobuoyItem[] = [];
  const walk = (i: SonobuoyItem) => {
    if (!i.items?.length) leaves.push(i);
    for (const c of i.items ?? []) walk(c);
  };
  for (const suite of tree.items ?? []) walk(suite);
  return { tree, violations, leaves };
}
