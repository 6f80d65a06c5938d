/**
 * Python `repr()` / `str()` of JSON values, because Nova's validation messages embed them
 * (`Invalid input for field/attribute name. Value: <str(value)>. <repr(value)> is too long`).
 */

const MAX_DEPTH = 32;
// Python's str.isprintable(): everything except categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (but ' ' is printable).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeChar(ch: string): string {
  if (ch === '\\') return '\\\\';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (ch === ' ') return ch;
  if (!NON_PRINTABLE.test(ch)) return ch;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

export function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote) out += `\\${ch}`;
    else out += escapeChar(ch);
  }
  return out + quote;
}

function pyNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = String(n);
  return s.includes('e') ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

export function pyRepr(v: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) return '...';
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyReprString(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, depth + 1)).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyReprString(k)}: ${pyRepr(x, depth + 1)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(v);
}

/** Python `str()`: strings are shown raw, containers as their repr. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
