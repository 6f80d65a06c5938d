import { ConfigError } from '../errors.ts';
import type { ConformanceCase } from './types.ts';

/** Which cases a run selects: ids/globs (CONFORMANCE_CASES) and tags (CONFORMANCE_TAGS, `!tag` excludes). */
export interface Selection {
  ids?: string[];
  tags?: string[];
}

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const casePart = (pattern: string) => pattern.split('@')[0] ?? pattern;

export function parseSelection(ids: string | undefined, tags: string | undefined): Selection {
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return { ids: list(ids), tags: list(tags) };
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
  const idOk = !sel.ids?.length || sel.ids.some((p) => glob(p).test(variantId) || glob(p).test(c.id));
  return idOk && tagsMatch(sel, c);
}

/** Case-level selection (before variants are known). */
export function isCaseSelected(sel: Selection, c: ConformanceCase): boolean {
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
  const vocabulary = ['allowed', 'forbidden', ...knownTags];
  for (const t of sel.tags ?? []) {
    if (!vocabulary.includes(t.replace(/^!/, ''))) throw new ConfigError('CONFORMANCE_TAGS', `unknown tag "${t}"`, `use one of: ${vocabulary.join(', ')}`);
  }
  if (!cases.some((c) => isCaseSelected(sel, c))) {
    throw new ConfigError(sel.tags?.length ? 'CONFORMANCE_TAGS' : 'CONFORMANCE_CASES', 'the selection matches no case', 'widen the filter');
  }
}
