import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './load.ts';

/** The closed tag vocabulary, from the case schema. */
export function knownTags(): string[] {
  const schema = JSON.parse(readFileSync(join(FIXTURES_DIR, 'case.schema.json'), 'utf8')) as {
    $defs: { case: { properties: { tags: { items: { enum: string[] } } } } };
  };
  return schema.$defs.case.properties.tags.items.enum;
}
