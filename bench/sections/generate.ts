/**
 * Generated variants (`run --generate N`): what one generated variant costs on each target. The compiled CLI runs
 * only the generated cases (`--case '<suite>.gen-*'`) at two sizes, a small and a larger N per family; the cost of a
 * variant is the difference in wall time over the difference in variants run (start-up, discovery and the run's
 * fixed costs cancel out). The embedded reference backends always; the real backends when they are running
 * (backends/.state/<stem>.env, as the real section finds them).
 */
import { realBackendEnv } from '../lib/backends.ts';
import { readResults, runCli } from '../lib/cli.ts';
import type { BenchContext } from '../lib/context.ts';
import { ms, type Table } from '../lib/report.ts';

interface GenTarget {
  label: string;
  suite: 'k8s' | 'nova';
  prefix: string;
  /** Settings of the target, or the reason it is not available. */
  env(): Promise<{ env: Record<string, string>; args: string[] } | { missing: string }>;
  /** Variants per family of the two runs. */
  sizes: [number, number];
}

const embedded = async () => ({ env: {}, args: ['--embedded'] });
const real = (stem: string, probe: string) => async () => {
  const found = await realBackendEnv(stem, probe);
  return 'missing' in found ? found : { env: found.env, args: [] };
};

function targets(ctx: BenchContext): GenTarget[] {
  const small: [number, number] = ctx.quick ? [1, 3] : [1, 8];
  const realSizes: [number, number] = ctx.quick ? [1, 2] : [1, 4];
  return [
    { label: 'k8s reference (embedded)', suite: 'k8s', prefix: 'k8s.pods.patch', env: embedded, sizes: small },
    { label: 'nova reference (embedded)', suite: 'nova', prefix: 'nova.servers.update', env: embedded, sizes: small },
    { label: 'real kube-apiserver', suite: 'k8s', prefix: 'k8s.pods.patch', env: real('k8s-real', 'K8S_SERVER'), sizes: realSizes },
    { label: 'real Nova + Keystone', suite: 'nova', prefix: 'nova.servers.update', env: real('nova-real', 'NOVA_REAL_COMPUTE_URL'), sizes: realSizes },
  ];
}

export async function generateSection(ctx: BenchContext): Promise<Table[]> {
  const rows: string[][] = [];
  for (const t of targets(ctx)) {
    const found = await t.env();
    if ('missing' in found) {
      rows.push([t.label, 'not available', '', '', '', '', found.missing]);
      continue;
    }
    const runs = [];
    for (const n of t.sizes) {
      ctx.log(`generate: ${t.label}, ${n} per family`);
      const timing = await runCli(
        ['run', ...found.args, '--suite', t.suite, '--generate', String(n), '--seed', String(ctx.seed), '--case', `${t.prefix}.gen-*`],
        {
          env: found.env,
          timeoutMs: 900_000,
        },
      );
      const results = readResults(timing.reportDir, t.prefix);
      const ran = results ? results.cases - (results.verdicts.skip ?? 0) : 0;
      runs.push({ n, timing, results, ran });
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const perVariant = (b.timing.wallMs - a.timing.wallMs) / Math.max(1, b.ran - a.ran);
    const verdicts = Object.entries(b.results?.verdicts ?? {})
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    rows.push([
      t.label,
      `${a.ran} / ${b.ran}`,
      ms(a.timing.wallMs),
      ms(b.timing.wallMs),
      ms(perVariant),
      (b.results?.requestsPerCase.mean ?? 0).toFixed(1),
      `${verdicts} (exit ${b.timing.code})`,
    ]);
  }
  return [
    {
      title: `Generated variants: cost per variant (compiled CLI, --case '<suite>.gen-*', seed ${ctx.seed})`,
      columns: ['target', 'variants run (small / large)', 'wall small', 'wall large', 'per generated variant', 'requests per variant', 'large run'],
      rows,
      notes: [
        "per generated variant = (wall large − wall small) / (variants large − variants small): the run's fixed costs cancel out; variants skipped (a microversion outside the target's range) are not counted.",
        "Cases run at the run's concurrency (4 against a configured target, 8 against the embedded backends), so this is the marginal cost at that concurrency, not a single variant's latency.",
      ],
    },
  ];
}
