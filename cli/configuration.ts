/**
 * The configuration a run used, as results.json records it and `bundle` hands it in (config.json): where the
 * settings came from, every setting that was set (secret ones as "***", never their values) and what they
 * amounted to — recorded by the run itself, so a bundle made later, elsewhere, still says what the run used.
 */
import { basename } from 'node:path';
import { get } from '../engine/config/env.ts';
import type { Config, Env } from '../engine/config/index.ts';
import { redactText } from '../engine/config/secrets.ts';
import { TARGETS } from '../engine/targets/index.ts';

/** Variables whose value is a secret: listed as "***". */
const SECRET_NAME = /TOKEN|PASSWORD|SECRET|CREDENTIAL|_KEY$|KEY_DATA/i;
/** The variables that configure update-conformance (the prefixes of .env.example). */
const SETTING = /^(K8S_|OS_|NOVA_|KUBECONFIG$|CONFORMANCE_)/;

/** Where the settings came from: the flags given, the .env file read (if any), the environment. */
export interface ConfigSource {
  flags: string[];
  envFile?: string;
}

/** Every setting that is set, secret values as "***". */
export function settingsOf(env: Env): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const name of Object.keys(env)
    .filter((n) => SETTING.test(n))
    .sort()) {
    const value = get(env, name);
    if (value === undefined) continue;
    variables[name] = SECRET_NAME.test(name) ? '***' : redactText(value);
  }
  return variables;
}

/** What the configuration amounts to: the run's settings and each target's own (no secrets). */
export function describeConfig(c: Config): Record<string, unknown> {
  const { run } = c;
  const { variants, variantsFrom, rerunOf, ...selection } = run.selection;
  const out: Record<string, unknown> = {
    run: {
      suites: run.suites ?? 'every configured suite (all of them, on embedded reference backends, when none is)',
      selection: { ...selection, ...(variants ? { rerunFailedOf: variantsFrom, variants: variants.length } : {}) },
      shard: run.shard ? `${run.shard.index}/${run.shard.total}` : null,
      concurrency: run.concurrency,
      timeoutMs: run.timeoutMs,
      baseline: run.baselineFile ? basename(run.baselineFile) : null,
      embedded: run.embedded,
    },
  };
  for (const t of TARGETS) out[t.name] = c.targets[t.name] === undefined ? null : t.describeConfig(c.targets[t.name]);
  return out;
}

/** The record a run keeps of its configuration (RunReport.configuration). */
export function recordConfiguration(env: Env, config: Config, source: ConfigSource | undefined): Record<string, unknown> {
  return {
    note: 'the configuration of the run, recorded when it started; secret values are never included',
    source: {
      flags: source?.flags ?? [],
      envFile: source?.envFile ?? null,
      environment: 'variables set in the environment win over the .env file; flags win over both',
    },
    variables: settingsOf(env),
    effective: describeConfig(config),
  };
}
