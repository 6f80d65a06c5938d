// Sums the self-tests (vitest JSON) and every real-backend run (results.json) into one plain line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
const lines = [];
if (existsSync('reports/selftest.json')) {
  const j = JSON.parse(readFileSync('reports/selftest.json', 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests + (j.numTotalTests === 0 ? 1 : 0);
  lines.push(`self-tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests} skipped`);
} else {
  failed += 1;
  lines.push('self-tests: no results (npm test did not run to the end)');
}
for (const dir of existsSync('reports') ? readdirSync('reports') : []) {
  const file = join('reports', dir, 'results.json');
  if (!dir.startsWith('real-') || !existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const count = (v) => r.results.filter((x) => x.verdict === v).length;
  const p = count('pass');
  const f = count('fail') + count('error') + r.runErrors.length;
  passed += p;
  failed += f;
  lines.push(`${dir}: ${p} passed, ${count('fail')} failed, ${count('error')} errors, ${count('skip')} skipped, ${r.runErrors.length} run errors`);
}
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
