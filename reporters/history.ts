/**
 * What every report says about retries, flaky verdicts and the run history: the flaky variants and why, the
 * changes since the previous run, and per suite a small trend picture of the last runs (inline SVG).
 */
import type { TrendPoint } from '../engine/history/store.ts';
import type { CaseResult } from '../engine/results.ts';
import type { RunReport } from './model.ts';

/** One line per flaky variant: its id, its last verdict (what the gate counts) and why it is flaky. */
export function flakyLines(results: CaseResult[]): string[] {
  return results.filter((r) => r.flaky).map((r) => `${r.id}: counted as ${r.verdict} — ${r.flaky}`);
}

/** "attempt 1 error (…), waited 500 ms; attempt 2 pass" for a retried variant. */
export function attemptsText(r: CaseResult): string | undefined {
  if (!r.attempts?.length) return undefined;
  return r.attempts
    .map(
      (a) =>
        `attempt ${a.attempt} ${a.verdict}${a.reason && a.verdict !== 'pass' ? ` (${a.reason})` : ''}${a.waitedMs !== undefined ? `, waited ${a.waitedMs} ms` : ''}`,
    )
    .join('; ');
}

/** Lines about retries, flakiness and changes since the previous run, for the console and summary.md. */
export function historyLines(report: RunReport, md = false): string[] {
  const code = (s: string) => (md ? `\`${s}\`` : s);
  const lines: string[] = [];
  const retried = report.results.filter((r) => r.attempts?.length);
  if (retried.length) {
    const attempts = retried.reduce((n, r) => n + (r.attempts?.length ?? 0), 0);
    lines.push(`Retried after a technical error: ${retried.length} variant(s), ${attempts} attempts in all.`);
  }
  const flaky = flakyLines(report.results);
  if (flaky.length) {
    lines.push(`Flaky: ${flaky.length} variant(s), each counted as its last verdict:`);
    for (const l of flaky) lines.push(`${md ? '- ' : '  '}${md ? l.replace(/^(\S+):/, (_, id: string) => `${code(id)}:`) : l}`);
  }
  const h = report.history;
  if (h?.previous && h.changes) {
    const c = h.changes;
    lines.push(
      `Since run ${code(h.previous.runId)} (${h.previous.startedAt}): ${c.newFailures.length} new failure(s), ${c.fixed.length} fixed, ${c.stillFailing.length} still failing, ${c.flips.length} verdict flip(s), ${c.added.length} new and ${c.removed.length} removed variant(s).`,
    );
    for (const id of c.newFailures) lines.push(`${md ? '- ' : '  '}new failure: ${code(id)}`);
    for (const id of c.fixed) lines.push(`${md ? '- ' : '  '}fixed: ${code(id)}`);
  } else if (h) lines.push(`The first run recorded in the history ${code(h.dir)}.`);
  return lines;
}

const COLOURS = { pass: '#2da44e', fail: '#cf222e', error: '#d4a72c', skip: '#d0d7de' } as const;

/** One suite's last runs as stacked bars (passed, failed, errors, skipped; this run rightmost), with a tooltip per run. */
export function trendSvg(suite: string, points: TrendPoint[]): string {
  const bar = 18;
  const gap = 6;
  const height = 64;
  const width = points.length * (bar + gap) + gap;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const bars = points
    .map((p, i) => {
      const total = p.counts.pass + p.counts.fail + p.counts.error + p.counts.skip || 1;
      let y = height;
      const x = gap + i * (bar + gap);
      const rects = (['pass', 'skip', 'error', 'fail'] as const)
        .map((k) => {
          const h = (p.counts[k] / total) * height;
          y -= h;
          return h > 0 ? `<rect x="${x}" y="${y.toFixed(1)}" width="${bar}" height="${h.toFixed(1)}" fill="${COLOURS[k]}"/>` : '';
        })
        .join('');
      const flaky = p.counts.flaky ? `<circle cx="${x + bar / 2}" cy="${height + 7}" r="3" fill="#8250df"/>` : '';
      const tip = `run ${p.runId} ${p.startedAt}: ${p.counts.pass} passed, ${p.counts.fail} failed, ${p.counts.error} errors, ${p.counts.skip} skipped, ${p.counts.flaky} flaky`;
      return `<g><title>${esc(tip)}</title>${rects}${flaky}<text x="${x + bar / 2}" y="${height + 22}" font-size="9" text-anchor="middle">${p.counts.fail}</text></g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="trend" id="trend-${esc(suite)}" width="${width}" height="${height + 26}" role="img" aria-label="${esc(`${suite}: verdicts of the last ${points.length} runs`)}">${bars}</svg>`;
}
