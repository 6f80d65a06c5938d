/** Figures → tables: aligned plain text for the console, Markdown for bench/results.md. */

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table (method, caveats, verdict against the goal). */
  notes?: string[];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const ms = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? 'n/a' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
export const mb = (kb: number | undefined): string => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MB`);
export const ratio = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}×`);

export function renderText(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const out = [t.title, '='.repeat(t.title.length), line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)];
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(t: Table): string {
  const out = [`## ${t.title}`, '', `| ${t.columns.map(cell).join(' | ')} |`, `|${t.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of t.rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
