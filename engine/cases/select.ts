import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { RerunOf } from '../scope.ts';
import type { ConformanceCase } from './types.ts';

/** Which cases a run selects: ids/globs (CONFORMANCE_CASES) and tags (CONFORMANCE_TAGS, `!tag` excludes). */
export interface Selection {
  ids?: string[];
  tags?: string[];
  /** Exact variant ids (CONFORMANCE_RERUN_FAILED: the failed and errored variants of an earlier run). */
  variants?: string[];
  /** Where `variants` came from, for error messages. */
  variantsFrom?: string;
  /** The run `variants` came from (its id and targets), recorded in the report's scope. */
  rerunOf?: RerunOf;
}

/**
 * The failed and errored variant ids of an earlier run's results.json (`--rerun-failed FILE`), with that run's
 * id and targets. No failed variant is not an error: the CLI says there is nothing to rerun.
 */
export function rerunVariants(file: string | undefined): { variants: string[]; from: string; of: RerunOf } | undefined {
  if (!file) return undefined;
  let doc: { runId?: unknown; results?: { id?: unknown; verdict?: unknown }[]; targets?: { suite?: unknown; url?: unknown; kind?: unknown }[] };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0];
    throw new ConfigError('CONFORMANCE_RERUN_FAILED', `cannot read ${file} (${why})`, "point it at an earlier run's results.json");
  }
  if (!Array.isArray(doc?.results))
    throw new ConfigError('CONFORMANCE_RERUN_FAILED', `${file} has no results list`, "point it at an earlier run's results.json");
  const variants = [
    ...new Set(doc.results.filter((r) => (r.verdict === 'fail' || r.verdict === 'error') && typeof r.id === 'string').map((r) => r.id as string)),
  ];
  const targets = (Array.isArray(doc.targets) ? doc.targets : [])
    .filter((t) => typeof t?.suite === 'string' && typeof t.url === 'string')
    .map((t) => ({ suite: t.suite as string, url: t.url as string, ...(typeof t.kind === 'string' ? { kind: t.kind } : {}) }));
  const of: RerunOf = { file, ...(typeof doc.runId === 'string' ? { runId: doc.runId } : {}), targets, variants: variants.length };
  return { variants, from: file, of };
}

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const casePart = (pattern: string) => pattern.split('@')[0] ?? pattern;

export function parseSelection(ids: string | undefined, tags: string | undefined, rerun?: { variants: string[]; from: string; of?: RerunOf }): Selection {
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    ids: list(ids),
    tags: list(tags),
    ...(rerun ? { variants: rerun.variants, variantsFrom: rerun.from, ...(rerun.of ? { rerunOf: rerun.of } : {}) } : {}),
  };
}

function tagsMatch(sel: Selection, c: ConformanceCase): boolean {
  if (!sel.tags?.length) return true;
  const have = new Set<string>([...c.tags, c.kind]);
  const include = sel.tags.filter((t) => !t.startsWith('!'));
  const exclude = sel.tags.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  return !exclude.some((t) => have.has(t)) && (include.length === 0 || include.some((t) => have.has(t)));
}

/** Whether a variant is selected; a pattern without `@` selects every variant of the cases it matches. */
export function isSelected(sel: Selection, variantId: string, c: ConformanceCase): boolean {
  if (sel.variants && !sel.variants.includes(variantId)) return false;
  const idOk = !sel.ids?.length || sel.ids.some((p) => glob(p).test(variantId) || glob(p).test(c.id));
  return idOk && tagsMatch(sel, c);
}

/** Case-level selection (before variants are known). */
export function isCaseSelected(sel: Selection, c: ConformanceCase): boolean {
  if (sel.variants && !sel.variants.some((v) => casePart(v) === c.id)) return false;
  const idOk = !sel.ids?.length || sel.ids.some((p) => glob(casePart(p)).test(c.id));
  return idOk && tagsMatch(sel, c);
}

/** A filter entry that selects nothing is a mistake, not a silent pass: throws ConfigError (exit 2). */
export function checkSelection(sel: Selection, cases: ConformanceCase[], knownTags: readonly string[]): void {
  for (const p of sel.ids ?? []) {
    if (!cases.some((c) => glob(casePart(p)).test(c.id))) {
      throw new ConfigError('CONFORMANCE_CASES', `"${p}" matches no case`, 'run `npm run conformance -- list` to see the case ids');
    }
  }
  for (const v of sel.variants ?? []) {
    if (!cases.some((c) => c.id === casePart(v))) {
      throw new ConfigError(
        'CONFORMANCE_RERUN_FAILED',
        `"${v}" (failed in ${sel.variantsFrom}) is not a case of the selected suites`,
        'rerun with the suites and case files of that run',
      );
    }
  }
  const vocabulary = ['allowed', 'forbidden', ...knownTags];
  for (const t of sel.tags ?? []) {
    if (!vocabulary.includes(t.replace(/^!/, ''))) throw new ConfigError('CONFORMANCE_TAGS', `unknown tag "${t}"`, `use one of: ${vocabulary.join(', ')}`);
  }
  if (!cases.some((c) => isCaseSelected(sel, c))) {
    throw new ConfigError(sel.tags?.length ? 'CONFORMANCE_TAGS' : 'CONFORMANCE_CASES', 'the selection matches no case', 'widen the filter');
  }
}
