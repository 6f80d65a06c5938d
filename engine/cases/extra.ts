/**
 * Case files given to a run beside the target's own (CONFORMANCE_CASE_FILES, `run --cases FILE`): a shrunk
 * counterexample written by `run --generate`, or a case being written, run as a curated case before it is committed
 * to fixtures/. Each file is a case file of one target (its `suite` says which), validated by that target's schema.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Env } from '../config/env.ts';
import { get } from '../config/env.ts';
import { ConfigError } from '../errors.ts';
import { parseYaml } from '../yaml.ts';
import { loadCaseFile } from './load.ts';
import type { ConformanceCase } from './types.ts';

const VARIABLE = 'CONFORMANCE_CASE_FILES';

/** The files' absolute paths (comma-separated in the variable); empty when none is given. */
export function parseCaseFiles(env: Env): string[] {
  const raw = get(env, VARIABLE);
  return raw
    ? raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((p) => resolve(p))
    : [];
}

/** The `suite` a case file names (which target's cases it holds). */
export function suiteOfCaseFile(path: string): string {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      VARIABLE,
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]})`,
      'name a case file (YAML)',
    );
  }
  const suite = (doc as { suite?: unknown } | null)?.suite;
  if (typeof suite !== 'string') throw new ConfigError(VARIABLE, `${path} has no suite`, 'name a case file: `suite: <suite id>` and `cases:`');
  return suite;
}

/** The cases of the files that belong to suite `suite`, validated by `schemaFile` (a path under fixtures/). */
export function extraCasesOf(files: readonly string[], suite: string, schemaFile: string): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const f of files) {
    if (suiteOfCaseFile(f) !== suite) continue;
    try {
      out.push(...loadCaseFile(basename(f), schemaFile, dirname(f)).cases);
    } catch (err) {
      throw new ConfigError(VARIABLE, `${f} is not a valid case file: ${(err as Error).message.split('\n')[0]}`, `fix it against fixtures/${schemaFile}`);
    }
  }
  return out;
}
