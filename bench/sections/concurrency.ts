/**
 * Concurrency: wall time of the suites' case runs at each concurrency level, against the reference backends on
 * loopback (CPU-bound: client and server share 2 cores) and behind the fault proxy's latency mode (latency-bound:
 * the run should scale with concurrency). Nova leases one server per case from its pool, so in-flight cases are
 * capped at the pool size; a run with more servers (created through the API) shows the cap lifting.
 */
import type { SuiteOutcome } from '../child.ts';
import { type BackendOptions, type SuiteName, startBackend } from '../lib/backends.ts';
import { type BenchContext, runEnv } from '../lib/context.ts';
import { runChild } from '../lib/proc.ts';
import { ms, type Table } from '../lib/report.ts';

interface Config {
  label: string;
  suite: SuiteName;
  backend: BackendOptions;
  /** Every n-th variant (latency runs use a subset so C=1 stays short). */
  every?: number;
}

async function timeAt(ctx: BenchContext, cfg: Config, concurrency: number): Promise<SuiteOutcome> {
  const b = await startBackend(cfg.suite, cfg.backend);
  try {
    return await runChild<SuiteOutcome>('suite', {
      suite: cfg.suite,
      env: runEnv(ctx, b.env),
      concurrency,
      select: cfg.every ? { every: cfg.every } : undefined,
    });
  } finally {
    await b.stop();
  }
}

export async function concurrencySection(ctx: BenchContext): Promise<Table[]> {
  const lat = ctx.latencyMs;
  const configs: Config[] = [
    { label: 'k8s, loopback', suite: 'k8s', backend: {} },
    { label: 'nova, loopback (pool 8)', suite: 'nova', backend: {} },
    { label: 'nova, loopback (pool 16)', suite: 'nova', backend: { extraServers: 8 } },
    { label: `k8s, +${lat} ms latency`, suite: 'k8s', backend: { latencyMs: lat }, every: 4 },
    { label: `nova, +${lat} ms latency (pool 8)`, suite: 'nova', backend: { latencyMs: lat }, every: 8 },
    { label: `nova, +${lat} ms latency (pool 16)`, suite: 'nova', backend: { latencyMs: lat, extraServers: 8 }, every: 8 },
  ];
  const levels = ctx.concurrency;
  const rows: string[][] = [];
  for (const cfg of configs) {
    const walls: number[] = [];
    let variants = 0;
    let requests = 0;
    const bad: string[] = [];
    for (const c of levels) {
      ctx.log(`concurrency: ${cfg.label} at ${c}`);
      const o = await timeAt(ctx, cfg, c);
      walls.push(o.wallMs);
      variants = o.variants;
      requests = o.requests;
      const notPassing = o.variants - (o.counts.pass ?? 0) - (o.counts.skip ?? 0);
      if (notPassing) bad.push(`${notPassing} not passing at C=${c}: ${o.problems.slice(0, 2).join('; ')}`);
    }
    const first = walls[0] as number;
    const last = walls[walls.length - 1] as number;
    rows.push([cfg.label, String(variants), String(requests), ...walls.map(ms), `${(first / last).toFixed(1)}×`, bad.join(' / ') || 'all pass']);
  }
  return [
    {
      title: 'Concurrency: wall time of the case runs by concurrency',
      columns: ['target', 'variants', 'requests', ...levels.map((c) => `C=${c}`), `speed-up C=${levels[0]}→${levels[levels.length - 1]}`, 'verdicts'],
      rows,
      notes: [
        'one fresh process per cell, against a fresh backend process (and a fresh fault-proxy process for the latency rows)',
        `latency rows: the fault proxy (backends/fault-proxy, latency:${lat}) delays every request by ${lat} ms; they run every 4th (k8s) / 8th (nova) variant so C=1 stays short`,
        'requests = per-case requests as results.json counts them (setup, GET before, update, GET after; the release DELETE of k8s is not counted)',
        'loopback rows are CPU-bound (client and backend share 2 cores): more concurrency cannot help much there',
        'nova leases one server per case (engine/lifecycle/pool.ts): in-flight cases never exceed the pool (8 seeded servers); "pool 16" adds 8 servers through POST /servers and passes all 16 in NOVA_SERVER_IDS',
      ],
    },
  ];
}
