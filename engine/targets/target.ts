/**
 * What a target API is to the rest of the tool. Each target (engine/targets/<name>/) exports one
 * `TargetModule`; the registry (engine/targets/index.ts) lists them, and the CLI, the suites, the self-tests
 * and the benchmarks iterate it instead of naming a target. Nothing outside a target's folder knows its
 * variables, its case format, its versions or how its subjects are prepared and cleaned up.
 */
import type { CaseVariant, ConformanceCase } from '../cases/types.ts';
import type { Env } from '../config/env.ts';
import type { RunConfig } from '../config/run.ts';
import type { GenerationSpec } from '../generate/family.ts';
import type { SupersededTests } from '../results.ts';
import type { TargetAdapter } from '../run-case.ts';
import type { SchemaRegistry } from '../schemas.ts';

/** Shown in the report header for each suite. */
export interface TargetInfo {
  suite: string;
  url: string;
  version: string;
  details: Record<string, string>;
  insecure?: boolean;
  /** `embedded`: a reference backend the CLI started (a self-check), `configured`: the API the settings name. */
  kind?: TargetKind;
}

export type TargetKind = 'embedded' | 'configured';

/** A target opened for a run: the adapter the runner drives, the report header, and the way out. */
export interface OpenedTarget<C extends ConformanceCase = ConformanceCase> {
  adapter: TargetAdapter<C>;
  /** The response schemas, compiled once per process. */
  schemas: SchemaRegistry;
  info: TargetInfo;
  close(): Promise<void>;
}

/** Objects of a run found on the target (deleted, or that would be with a dry run) and those that resisted. */
export interface SweepResult {
  found: string[];
  failed: string[];
}

/** The `doctor` checklist a target writes its checks to (cli/doctor.ts prints and counts them). */
export interface Checklist {
  ok(label: string, detail: string): void;
  fail(label: string, detail: string): void;
  /** A check that could not run because an earlier one failed. */
  blocked(label: string, because: string): void;
  note(line: string): void;
}

/**
 * One target API. `Cfg` is its configuration (from the environment), `Facts` what discovery learns from the
 * target before any case runs (server version, microversion range, second project): plain JSON, because the
 * CLI discovers once and hands the facts to the vitest workers.
 */
export interface TargetModule<Cfg = unknown, Facts = unknown, C extends ConformanceCase = ConformanceCase> {
  /** Short name: `CONFORMANCE_SUITES` entries, `--suite`, the folder names under suites/, fixtures/, backends/. */
  readonly name: string;
  /** The suite id: prefix of every case id and the suite column of the reports. */
  readonly suite: string;
  /** The operation under test, for people. */
  readonly title: string;
  /** The kind of API, for one-line descriptions (`Kubernetes from KUBECONFIG`). */
  readonly apiName: string;
  /** Case file and its schema, relative to fixtures/. */
  readonly caseFile: string;
  readonly caseSchema: string;
  /** What one variant of a case is (`patch type`, `microversion`), for `list` and `doctor`. */
  readonly variantAxis: string;
  /** How `cleanup` words what its sweep does (`would delete` / `deleted` / `could not delete`). */
  readonly sweepWords: { dryRun: string; done: string; failed: string };
  /** Property-based case families (engine/generate), when the target has them. */
  readonly generation?: GenerationSpec;
  /** The variables (and prefixes, ending in `_`) this target reads; anything else in its namespace is a typo. */
  readonly variables: readonly string[];
  /** Namespaces of `variables` other tools use too (`OS_`): an unknown name there only warns. */
  readonly sharedNamespaces?: readonly string[];
  /** The upstream programme capability a case tests and the upstream tests it supersedes (interop/Tempest). */
  supersedes?(c: C): SupersededTests | undefined;

  /** The configuration from the environment; undefined when nothing configures this target. Throws ConfigError. */
  loadConfig(env: Env): Cfg | undefined;
  /** Where the settings came from (`KUBECONFIG context x`, `OS_CLOUD lab`), for the report header. */
  origin(cfg: Cfg): string;
  /** The configuration as `bundle` records it: no secret values. */
  describeConfig(cfg: Cfg): Record<string, unknown>;
  /** One warning line when TLS verification is switched off. */
  insecureWarning(cfg: Cfg): string | undefined;

  /** The variants a case runs as (per patch type, per microversion…), given the discovered facts. */
  variants(cases: C[], facts: Facts): CaseVariant<C>[];
  /** The variant labels `list` shows for a case, before any target is known. */
  listVariants(c: C): string[];
  /** The upstream version `expectBy` ranges are matched against (Kubernetes minor, Nova max microversion). */
  upstreamVersion(facts: Facts): string | undefined;
  /** Why a variant cannot run against a target with these facts (the adapter and `doctor` both ask this). */
  skipReason(v: CaseVariant<C>, facts: Facts): string | undefined;

  /**
   * Before any update: reachable, the right kind of API, credentials accepted. Throws ConfigError (exit 2)
   * naming the setting to fix; returns one line for the console.
   */
  preflight(cfg: Cfg, run: RunConfig): Promise<string>;
  /** What the variants and skip rules need to know about the target; cheap, changes nothing. */
  discover(cfg: Cfg, run: RunConfig): Promise<Facts>;
  /** Opens the target for a run: sessions, the run's namespace or server pool, the adapter. */
  open(cfg: Cfg, run: RunConfig, facts: Facts): Promise<OpenedTarget<C>>;
  /** `doctor`: the target's own checks (reachability, versions, permissions); returns the facts when found. */
  doctor(cfg: Cfg, run: RunConfig, list: Checklist): Promise<Facts | undefined>;
  /** How a variant set looks to `doctor` (e.g. ` at microversions 2.1, 2.19`). */
  describeVariants(variants: CaseVariant<C>[]): string;
  /**
   * Removes what runs left behind: of run `runId` (after a run, even an interrupted one), or of any earlier
   * run (`cleanup`). Only objects the tool marks as its own are touched.
   */
  sweep(cfg: Cfg, run: RunConfig, runId: string | undefined, dryRun: boolean): Promise<SweepResult>;
}

/** A registered module, its configuration and case types erased (each module checks its own). */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds modules of different configuration types
export type AnyTarget = TargetModule<any, any, any>;
