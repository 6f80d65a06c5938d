import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { type RunReport, sortResults } from './model.ts';

export const REPORT_FILES = { json: 'results.json', markdown: 'summary.md', html: 'report.html', junit: 'junit.xml' } as const;

/**
 * Writes results.json, summary.md, report.html and junit.xml, all from the one RunReport (so a run and a
 * `merge` of its shards write the same files); results in stable order (suite, id). Returns the paths written.
 */
export function writeReports(report: RunReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const sorted: RunReport = { ...report, results: sortResults(report.results) };
  const files: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(sorted, null, 1)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(sorted)],
    [REPORT_FILES.html, renderHtml(sorted)],
    [REPORT_FILES.junit, renderJunit(sorted)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
