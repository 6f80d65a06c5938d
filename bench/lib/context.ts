/** What every benchmark section gets from bench/run.ts. */
export interface BenchContext {
  /** Repetitions of each timed comparison (the overhead ratio is the median of this many pairs). */
  runs: number;
  /** Smaller sizes and fewer repetitions (for a quick look, not for the figures). */
  quick: boolean;
  /** Added latency of the latency-bound runs (ms per request, the fault proxy's latency mode). */
  latencyMs: number;
  /** Concurrency levels of the concurrency section. */
  concurrency: number[];
  /** Generated-case counts of the scale section. */
  sizes: number[];
  /** Seed of the generated cases. */
  seed: number;
  /** Scratch directory for recordings and reports. */
  tmp: string;
  /** Write CPU profiles (.cpuprofile) of one extra, untimed suite/plain pair per suite here. */
  profileDir?: string;
  /** Progress (stderr). */
  log(line: string): void;
}

/** Ordinary run settings of a measured child: a fixed run id and reports in the scratch directory. */
export function runEnv(ctx: BenchContext, extra: Record<string, string>): Record<string, string> {
  return { CONFORMANCE_RUN_ID: 'bench1', CONFORMANCE_REPORT_DIR: `${ctx.tmp}/reports`, ...extra };
}
