/**
 * Opens a suite's target exactly as the vitest suites do (suites/k8s, suites/nova): configuration from an env
 * record → session → the suite's adapter and schema registry, so the benchmark measures the same code path.
 */
import { loadCaseFile } from '../../engine/cases/load.ts';
import type { CaseVariant } from '../../engine/cases/types.ts';
import { type Config, loadConfig } from '../../engine/config/index.ts';
import type { TargetAdapter } from '../../engine/run-case.ts';
import { SchemaRegistry } from '../../engine/schemas.ts';
import { addK8sSchemas, type PodCase, podsPatchAdapter, podVariants } from '../../engine/targets/k8s/pods-patch.ts';
import { openK8sSession } from '../../engine/targets/k8s/session.ts';
import type { MicroversionRange } from '../../engine/targets/nova/microversions.ts';
import { addNovaSchemas, type ServerCase, serversUpdateAdapter, serverVariants } from '../../engine/targets/nova/servers-update.ts';
import { openNovaSession } from '../../engine/targets/nova/session.ts';
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
  if (suite === 'k8s') {
    const schemas = new SchemaRegistry();
    addK8sSchemas(schemas);
    const variants = podVariants(loadCaseFile<PodCase>('k8s/pods-patch.cases.yaml', 'k8s/case.schema.json').cases) as CaseVariant[];
    const session = await openK8sSession(config);
    return {
      suite,
      config,
      variants,
      adapter: podsPatchAdapter(session) as unknown as TargetAdapter,
      schemas,
      close: () => session.close(),
    };
  }
  const schemas = new SchemaRegistry();
  const table = addNovaSchemas(schemas);
  const session = await openNovaSession(config);
  return {
    suite,
    config,
    variants: serverVariants(loadCaseFile<ServerCase>('nova/servers-update.cases.yaml', 'nova/case.schema.json').cases, session.range) as CaseVariant[],
    adapter: serversUpdateAdapter(session, table) as unknown as TargetAdapter,
    schemas,
    novaRange: session.range,
    poolSize: config.nova?.serverIds.length,
    close: () => session.close(),
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
