import type { SupersededTests } from '../results.ts';
/**
 * The case format shared by every suite. Cases are data in `fixtures/<target>/*.cases.yaml`,
 * validated against `fixtures/<target>/case.schema.json` (the common `fixtures/case.schema.json` with `request` and
 * `setup` closed to the target's interfaces) when loaded; this file is the TypeScript view of it.
 */

/** Whether the update is one the document allows (must succeed) or forbids (must be rejected). */
export type CaseKind = 'allowed' | 'forbidden';

/** Where the document and upstream disagree; the report prints it for every variant of the case. */
export interface DocConflict {
  /** What the document says. */
  docSays: string;
  /** What upstream does (with the source in `source`). */
  upstream: string;
  /** Which side the expectation follows. */
  followed: 'upstream' | 'document';
}

/** Inclusive version range; an absent bound is open. Kubernetes minors ("1.30") or Nova microversions ("2.19"). */
export interface VersionRange {
  min?: string;
  max?: string;
}

/** A value expected at a JSON pointer of the resource after an allowed update. */
export interface EffectExpectation {
  pointer: string;
  /** Expected value (deep-equal). */
  value?: unknown;
  /** The member must be absent. */
  absent?: boolean;
}

/** A response header expectation. */
export interface HeaderExpectation {
  name: string;
  equals?: string;
  includes?: string;
  absent?: boolean;
}

/** Expected error details; only stable parts are matched (reason/fault key, field, code). */
export interface ErrorExpectation {
  /** Kubernetes `Status.reason`; `null` means the key must be absent. */
  reason?: string | null;
  /** Nova fault key (`badRequest`, `itemNotFound`, `computeFault`, ...). */
  fault?: string;
  /** Kubernetes `details.causes` that must be present (each matched on the given keys). */
  causes?: { field?: string; reason?: string; messageIncludes?: string }[];
  /** Kubernetes `details.name` / `details.kind` / `details.group`, each compared exactly (`${podName}` is filled in). */
  details?: { name?: string; kind?: string; group?: string };
  /** Substrings the error message must contain (case-sensitive). */
  messageIncludes?: string[];
}

export interface Expectation {
  /** Exact status or the set of accepted statuses. */
  status: number | number[];
  error?: ErrorExpectation;
  /** Changes that must be visible in the response body and in the next GET. */
  effect?: EffectExpectation[];
  /** Further pointers an accepted update may change (their subtrees included). */
  mayChange?: string[];
  /** false: the change must show in the response but not persist (dryRun). Default true. */
  persisted?: boolean;
  headers?: HeaderExpectation[];
  /** The resource version (k8s resourceVersion) must stay the same: a no-op write. */
  noWrite?: boolean;
  /** Upstream answers this without a JSON body (e.g. Nova's router 404 for an unrouted method): no schema applies. */
  notJson?: boolean;
}

/**
 * The expectation of a range of upstream versions where releases differ: Kubernetes minors, or for Nova the
 * target's maximum microversion (it names the release). The first entry that holds replaces those members.
 */
export interface ScopedExpectation {
  upstream: VersionRange;
  /** The upstream change behind it, with its source; the report prints it when it applies. */
  because: string;
  expect: Partial<Expectation>;
}

/** One conformance case. `request` and `setup` are target-specific and interpreted by the target. */
export interface ConformanceCase<Request = object, Setup = object> {
  /** Stable id, never reused: `<target>.<resource>.<verb>.<what>`. */
  id: string;
  title: string;
  kind: CaseKind;
  /** The document fields the case is about (for the coverage matrix). */
  fields: string[];
  /** Upstream rules exercised (fixtures/<target>/rules.yaml ids; a limit rule's side as `<id>:accepted|rejected`). */
  rules?: string[];
  tags: string[];
  /** Versions the expectation holds for (k8s minor / Nova microversion). */
  versions?: VersionRange;
  /** Preconditions needed (e.g. `alt-credentials`); unmet ones skip the case with the reason shown. */
  requires?: string[];
  setup?: Setup;
  request: Request;
  expect: Expectation;
  /** Expectations of other upstream releases (see ScopedExpectation). */
  expectBy?: ScopedExpectation[];
  /** Where the expectation comes from: document section, upstream file@commit, test id, observation. */
  source: string[];
  docConflict?: DocConflict;
  /** The expectation was reasoned from code, not observed. */
  inferred?: boolean;
  /** How the expectation was confirmed against a real server (who, what version). */
  confirmed?: string;
  /** Not in the case file: the target module adds it from its own data (engine/targets/index.ts casesOf). */
  supersedes?: SupersededTests;
}

/** A case expanded for one content type / microversion: the unit that runs and is reported. */
export interface CaseVariant<C extends ConformanceCase = ConformanceCase> {
  /** `<case id>@<variant>` or the case id when there is one variant. */
  id: string;
  case: C;
  /** e.g. `merge-patch` or `2.19`. */
  variant?: string;
  /** The expectation for the target's upstream version, when a `expectBy` entry replaced the case's own. */
  scoped?: { expect: Expectation; because: string };
}
