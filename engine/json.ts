/** A JSON object as parsed: members unknown until checked. */
export type Obj = Record<string, unknown>;

/** A non-null, non-array object. */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
