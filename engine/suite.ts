import { afterAll, beforeAll, describe, test } from 'vitest';
import { isSelected } from './cases/select.ts';
import { inShard, parseShard } from './cases/shard.ts';
import type { CaseVariant, ConformanceCase } from './cases/types.ts';
import { type Config, loadConfig, loadEnv } from './config/index.ts';
import { type CaseResult, explain } from './results.ts';
import { type RunCaseOptions, runCase, type TargetAdapter } from './run-case.ts';
import type { SchemaRegistry } from './schemas.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The case result, read by reporters/conformance.ts (JSON only: it crosses the worker boundary). */
    result?: CaseResult;
    /** What the suite ran against, for the report header. */
    target?: TargetInfo;
  }
}

/** Shown in the report header for each suite. */
export interface TargetInfo {
  suite: string;
  url: string;
  version: string;
  details: Record<string, string>;
  insecure?: boolean;
}

export interface OpenedTarget<C extends ConformanceCase> {
  adapter: TargetAdapter<C>;
  info: TargetInfo;
  close(): Promise<void>;
}

export interface SuiteDefinition<C extends ConformanceCase> {
  title: string;
  variants: CaseVariant<C>[];
  schemas: SchemaRegistry;
  open(config: Config): Promise<OpenedTarget<C>>;
}

/**
 * Declares a conformance suite: one vitest test per case variant, run concurrently (CONFORMANCE_CONCURRENCY),
 * each recording its CaseResult as task meta for the reporters. A failed or errored case fails its test with
 * the one line that explains it.
 */
export function defineConformanceSuite<C extends ConformanceCase>(def: SuiteDefinition<C>): void {
  const env = loadEnv();
  const config = loadConfig(env);
  const options: RunCaseOptions = { fullEvidence: process.env.CONFORMANCE_FULL_EVIDENCE === 'true' };
  let opened: OpenedTarget<C> | undefined;
  // CONFORMANCE_SHARD=i/n (cases/shard.ts): only the variants whose id hashes to shard i (validated by the CLI).
  const shard = parseShard(env.CONFORMANCE_SHARD);
  const variants = def.variants.filter((v) => isSelected(config.run.selection, v.id, v.case) && inShard(v.id, shard));

  describe.concurrent(def.title, () => {
    beforeAll(async () => {
      opened = await def.open(config);
    });
    afterAll(async () => {
      await opened?.close();
    });
    // [id, variant] pairs: '%s' prints the id whole (an object's '$id' would be quoted and cut).
    test.for(variants.map((v) => [v.id, v] as const))('%s', async ([, v], { task, skip }) => {
      if (!opened) throw new Error('target not opened');
      const result = await runCase(v, opened.adapter, def.schemas, options);
      task.meta.result = result;
      task.meta.target = opened.info;
      if (result.verdict === 'skip') skip(result.reason);
      if (result.verdict !== 'pass') throw new Error(explain(result));
    });
  });
}
