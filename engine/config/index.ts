import { ConfigError } from '../errors.ts';
import { TARGETS } from '../targets/index.ts';
import type { Env } from './env.ts';
import { loadRunConfig, RUN_VARIABLES, type RunConfig } from './run.ts';
import type { KnownVariables } from './variables.ts';

export { type Env, loadEnv } from './env.ts';
export type { RunConfig } from './run.ts';
export { checkVariables } from './variables.ts';

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
    // An empty setting (a CI secret that is not there) must not leave the target quietly unconfigured.
    else if (!run.embedded) {
      const empty = t.variables.find((n) => !n.endsWith('_') && env[n] !== undefined && env[n]?.trim() === '');
      if (empty) throw new ConfigError(empty, 'is set but empty', `give it a value or unset it (no ${t.apiName} target is configured without it)`);
    }
  }
  return { run, targets };
}

/** Every variable of the run and of the registered targets, plus `also` (e.g. the reference backends' own). */
export function knownVariables(also: readonly string[] = []): KnownVariables {
  return {
    names: [...RUN_VARIABLES, ...TARGETS.flatMap((t) => t.variables), ...also],
    shared: TARGETS.flatMap((t) => t.sharedNamespaces ?? []),
  };
}
