/**
 * The reference backends' fault switches (K8S_REFERENCE_FAULTS, NOVA_REFERENCE_FAULTS) are comma lists of
 * names; one parser, so both refuse a misspelt name the same way instead of silently running without it.
 */

export interface FaultListOptions {
  /** Names the kind of fault in the error: `unknown <noun> "<name>" (known: …)`. */
  noun: string;
  /** Drop repeated names (keeps the first). */
  unique?: boolean;
}

/** Parses `a, b,,c` into names from the catalog, in order; blank entries are skipped, an unknown name throws. */
export function parseFaultList<T extends string>(value: string | undefined, catalog: readonly { name: T }[], opts: FaultListOptions): T[] {
  if (!value) return [];
  const names = new Set<string>(catalog.map((f) => f.name));
  const out: T[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    if (!names.has(name)) throw new Error(`unknown ${opts.noun} "${name}" (known: ${[...names].join(', ')})`);
    if (opts.unique && out.includes(name as T)) continue;
    out.push(name as T);
  }
  return out;
}
