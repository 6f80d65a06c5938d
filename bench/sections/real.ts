/**
 * The real backends CI starts (real kube-apiserver, real Nova + Keystone): when their env file exists and the
 * service answers, the full suite against each (never starts or stops them); otherwise "not available".
 */
import { realBackendEnv } from '../lib/backends.ts';
import { readResults, runCli } from '../lib/cli.ts';
import type { BenchContext } from '../lib/context.ts';
import { ms, type Table } from '../lib/report.ts';

export async function realSection(ctx: BenchContext): Promise<Table[]> {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const suite of ['k8s', 'nova'] as const) {
    const found = await realBackendEnv(suite);
    const label = suite === 'k8s' ? 'k8s.pods.patch vs real kube-apiserver' : 'nova.servers.update vs real Nova + Keystone';
    if ('missing' in found) {
      rows.push([label, 'not available', '', '', '', '']);
      notes.push(`${suite}: ${found.missing}`);
      continue;
    }
    ctx.log(`real: ${suite}`);
    const t = await runCli(['run', '--suite', suite], { env: found.env, timeoutMs: 900_000 });
    const res = readResults(t.reportDir, suite);
    if (!res || t.code === 2) {
      // Exit 2: configuration or unreachable (e.g. the env file is from another start of the backend).
      const secrets = Object.values(found.env).filter((v) => v.length >= 6);
      const scrub = (line: string) => secrets.reduce((l, v) => l.split(v).join('***'), line);
      const reason = scrub(t.lastLines.filter((l) => l.trim() && !/npm warn/.test(l)).pop() ?? 'no results');
      rows.push([label, 'not available', String(t.code), '', '', '']);
      notes.push(`${suite}: the run against backends/.state/${suite}-real.env stopped before any case (exit ${t.code}): ${reason.slice(0, 200)}`);
      continue;
    }
    rows.push([
      label,
      ms(t.wallMs),
      String(t.code),
      res ? String(res.cases) : 'n/a',
      res ? res.requestsPerCase.mean.toFixed(2) : 'n/a',
      res ? String(res.requestsPerCase.max) : 'n/a',
    ]);
  }
  return [
    {
      title: 'Real backends (optional; CI fills these in)',
      columns: ['run', 'wall', 'exit', 'cases', 'requests/case (mean)', 'requests/case (max)'],
      rows,
      notes: ['requests per case from results.json (setup, GET before, update, GET after; not the release)', ...notes],
    },
  ];
}
