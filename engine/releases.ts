/**
 * The upstream releases a suite is proven on (fixtures/<target>/releases.yaml: what .ci/run runs it against, the
 * one home of that list) and whether a target's release is one of them. A target outside the set is not an
 * error: its verdict line and every report say so, because an expectation may differ there unscoped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './paths.ts';
import type { AnyTarget } from './targets/target.ts';
import { compareVersions, parseVersion } from './versions.ts';
import { readYamlFixture } from './yaml.ts';

export interface ProvenRelease {
  /** In the suite's version scheme: the Kubernetes minor (`1.34`), Nova's highest microversion (`2.93`). */
  release: string;
  /** For people: the upstream release it stands for (`Zed`). */
  name?: string;
  /** The exact build .ci/run proves it on (`v1.34.10`, `nova 26.2.2 (Debian)`). */
  as: string;
}

export interface ProvenReleases {
  suite: string;
  /** How the target's release is told (`the minor of GET /version`). */
  detectedBy: string;
  /** How a release is named in a sentence; `{}` is the release (`v{}`). */
  label: string;
  proven: ProvenRelease[];
}

/** A target's release against the proven set, as the reports show it. */
export interface ReleaseStatus {
  suite: string;
  release: string;
  proven: boolean;
  /** The proven set in one phrase (`1.33–1.38`; `2.93 (Zed), 2.104 (2026.2)`). */
  provenOn: string;
  /** Set when not proven: "v1.39 is not among the releases this suite is proven on: 1.33–1.38". */
  notice?: string;
}

export const RELEASES_FILE = 'releases.yaml';

/** A suite's proven releases; undefined when the target has no list. A malformed list throws naming the fault. */
export function provenReleases(target: string, fixturesDir: string = FIXTURES_DIR): ProvenReleases | undefined {
  const path = join(fixturesDir, target, RELEASES_FILE);
  if (!existsSync(path)) return undefined;
  const doc = readYamlFixture(path) as Partial<ProvenReleases> | null;
  const bad = (what: string) => new Error(`${target}/${RELEASES_FILE}: ${what}`);
  if (!doc || typeof doc.suite !== 'string' || typeof doc.label !== 'string' || typeof doc.detectedBy !== 'string')
    throw bad('needs suite, detectedBy and label');
  if (!Array.isArray(doc.proven) || doc.proven.length === 0) throw bad('needs a non-empty proven list');
  for (const p of doc.proven) {
    if (typeof p?.release !== 'string' || !/^\d+\.\d+$/.test(p.release) || typeof p.as !== 'string')
      throw bad(`proven entry ${JSON.stringify(p)} needs release "N.N" and as`);
  }
  return doc as ProvenReleases;
}

/** Consecutive minors of unnamed releases as one range (1.33–1.38); named ones each with their name. */
export function describeProven(list: ProvenRelease[]): string {
  const sorted = [...list].sort((a, b) => compareVersions(a.release, b.release));
  const parts: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length) parts.push(run.length > 1 ? `${run[0]}–${run[run.length - 1]}` : (run[0] as string));
    run = [];
  };
  for (const p of sorted) {
    if (p.name) {
      flush();
      parts.push(`${p.release} (${p.name})`);
      continue;
    }
    const last = run[run.length - 1];
    if (last) {
      const [a1, a2] = parseVersion(last);
      const [b1, b2] = parseVersion(p.release);
      if (a1 !== b1 || b2 !== a2 + 1) flush();
    }
    run.push(p.release);
  }
  flush();
  return parts.join(', ');
}

/** The target's release (`upstream`, as its module reports it) against the suite's proven set. */
export function releaseStatus(list: ProvenReleases, upstream: string | undefined): ReleaseStatus | undefined {
  if (upstream === undefined) return undefined;
  const provenOn = describeProven(list.proven);
  const proven = list.proven.some((p) => compareVersions(p.release, upstream) === 0);
  const status: ReleaseStatus = { suite: list.suite, release: upstream, proven, provenOn };
  if (!proven) status.notice = `${list.label.replace('{}', upstream)} is not among the releases this suite is proven on: ${provenOn}`;
  return status;
}

/** The release status of each target that has facts and a proven list (a malformed list is said, not fatal). */
export function targetReleases(targets: readonly AnyTarget[], facts: Record<string, unknown>): ReleaseStatus[] {
  const out: ReleaseStatus[] = [];
  for (const t of targets) {
    if (facts[t.name] === undefined) continue;
    const list = provenReleases(t.name);
    const status = list && releaseStatus(list, t.upstreamVersion(facts[t.name]));
    if (status) out.push(status);
  }
  return out;
}
