/**
 * Settings that look like ours but are not: a misspelt variable must never quietly leave a target unconfigured
 * (and the run on the embedded backends). Every name the run and the targets read is known (engine/config/run.ts
 * RUN_VARIABLES, each TargetModule's `variables`); a name in one of their namespaces (`K8S_`, `NOVA_`,
 * `CONFORMANCE_` …) that is not known, or any name a typo away from a known one, is a configuration error.
 * Namespaces a target shares with other tools (`OS_`: openrc files carry many) only warn.
 */
import { ConfigError } from '../errors.ts';
import type { Env } from './env.ts';

export interface KnownVariables {
  /** Exact names, and prefixes ending in `_` (every name under them is known). */
  names: readonly string[];
  /** Namespaces (prefixes ending in `_`) other tools use too: an unknown name there only warns. */
  shared: readonly string[];
}

/** Levenshtein distance, capped: anything above `max` is reported as max + 1. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(prev[b.length] ?? max + 1, max + 1);
}

/** How far a name may be from a known one and still count as its typo: 1 for short names, 2 from 8 characters. */
const typoReach = (name: string) => (name.length >= 8 ? 2 : 1);

/** The closest known exact name and its distance (case-insensitive). */
function closest(name: string, exact: readonly string[]): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const k of exact) {
    const d = editDistance(name.toUpperCase(), k.toUpperCase());
    if (!best || d < best.distance) best = { name: k, distance: d };
  }
  return best;
}

/**
 * Checks every variable that is set (the environment and `.env`). Throws ConfigError for the first that looks
 * like ours but is not, naming the closest known name; returns one warning per unknown name of a shared namespace.
 */
export function checkVariables(env: Env, known: KnownVariables): string[] {
  const exact = known.names.filter((n) => !n.endsWith('_'));
  const prefixes = known.names.filter((n) => n.endsWith('_'));
  const namespaces = new Set(known.names.filter((n) => n.includes('_')).map((n) => n.slice(0, n.indexOf('_') + 1)));
  const isKnown = (name: string) => exact.includes(name) || prefixes.some((p) => name.startsWith(p));
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (env[name] === undefined || isKnown(name)) continue;
    const near = closest(name, exact);
    const hint = near && near.distance <= 3 ? ` (did you mean ${near.name}?)` : '';
    const namespace = [...namespaces].find((ns) => name.startsWith(ns));
    const typo = near !== undefined && near.distance <= typoReach(name);
    if (namespace && known.shared.includes(namespace)) {
      warnings.push(`${name} is not a setting of update-conformance and is ignored${hint}`);
      continue;
    }
    if (namespace || typo) {
      throw new ConfigError(
        name,
        `is not a setting of update-conformance${hint}`,
        near && near.distance <= 3 ? `rename it to ${near.name} or unset it` : 'unset it (see .env.example for the settings)',
      );
    }
  }
  return warnings;
}
