/**
 * Floor and overhead: the suite's case runs (engine/run-case.ts runCase with the suite's adapter, as the vitest
 * suite runs them) against plain undici sending exactly the same requests, each in a fresh process against a
 * fresh backend process, interleaved (suite, plain, suite, plain…). The requests are recorded from one suite run
 * at the engine's HttpClient, per case, and replayed in the same per-case order at the same concurrency.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Recording, ReplayOutcome, SuiteOutcome } from '../child.ts';
import { type Backend, type SuiteName, startBackend } from '../lib/backends.ts';
import { CLI_COMMANDS, readResults, runCli } from '../lib/cli.ts';
import { type BenchContext, runEnv } from '../lib/context.ts';
import { runChild } from '../lib/proc.ts';
import { median, ms, ratio, type Table } from '../lib/report.ts';

const CONCURRENCY = 4; // CONFORMANCE_CONCURRENCY's default

export interface OverheadFigures {
  suite: SuiteName;
  variants: number;
  requests: number;
  suiteMs: number[];
  plainMs: number[];
  ratios: number[];
  suiteCpuMs: number[];
  plainCpuMs: number[];
  statusMatch: number;
}

/** Records every request of one suite run (per case, at the engine's HttpClient) into the scratch directory, once. */
export async function recordSuite(ctx: BenchContext, suite: SuiteName): Promise<string> {
  const file = `${ctx.tmp}/recording-${suite}.json`;
  if (existsSync(file)) return file;
  const rb = await startBackend(suite);
  try {
    await runChild<SuiteOutcome>('suite', { suite, env: runEnv(ctx, rb.env), concurrency: CONCURRENCY, record: file, identity: rb.identity });
  } finally {
    await rb.stop();
  }
  return file;
}

export async function measureOverhead(ctx: BenchContext, suite: SuiteName): Promise<OverheadFigures> {
  const file = await recordSuite(ctx, suite);
  const rec = JSON.parse(readFileSync(file, 'utf8')) as Recording;
  const requests = rec.cases.reduce((a, g) => a + (g?.length ?? 0), 0);
  const f: OverheadFigures = {
    suite,
    variants: rec.cases.length,
    requests,
    suiteMs: [],
    plainMs: [],
    ratios: [],
    suiteCpuMs: [],
    plainCpuMs: [],
    statusMatch: 1,
  };
  for (let i = 0; i < ctx.runs; i++) {
    const [a, b] = (await Promise.all([startBackend(suite), startBackend(suite)])) as [Backend, Backend];
    try {
      const s = await runChild<SuiteOutcome>('suite', { suite, env: runEnv(ctx, a.env), concurrency: CONCURRENCY });
      const p = await runChild<ReplayOutcome>('replay', { recording: file, identity: b.identity, concurrency: CONCURRENCY });
      f.suiteMs.push(s.wallMs);
      f.plainMs.push(p.wallMs);
      f.ratios.push(s.wallMs / p.wallMs);
      f.suiteCpuMs.push(s.cpuMs);
      f.plainCpuMs.push(p.cpuMs);
      f.statusMatch = Math.min(f.statusMatch, p.statusMatches / Math.max(1, p.requests));
      ctx.log(
        `  overhead ${suite} run ${i + 1}/${ctx.runs}: suite ${ms(s.wallMs)} (cpu ${ms(s.cpuMs)}), plain ${ms(p.wallMs)} (cpu ${ms(p.cpuMs)}) → ${ratio(s.wallMs / p.wallMs)}`,
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  if (ctx.profileDir) {
    // An extra pair, profiled (the profiler slows what it watches): not part of the figures.
    const [a, b] = (await Promise.all([startBackend(suite), startBackend(suite)])) as [Backend, Backend];
    try {
      const suiteProfile = `${ctx.profileDir}/${suite}-suite.cpuprofile`;
      const plainProfile = `${ctx.profileDir}/${suite}-plain.cpuprofile`;
      await runChild<SuiteOutcome>('suite', { suite, env: runEnv(ctx, a.env), concurrency: CONCURRENCY, cpuProfile: suiteProfile });
      await runChild<ReplayOutcome>('replay', { recording: file, identity: b.identity, concurrency: CONCURRENCY, cpuProfile: plainProfile });
      ctx.log(`  profiles: ${suiteProfile}, ${plainProfile}`);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  return f;
}

export async function overheadSection(ctx: BenchContext): Promise<Table[]> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const cliRows: string[][] = [];
  for (const suite of ['k8s', 'nova'] as const) {
    ctx.log(`overhead: ${suite}`);
    const f = await measureOverhead(ctx, suite);
    const r = median(f.ratios);
    rows.push([
      suite === 'k8s' ? 'k8s.pods.patch' : 'nova.servers.update',
      String(f.variants),
      String(f.requests),
      ms(median(f.suiteMs)),
      ms(median(f.plainMs)),
      ms(median(f.suiteCpuMs)),
      ms(median(f.plainCpuMs)),
      `${ratio(r)} ${r <= 1.2 ? '✓' : '✗'}`,
      ratio(Math.min(...f.suiteMs) / Math.min(...f.plainMs)),
      ratio(median(f.suiteCpuMs) / median(f.plainCpuMs)),
      f.ratios.map((x) => x.toFixed(2)).join(' '),
    ]);
    if (f.statusMatch < 0.99) notes.push(`${suite}: only ${(f.statusMatch * 100).toFixed(1)} % of replayed answers had the recorded status`);
    ctx.log(`overhead: ${suite} CLI end to end`);
    const cli = await runCli(['run', '--suite', suite]);
    const res = readResults(cli.reportDir, suite === 'k8s' ? 'k8s' : 'nova');
    cliRows.push([`${CLI_COMMANDS.compiled.label} run --suite ${suite}`, ms(cli.wallMs), String(cli.code), res ? String(res.cases) : 'n/a']);
  }
  return [
    {
      title: `Overhead: suite vs plain undici, same requests, same loopback backend, concurrency ${CONCURRENCY}`,
      columns: [
        'suite',
        'variants',
        'requests',
        'suite wall',
        'plain wall',
        'suite CPU',
        'plain CPU',
        'wall ratio (median)',
        'best-of',
        'CPU ratio',
        'wall ratios per run',
      ],
      rows,
      notes: [
        `median of ${ctx.runs} interleaved pairs; each run in a fresh process against a fresh reference-backend process (2 cores: client and server get one each)`,
        'suite = every case variant through engine/run-case.ts runCase with the suite adapter (prepare, GET, update, GET, checks, evidence, release); plain = the recorded requests of one suite run sent with undici request() and body.text(), same per-case order and concurrency',
        'wall = first case started → last case done (process start, session open and close excluded); CPU = user+system of the client process in that span; requests = every request of the case runs as sent (k8s: including the release DELETE, which results.json does not count)',
        'wall ratio = median of the per-pair ratios (the goal: ≤ 1.2×); best-of = fastest suite run / fastest plain run (the estimate least disturbed by other load on a shared machine); CPU ratio = median client CPU suite / plain',
        ...notes,
      ],
    },
    {
      title: 'Overhead: the full command line per suite (embedded backend, one run each)',
      columns: ['command', 'wall', 'exit', 'cases'],
      rows: cliRows,
      notes: ['the compiled CLI (what npm start runs): includes vitest start-up, the embedded backend, the reports and the secret scan'],
    },
  ];
}
