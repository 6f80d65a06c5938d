/**
 * Side by side on the same deployment: the success bodies our run captured (reports/<dir>/results.json) are
 * validated again with Tempest's own update_server schemas (Debian's python3-tempest, via tempest-schemas.py).
 * Any response where Tempest and our schemas disagree is listed; the script exits 1 if there is one.
 *
 * usage: npx tsx backends/nova-real/compare-with-tempest.ts reports/real-nova
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../reporters/model.ts';

const dir = process.argv[2] ?? 'reports/real-nova';
const report = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'results.json'), 'utf8'))) as RunReport;
const captured: { id: string; microversion: string; status: number; body: unknown; ours: boolean }[] = [];
for (const r of report.results) {
  const update = r.evidence.find((e) => e.role === 'update' && e.request.method === 'PUT' && e.response.status === 200);
  if (!update || r.verdict === 'skip') continue;
  const mv = /compute\s+(\d+\.\d+)/i.exec(update.response.headers['openstack-api-version'] ?? '')?.[1];
  if (!mv) continue;
  const ours = r.checks.find((c) => c.id === 'response-schema')?.outcome !== 'fail';
  captured.push({ id: r.id, microversion: mv, status: 200, body: JSON.parse(update.response.body), ours });
}
const input = join(dir, 'tempest-input.json');
writeFileSync(input, JSON.stringify(captured.map(({ ours: _ours, ...rest }) => rest)));
let out: string;
try {
  out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'tempest-schemas.py'), input], { encoding: 'utf8' });
} catch (err) {
  out = (err as { stdout?: string }).stdout ?? '';
}
const tempest = JSON.parse(out) as { tempest: string; results: { id: string; ok: boolean; violations: { path: string; message: string }[] }[] };
const disagreements: string[] = [];
for (const t of tempest.results) {
  const c = captured.find((x) => x.id === t.id);
  if (c && c.ours !== t.ok) disagreements.push(`${t.id} @${c.microversion}: ours ${c.ours ? 'valid' : 'invalid'}, Tempest ${t.ok ? 'valid' : `invalid (${t.violations.map((v) => `${v.path}: ${v.message}`).join('; ')})`}`);
}
const lines = [
  `# Tempest ${tempest.tempest} vs update-conformance response schemas`,
  '',
  `${captured.length} success bodies captured from ${dir}; Tempest valid: ${tempest.results.filter((t) => t.ok).length}; ours valid: ${captured.filter((c) => c.ours).length}; disagreements: ${disagreements.length}`,
  '',
  ...disagreements.map((d) => `- ${d}`),
];
writeFileSync(join(dir, 'tempest-comparison.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
process.exit(disagreements.length ? 1 : 0);
