import { casesOf } from '../engine/cases/catalog.ts';
import { isCaseSelected } from '../engine/cases/select.ts';
import { loadConfig, loadEnv, type SuiteName } from '../engine/config/index.ts';
import { describeRange } from '../engine/versions.ts';
import { EXIT } from './exit-codes.ts';
import { chooseSuites } from './run.ts';

/** Prints the selected cases (id, kind, tags, versions, variants, source) without sending anything. */
export function listCommand(json: boolean, out: (line: string) => void): number {
  const config = loadConfig(loadEnv());
  const { suites } = chooseSuites(config);
  const rows = suites.flatMap((suite: SuiteName) =>
    casesOf(suite)
      .filter((c) => isCaseSelected(config.run.selection, c))
      .map((c) => {
        const request = c.request as { patch?: Record<string, unknown> };
        const variants = suite === 'k8s' ? Object.keys(request.patch ?? {}) : [`microversions ${describeRange(c.versions ?? {})}`];
        return {
          suite,
          id: c.id,
          kind: c.kind,
          title: c.title,
          tags: c.tags,
          fields: c.fields,
          versions: c.versions,
          variants,
          source: c.source,
          docConflict: c.docConflict,
        };
      }),
  );
  if (json) {
    out(JSON.stringify(rows, null, 1));
    return EXIT.ok;
  }
  for (const r of rows) {
    out(`${r.id}  [${r.kind}] ${r.tags.join(',')}${r.variants.length ? `  (${r.variants.join(', ')})` : ''}`);
    out(`    ${r.title}`);
    out(`    source: ${r.source.join('; ')}${r.docConflict ? ' · doc conflict' : ''}`);
  }
  out(`${rows.length} case(s) selected`);
  return EXIT.ok;
}
