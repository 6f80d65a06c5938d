/**
 * One measurement, in a fresh process (clean JIT, clean heap, its own peak RSS):
 *
 *   suite  — open a suite's target as the vitest suite does and run its case variants through runCase at
 *            concurrency C; optionally record every request (method, url, headers, body) per case.
 *   replay — send a recording's requests with plain undici `request` (same per-case order, same concurrency).
 *   replay-all — send several recordings at once (the main job's suites).
 *   scale  — stream N generated cases (engine/generate) through runCase, keeping only counts.
 *   shrink — find a failing generated case against a faulty backend and shrink it (fast-check).
 *
 * Usage: tsx bench/child.ts <mode> '<json spec>'; prints one JSON line with the figures.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { type Dispatcher, request } from 'undici';
import type { CaseVariant } from '../engine/cases/types.ts';
import { generateCases, generatedVariant, type ShrinkReport, shrinkFailure } from '../engine/generate/index.ts';
import { HttpClient, type HttpRequest } from '../engine/http/client.ts';
import type { Exchange } from '../engine/http/exchange.ts';
import { type CaseResult, explain } from '../engine/results.ts';
import { runCase } from '../engine/run-case.ts';
import type { SuiteName } from './lib/backends.ts';
import { openBenchTarget, runPool } from './lib/targets.ts';

export interface RecordedRequest extends HttpRequest {
  /** Status the suite got (for the replay's sanity figure). */
  status?: number;
}

export interface Recording {
  suite: SuiteName;
  /** The recorded backend's identity (origin, tokens, server ids): replaced by the fresh backend's. */
  identity: string[];
  open: RecordedRequest[];
  cases: RecordedRequest[][];
  close: RecordedRequest[];
}

export interface Selection {
  /** Every n-th variant only. */
  every?: number;
  /** At most this many variants. */
  limit?: number;
}

export interface SuiteSpec {
  suite: SuiteName;
  /** Write a CPU profile of the timed part (the case runs only) to this file. */
  cpuProfile?: string;
  env: Record<string, string>;
  concurrency: number;
  /** Write a Recording here. */
  record?: string;
  identity?: string[];
  select?: Selection;
}

export interface SuiteOutcome {
  wallMs: number;
  /** CPU (user + system) this process used during the timed part. */
  cpuMs: number;
  openMs: number;
  closeMs: number;
  variants: number;
  counts: Record<string, number>;
  requests: number;
  maxRssKb: number;
  poolSize?: number;
  problems: string[];
}

export interface ReplaySpec {
  recording: string;
  /** Write a CPU profile of the timed part to this file. */
  cpuProfile?: string;
  /** Identity of the backend to replay against (same order as the recording's). */
  identity: string[];
  concurrency: number;
  /** Send with plain undici `request` (default) or with the engine's HttpClient (the suite's HTTP layer alone). */
  via?: 'undici' | 'httpclient';
}

export interface ReplayOutcome {
  wallMs: number;
  cpuMs: number;
  requests: number;
  statusMatches: number;
  maxRssKb: number;
}

export interface ScaleSpec {
  suite: SuiteName;
  env: Record<string, string>;
  count: number;
  seed: number;
  concurrency: number;
}

export interface ScaleOutcome {
  wallMs: number;
  cpuMs: number;
  openMs: number;
  count: number;
  counts: Record<string, number>;
  requests: number;
  /** process.resourceUsage().maxRSS at the end (peak of the whole process, KB). */
  maxRssKb: number;
  /** Peak of sampled heapUsed (MB), every 100 ms. */
  heapPeakMb: number;
  /** RSS (MB) when 25, 50, 75 and 100 % of the cases were done. */
  rssAtQuartersMb: number[];
  /** Wall time (ms since the first case) when 25, 50, 75 and 100 % of the cases were done. */
  msAtQuarters: number[];
  /** A few non-passing results (bounded). */
  notPassing: string[];
}

export function select<T>(items: T[], sel: Selection = {}): T[] {
  let out = sel.every && sel.every > 1 ? items.filter((_, i) => i % (sel.every as number) === 0) : items;
  if (sel.limit !== undefined) out = out.slice(0, sel.limit);
  return out;
}

/** Profiles `work` with the inspector (only what runs inside it) into `file`, when given. */
async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

async function suiteMode(spec: SuiteSpec): Promise<SuiteOutcome> {
  const phase = new AsyncLocalStorage<RecordedRequest[]>();
  const rec: Recording | undefined = spec.record ? { suite: spec.suite, identity: spec.identity ?? [], open: [], cases: [], close: [] } : undefined;
  if (rec) {
    // Record at the one place every request passes (the engine's HttpClient), grouped by the case in flight.
    const send = HttpClient.prototype.send;
    HttpClient.prototype.send = async function (this: HttpClient, req: HttpRequest): Promise<Exchange> {
      const entry: RecordedRequest = { method: req.method, url: req.url, headers: { ...(req.headers ?? {}) }, body: req.body };
      phase.getStore()?.push(entry);
      const ex = await send.call(this, req);
      entry.status = ex.response.status;
      return ex;
    };
  }
  const t0 = performance.now();
  const open = () => openBenchTarget(spec.suite, spec.env);
  const target = rec ? await phase.run(rec.open, open) : await open();
  const openMs = performance.now() - t0;
  const variants = select(target.variants, spec.select);
  const counts: Record<string, number> = {};
  const problems: string[] = [];
  let requests = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await profiled(spec.cpuProfile, () =>
    runPool(variants.length, spec.concurrency, async (i) => {
      const group: RecordedRequest[] = [];
      if (rec) rec.cases[i] = group;
      // AsyncLocalStorage (async hooks) only when recording: a timed run must not pay for it.
      const run = () => runCase(variants[i] as CaseVariant, target.adapter, target.schemas);
      const r = rec ? await phase.run(group, run) : await run();
      count(counts, r.verdict);
      requests += r.requests;
      if ((r.verdict === 'fail' || r.verdict === 'error') && problems.length < 10) problems.push(`${r.id}: ${explain(r)}`);
    }),
  );
  const wallMs = performance.now() - started;
  const cpuMs = cpuSince(cpu0);
  const t1 = performance.now();
  if (rec) await phase.run(rec.close, () => target.close());
  else await target.close();
  const closeMs = performance.now() - t1;
  if (rec && spec.record) writeFileSync(spec.record, JSON.stringify(rec));
  return {
    wallMs,
    cpuMs,
    openMs,
    closeMs,
    variants: variants.length,
    counts,
    requests,
    maxRssKb: process.resourceUsage().maxRSS,
    poolSize: target.poolSize,
    problems,
  };
}

function substitute(text: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) if (from !== to && out.includes(from)) out = out.split(from).join(to);
  return out;
}

interface Replay {
  open: RecordedRequest[];
  cases: RecordedRequest[][];
  close: RecordedRequest[];
}

/** A recording with its backend's identity replaced by a fresh backend's, up front: the timed part only sends. */
function loadReplay(recording: string, identity: string[]): Replay {
  const rec = JSON.parse(readFileSync(recording, 'utf8')) as Recording;
  const pairs = rec.identity.map((from, i): [string, string] => [from, identity[i] ?? from]);
  const fix = (r: RecordedRequest): RecordedRequest => ({
    method: r.method,
    url: substitute(r.url, pairs),
    headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, substitute(v, pairs)])),
    body: r.body === undefined ? undefined : substitute(r.body, pairs),
    status: r.status,
  });
  return { open: rec.open.map(fix), cases: rec.cases.map((g) => (g ?? []).map(fix)), close: rec.close.map(fix) };
}

/** Sends one recorded request with plain undici `request()` (or the engine's HttpClient); true when its status matches. */
type Sender = (r: RecordedRequest) => Promise<boolean>;

function plainSender(client?: HttpClient): Sender {
  return async (r) => {
    let status: number;
    if (client) status = (await client.send(r)).response.status;
    else {
      const res = await request(r.url, { method: r.method as Dispatcher.HttpMethod, headers: r.headers, body: r.body });
      await res.body.text();
      status = res.statusCode;
    }
    return status === r.status;
  };
}

async function replayMode(spec: ReplaySpec): Promise<ReplayOutcome> {
  const { open, cases, close } = loadReplay(spec.recording, spec.identity);
  const client = spec.via === 'httpclient' ? new HttpClient({ timeoutMs: 15_000 }) : undefined;
  const send = plainSender(client);
  for (const r of open) await send(r);
  let requests = 0;
  let statusMatches = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await profiled(spec.cpuProfile, () =>
    runPool(cases.length, spec.concurrency, async (i) => {
      for (const r of cases[i] ?? []) {
        if (await send(r)) statusMatches++;
        requests++;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpuMs = cpuSince(cpu0);
  for (const r of close) await send(r);
  await client?.close();
  return { wallMs, cpuMs, requests, statusMatches, maxRssKb: process.resourceUsage().maxRSS };
}

export interface ReplayAllSpec {
  /** Each suite's recording and the identity of the backend to send it to; the suites are sent at the same time. */
  replays: { recording: string; identity: string[] }[];
  concurrency: number;
}

/**
 * The main job's requests without the harness: every suite's recording (session requests included) sent with
 * plain undici at the same time, each at the suite's concurrency, as the run sends its suites. Timed from the
 * first request to the last answer (the process start is not the requests').
 */
async function replayAllMode(spec: ReplayAllSpec): Promise<ReplayOutcome> {
  const send = plainSender();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const counts = await Promise.all(
    spec.replays.map(async ({ recording, identity }) => {
      const { open, cases, close } = loadReplay(recording, identity);
      let requests = 0;
      let statusMatches = 0;
      const one = async (r: RecordedRequest) => {
        if (await send(r)) statusMatches++;
        requests++;
      };
      for (const r of open) await one(r);
      await runPool(cases.length, spec.concurrency, async (i) => {
        for (const r of cases[i] ?? []) await one(r);
      });
      for (const r of close) await one(r);
      return { requests, statusMatches };
    }),
  );
  return {
    wallMs: performance.now() - started,
    cpuMs: cpuSince(cpu0),
    requests: counts.reduce((n, c) => n + c.requests, 0),
    statusMatches: counts.reduce((n, c) => n + c.statusMatches, 0),
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

async function scaleMode(spec: ScaleSpec): Promise<ScaleOutcome> {
  const t0 = performance.now();
  const target = await openBenchTarget(spec.suite, spec.env);
  const openMs = performance.now() - t0;
  const counts: Record<string, number> = {};
  const notPassing: string[] = [];
  const rssAtQuartersMb: number[] = [];
  const msAtQuarters: number[] = [];
  let heapPeak = 0;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 100);
  let requests = 0;
  let done = 0;
  const quarter = Math.max(1, Math.floor(spec.count / 4));
  const cases = generateCases({ suite: spec.suite, seed: spec.seed, count: spec.count });
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await runPool(spec.count, spec.concurrency, async () => {
    const next = cases.next();
    if (next.done) return;
    const r: CaseResult = await runCase(generatedVariant(next.value, target.novaRange), target.adapter, target.schemas);
    // Passing results are only counted: nothing of them (evidence included) outlives this line.
    count(counts, r.verdict);
    requests += r.requests;
    if (r.verdict !== 'pass' && notPassing.length < 10) notPassing.push(`${r.id}: ${explain(r)}`);
    done++;
    if (done % quarter === 0 && rssAtQuartersMb.length < 4) {
      rssAtQuartersMb.push(Math.round(process.memoryUsage().rss / 1048576));
      msAtQuarters.push(Math.round(performance.now() - started));
    }
  });
  const wallMs = performance.now() - started;
  const cpuMs = cpuSince(cpu0);
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  await target.close();
  return {
    wallMs,
    cpuMs,
    openMs,
    count: spec.count,
    counts,
    requests,
    maxRssKb: process.resourceUsage().maxRSS,
    heapPeakMb: Math.round(heapPeak / 1048576),
    rssAtQuartersMb,
    msAtQuarters,
    notPassing,
  };
}

export interface ShrinkSpec {
  suite: SuiteName;
  env: Record<string, string>;
  family: string;
  seed: number;
}

export interface ShrinkOutcome {
  wallMs: number;
  report: Omit<ShrinkReport, 'minimal' | 'original'> & { originalInput?: unknown; minimalInput?: unknown; minimalCase?: unknown; minimalLine?: string };
}

/** Searches and shrinks a failing generated case against a (faulty) backend. */
async function shrinkMode(spec: ShrinkSpec): Promise<ShrinkOutcome> {
  const target = await openBenchTarget(spec.suite, spec.env);
  const started = performance.now();
  const r = await shrinkFailure(spec.family, spec.seed, (c) => runCase(generatedVariant(c, target.novaRange), target.adapter, target.schemas));
  const wallMs = performance.now() - started;
  await target.close();
  const { minimal, original, ...rest } = r;
  return {
    wallMs,
    report: {
      ...rest,
      originalInput: original?.input,
      minimalInput: minimal?.input,
      minimalCase: minimal && { request: minimal.case.request, expect: minimal.case.expect },
      minimalLine: minimal && explain(minimal.result),
    },
  };
}

async function main(): Promise<void> {
  const [mode, raw] = process.argv.slice(2);
  const spec = JSON.parse(raw ?? '{}');
  let out: unknown;
  if (mode === 'suite') out = await suiteMode(spec as SuiteSpec);
  else if (mode === 'replay') out = await replayMode(spec as ReplaySpec);
  else if (mode === 'replay-all') out = await replayAllMode(spec as ReplayAllSpec);
  else if (mode === 'scale') out = await scaleMode(spec as ScaleSpec);
  else if (mode === 'shrink') out = await shrinkMode(spec as ShrinkSpec);
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
