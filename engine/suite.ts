import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import type { Config } from './config/index.ts';
import { registerSecret } from './config/secrets.ts';
import { generatedOrigin } from './generate/in-run.ts';
import { type CaseResult, explain } from './results.ts';
import { runWithRetries } from './retry.ts';
import { runCase } from './run-case.ts';
import { type OpenedSuite, openSuite, selectedVariants } from './targets/open.ts';
import type { AnyTarget, TargetInfo } from './targets/target.ts';

/** What the CLI hands every vitest worker: the configuration it parsed, what it discovered, the secrets to redact. */
export interface ProvidedRun {
  config: Config;
  /** Each target's discovered facts, by target name. */
  facts: Record<string, unknown>;
  secrets: string[];
}

declare module 'vitest' {
  interface ProvidedContext {
    conformance: ProvidedRun;
  }
  interface TaskMeta {
    /** The case result, read by reporters/conformance.ts (JSON only: it crosses the worker boundary). */
    result?: CaseResult;
    /** What the suite ran against, for the report header. */
    target?: TargetInfo;
  }
}

/**
 * Declares a target's conformance suite: one vitest test per selected case variant, run concurrently (the
 * run's concurrency), each recording its CaseResult as task meta for the reporters. The target opens when the
 * suite starts; a failed or errored case fails its test with the one line that explains it.
 */
export function defineConformanceSuite(target: AnyTarget): void {
  const { config, facts, secrets } = inject('conformance');
  // Workers redact evidence too: they must know every secret the CLI loaded.
  for (const s of secrets) registerSecret(s);
  const variants = selectedVariants(target, config.run, facts[target.name]);
  let opened: OpenedSuite | undefined;

  describe.concurrent(target.suite, () => {
    beforeAll(async () => {
      opened = await openSuite(target, config, facts[target.name]);
    });
    afterAll(async () => {
      await opened?.close();
    });
    // [id, variant] pairs: '%s' prints the id whole (an object's '$id' would be quoted and cut).
    test.for(variants.map((v) => [v.id, v] as const))('%s', async ([, v], { task, skip }) => {
      if (!opened) throw new Error('target not opened');
      const suite = opened;
      const result = await runWithRetries(() => runCase(v, suite.adapter, suite.schemas, { fullEvidence: config.run.fullEvidence }), config.run.retry);
      const generated = generatedOrigin(target, config.run.generate, v.case.id);
      if (generated) result.generated = generated;
      task.meta.result = result;
      task.meta.target = opened.info;
      if (result.verdict === 'skip') skip(result.reason);
      if (result.verdict !== 'pass') throw new Error(explain(result));
    });
  });
}
