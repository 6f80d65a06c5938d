/**
 * How much of what the target can run a run covered. A run whose selection (suites, cases, tags, shard, rerun)
 * leaves out any variant the target could run is partial, and every output says so in its headline
 * ("partial: 3 of 240 variants"): a release gate must be able to tell a 3-variant run from a full one.
 */

/** What narrowed the run, as the user said it; absent members did not narrow it. */
export interface ScopeSelection {
  /** Suites asked for (`--suite`), when fewer than all the run could test. */
  suites?: string[];
  /** Suites (by name, as `--suite` takes them) the run could test but did not (not selected, or no selected case). */
  notSelected?: string[];
  cases?: string[];
  tags?: string[];
  /** `i/n` of `--shard`. */
  shard?: string;
  /** `--rerun-failed`: the earlier run whose failed and errored variants this one reruns. */
  rerun?: RerunOf;
}

/** The run a `--rerun-failed` run reruns, as its results.json names it. */
export interface RerunOf {
  file: string;
  runId?: string;
  /** Its targets (suite and URL), to tell when this run tests another one. */
  targets: { suite: string; url: string; kind?: string }[];
  /** The failed and errored variants it had. */
  variants: number;
  /** Set when this run tested another target than the rerun one: what differs, for people. */
  targetChanged?: string;
}

export interface RunScope {
  /** Variants the run set out to run (its selection and shard applied). */
  selected: number;
  /**
   * Variants the target(s) can run: every case and variant of every suite the run could test, no selection.
   * Suites whose count cannot be known (not discovered) are in `selection.notSelected` and not counted.
   */
  available: number;
  /** Less than every variant the target can run. */
  partial: boolean;
  /** Per suite (by suite id, e.g. k8s.pods.patch): selected and available variants. */
  suites: Record<string, { selected: number; available: number | null }>;
  selection: ScopeSelection;
}

/** The scope from per-suite counts; `available: null` = a suite the run could test but whose variants are not known. */
export function makeScope(suites: RunScope['suites'], selection: ScopeSelection): RunScope {
  const counts = Object.values(suites);
  const selected = counts.reduce((n, s) => n + s.selected, 0);
  const available = counts.reduce((n, s) => n + (s.available ?? 0), 0);
  const narrowed = Boolean(selection.cases?.length || selection.tags?.length || selection.shard || selection.rerun || selection.notSelected?.length);
  const partial = narrowed || counts.some((s) => s.available === null || s.selected < s.available);
  return { selected, available, partial, suites, selection };
}

/** At most `max` items, then how many more: a headline stays one line (the whole list is in verdict.json). */
function few(items: string[], max = 2): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** The selection in one short phrase: `cases k8s.pods.patch.image-replace; shard 1/4`. */
export function describeSelection(sel: ScopeSelection): string {
  const parts: string[] = [];
  if (sel.suites?.length) parts.push(`suites ${few(sel.suites)}`);
  if (sel.cases?.length) parts.push(`cases ${few(sel.cases)}`);
  if (sel.tags?.length) parts.push(`tags ${few(sel.tags)}`);
  if (sel.shard) parts.push(`shard ${sel.shard}`);
  if (sel.rerun) parts.push(`rerun of the failures of run ${sel.rerun.runId ?? sel.rerun.file}`);
  if (sel.notSelected?.length) parts.push(`${sel.notSelected.join(', ')} not run`);
  return parts.join('; ');
}

/** The headline's first words: `partial: 3 of 240 variants (cases …)`, or undefined for a complete run. */
export function describeScope(scope: RunScope | undefined): string | undefined {
  if (!scope?.partial) return undefined;
  const what = describeSelection(scope.selection);
  return `partial: ${scope.selected} of ${scope.available} variants${what ? ` (${what})` : ''}`;
}

/**
 * The scope of reports merged into one: the union of what they ran against the largest availability any of them
 * saw per suite. Complete again only when every variant the target can run is present exactly once (`present`:
 * the distinct variant ids of each suite in the merged results) and no part was narrowed other than by its shard.
 */
export function mergeScopes(scopes: (RunScope | undefined)[], present: Record<string, number>): RunScope | undefined {
  const known = scopes.filter((s): s is RunScope => s !== undefined);
  if (known.length === 0) return undefined;
  const suites: RunScope['suites'] = {};
  for (const s of known) {
    for (const [suite, c] of Object.entries(s.suites)) {
      const prev = suites[suite];
      const available = prev?.available === null || c.available === null ? null : Math.max(prev?.available ?? 0, c.available);
      suites[suite] = { selected: present[suite] ?? 0, available };
    }
  }
  const narrowing = (key: keyof ScopeSelection) => [...new Set(known.flatMap((s) => (s.selection[key] as string[] | undefined) ?? []))];
  const cases = narrowing('cases');
  const tags = narrowing('tags');
  const ran = (name: string) => Object.entries(suites).some(([id, c]) => id.split('.')[0] === name && c.selected > 0);
  const notSelected = narrowing('notSelected').filter((name) => !ran(name));
  const rerun = known.find((s) => s.selection.rerun)?.selection.rerun;
  const selection: ScopeSelection = {
    ...(cases.length ? { cases } : {}),
    ...(tags.length ? { tags } : {}),
    ...(notSelected.length ? { notSelected } : {}),
    ...(rerun ? { rerun } : {}),
  };
  return makeScope(suites, selection);
}
