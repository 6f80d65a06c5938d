/**
 * Opens a suite's target exactly as the vitest suites do (suites/k8s, suites/nova): configuration from an env
 * record → session → the suite's adapter and schema registry, so the benchmark measures the same code path.
 */
import type { CaseVariant } from '../../engine/cases/types.ts';
import { type Config, loadConfig } from '../../engine/config/index.ts';
import type { TargetAdapter } from '../../engine/run-case.ts';
import type { SchemaRegistry } from '../../engine/schemas.ts';
import { openSuite, targetNamed } from '../../engine/targets/index.ts';
import type { MicroversionRange } from '../../engine/targets/nova/microversions.ts';
import type { NovaFacts } from '../../engine/targets/nova/preflight.ts';
import type { SuiteName } from './backends.ts';

export interface BenchTarget {
  suite: SuiteName;
  config: Config;
  /** The suite's own case variants (fixtures). */
  variants: CaseVariant[];
  adapter: TargetAdapter;
  schemas: SchemaRegistry;
  /** Nova: the negotiated microversion range (generated cases pin a microversion inside it). */
  novaRange?: MicroversionRange;
  /** Nova: servers in the lease pool (caps concurrency). */
  poolSize?: number;
  close(): Promise<void>;
}

export async function openBenchTarget(suite: SuiteName, env: Record<string, string>): Promise<BenchTarget> {
  const config = loadConfig(env);
  const opened = await openSuite(targetNamed(suite), config);
  const nova = suite === 'nova' ? (opened.facts as NovaFacts) : undefined;
  return {
    suite,
    config,
    variants: opened.variants,
    adapter: opened.adapter,
    schemas: opened.schemas,
    novaRange: nova?.range,
    poolSize: nova ? (config.targets.nova as { serverIds: string[] }).serverIds.length : undefined,
    close: () => opened.close(),
  };
}

/** Runs `work(i)` for i in 0…n-1 with at most `concurrency` in flight (the suites' describe.concurrent + maxConcurrency). */
export async function runPool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}
