/**
 * Fills run-time values into case bodies: `${name}` inside strings, `{"$repeat": s, "count": n}` and
 * `{"$generate": kind, ...}` objects (generators are supplied by the target).
 */
export type Generator = (spec: Record<string, unknown>) => unknown;

export function resolvePlaceholders(value: unknown, vars: Record<string, string>, generators: Record<string, Generator> = {}): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\}/g, (m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`unknown placeholder ${m}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolvePlaceholders(v, vars, generators));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$repeat === 'string' && typeof obj.count === 'number') return obj.$repeat.repeat(obj.count);
    if (typeof obj.$generate === 'string') {
      const gen = generators[obj.$generate];
      if (!gen) throw new Error(`unknown generator ${obj.$generate}`);
      return gen(obj);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[resolvePlaceholders(k, vars, generators) as string] = resolvePlaceholders(v, vars, generators);
    return out;
  }
  return value;
}
