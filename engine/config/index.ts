import type { Env } from './env.ts';
import { type K8sTargetConfig, loadK8sConfig } from './k8s.ts';
import { loadNovaConfig, type NovaTargetConfig } from './openstack.ts';
import { loadRunConfig, type RunConfig } from './run.ts';

export { type Env, loadEnv } from './env.ts';
export type { K8sTargetConfig } from './k8s.ts';
export type { NovaTargetConfig, OsCredentials } from './openstack.ts';
export type { RunConfig, SuiteName } from './run.ts';

/** Everything a run needs, validated up front: a bad setting throws `ConfigError` before any request. */
export interface Config {
  run: RunConfig;
  k8s?: K8sTargetConfig;
  nova?: NovaTargetConfig;
}

export function loadConfig(env: Env): Config {
  return { run: loadRunConfig(env), k8s: loadK8sConfig(env), nova: loadNovaConfig(env) };
}
