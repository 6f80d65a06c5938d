import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError } from '../errors.ts';

/** A read-only view of the settings: the real environment wins over `.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads `.env` (or `CONFORMANCE_ENV_FILE`) into a copy of the environment without overriding
 * variables that are already set, so CI variables always win over a developer's file.
 */
export function loadEnv(base: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  const merged: Record<string, string | undefined> = { ...base };
  const explicit = base.CONFORMANCE_ENV_FILE;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, '.env');
  if (explicit && !existsSync(file)) {
    throw new ConfigError('CONFORMANCE_ENV_FILE', `file ${explicit} does not exist`, 'point it at a readable .env file or unset it');
  }
  if (existsSync(file)) {
    const parsed = loadDotenv({ path: file, processEnv: {}, quiet: true }).parsed ?? {};
    for (const [key, value] of Object.entries(parsed)) if (merged[key] === undefined) merged[key] = value;
  }
  return Object.freeze(merged);
}

/** A non-empty value or undefined (empty strings count as unset, as shells make them easy to leak). */
export function get(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function getBool(env: Env, name: string): boolean {
  const v = get(env, name);
  if (v === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(name, `"${v}" is not a boolean`, 'use true or false');
}

export function getInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = get(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new ConfigError(name, `"${v}" is not a whole number`, `use a number from ${min} to ${max}`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `${n} is out of range`, `use a number from ${min} to ${max}`);
  return n;
}

/** Validates an http(s) URL and returns it without a trailing slash. */
export function getUrl(env: Env, name: string): string | undefined {
  const v = get(env, name);
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(name, `"${v}" is not a valid URL`, 'use a full URL such as https://host:6443');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `"${v}" must use http or https`, 'use a full URL such as https://host:6443');
  }
  if (url.username || url.password) {
    throw new ConfigError(name, 'credentials must not be embedded in the URL', 'pass them in their own variables');
  }
  return v.replace(/\/+$/, '');
}
