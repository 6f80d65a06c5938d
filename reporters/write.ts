import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtraReport } from '../engine/config/run.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { type RunReport, sortResults } from './model.ts';
import { renderSubunit } from './subunit.ts';
import { renderVerdictFile } from './verdict-file.ts';

export const REPORT_FILES = { json: 'results.json', markdown: 'summary.md', html: 'report.html', junit: 'junit.xml' } as const;

/** The verdict for CI steps (action.yml); derived from results.json, so `bundle` leaves it out and `verify` re-derives it. */
export const VERDICT_FILE = 'verdict.json';

/** Formats written on request (`--report subunit`). */
export const EXTRA_REPORT_FILES: Record<ExtraReport, string> = { subunit: 'results.subunit' };

/**
 * Writes results.json, summary.md, report.html, junit.xml and verdict.json (plus the requested extra formats),
 * all from the one RunReport (so a run and a `merge` of its shards write the same files); results in stable
 * order (suite, id). Returns each file written with its content (the secret scan reads them from memory).
 */
export function writeReports(report: RunReport, dir: string, extra: readonly ExtraReport[] = []): WrittenFile[] {
  mkdirSync(dir, { recursive: true });
  const sorted: RunReport = { ...report, results: sortResults(report.results) };
  const files: [string, string | Uint8Array][] = [
    [REPORT_FILES.json, `${JSON.stringify(sorted, null, 1)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(sorted)],
    [REPORT_FILES.html, renderHtml(sorted)],
    [REPORT_FILES.junit, renderJunit(sorted)],
  ];
  if (extra.includes('subunit')) files.push([EXTRA_REPORT_FILES.subunit, renderSubunit(sorted)]);
  const formats: Record<string, string> = Object.fromEntries([
    ...Object.entries(REPORT_FILES),
    ...extra.map((f) => [f, EXTRA_REPORT_FILES[f]] as const),
    ['verdict', VERDICT_FILE],
  ]);
  files.push([VERDICT_FILE, renderVerdictFile(sorted, formats)]);
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return { path, content };
  });
}

export interface WrittenFile {
  path: string;
  content: string | Uint8Array;
}
