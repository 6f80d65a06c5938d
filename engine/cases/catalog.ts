import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteName } from '../config/run.ts';
import { FIXTURES_DIR, loadCaseFile } from './load.ts';
import type { ConformanceCase } from './types.ts';

/** The case file of each suite. */
export const CASE_FILES: Record<SuiteName, string> = {
  k8s: 'k8s/pods-patch.cases.yaml',
  nova: 'nova/servers-update.cases.yaml',
};

export function casesOf(suite: SuiteName): ConformanceCase[] {
  return loadCaseFile(CASE_FILES[suite], `${suite}/case.schema.json`).cases;
}

/** The closed tag vocabulary, from the case schema. */
export function knownTags(): string[] {
  const schema = JSON.parse(readFileSync(join(FIXTURES_DIR, 'case.schema.json'), 'utf8')) as {
    $defs: { case: { properties: { tags: { items: { enum: string[] } } } } };
  };
  return schema.$defs.case.properties.tags.items.enum;
}
