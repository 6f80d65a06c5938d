import { TARGETS } from '../targets/index.ts';
import type { Env } from './env.ts';
import { loadRunConfig, type RunConfig } from './run.ts';

export { type Env, loadEnv } from './env.ts';
export type { RunConfig } from './run.ts';

/**
 * Everything a run needs, validated up front: a bad setting throws `ConfigError` before any request. Parsed
 * once (by the CLI) and handed to the vitest workers as it is; nobody re-reads the environment after this.
 */
export interface Config {
  run: RunConfig;
  /** Each configured target's own configuration, by target name (engine/targets/index.ts). */
  targets: Record<string, unknown>;
}

export function loadConfig(env: Env): Config {
  const run = loadRunConfig(
    env,
    TARGETS.map((t) => t.name),
  );
  const targets: Record<string, unknown> = {};
  for (const t of TARGETS) {
    const cfg = t.loadConfig(env);
    if (cfg !== undefined) targets[t.name] = cfg;
  }
  return { run, targets };
}
