/**
 * Property-based case generation: seeded, reproducible streams of ordinary ConformanceCase objects (valid against
 * fixtures/<target>/case.schema.json) that run through the normal runCase path, and fast-check shrinking of a failure to
 * its minimal input.
 *
 * Reproducibility: engine/generate/stream.ts.
 */

import { caseSchemaViolations } from '../cases/load.ts';
import type { CaseVariant, ConformanceCase } from '../cases/types.ts';
import type { CaseResult } from '../results.ts';
import type { TargetName } from '../targets/index.ts';
import { buildCase, type Family, type GenerationSpec, type GenOrigin, type TargetVersionRange } from './family.ts';
import { fc } from './fc.ts';
// The only dependency on the targets: which suites exist and how each is generated.
import { caseSchemaOf, GENERATION_SPECS } from './specs.ts';
import { caseIdIn, streamCases } from './stream.ts';

export type { Family, GenerationSpec, TargetVersionRange } from './family.ts';

/** A target that has generated families (every registered one today). */
export type GeneratedSuite = TargetName;

// Typed as a plain map so everything below stays generic (and checks each spec's shape).
const SPECS: Readonly<Record<string, GenerationSpec>> = GENERATION_SPECS;
const ALL_SPECS = Object.values(SPECS);

// Lookups go by map key, ids and stream seeds by Family.suite: a spec under another key would mislabel its cases.
for (const [key, spec] of Object.entries(SPECS)) {
  const wrong = [spec, ...spec.families].find((x) => x.suite !== key);
  if (wrong) throw new Error(`generate: suite "${key}" holds "${wrong.suite}" (spec or family suite must equal its key)`);
}

function specOf(suite: string): GenerationSpec {
  const spec = SPECS[suite];
  if (!spec) throw new Error(`generate: unknown suite "${suite}": use one of ${Object.keys(SPECS).join(', ')}`);
  return spec;
}

/** Every family, by suite, in a fixed order (the order mixed generation cycles through). */
export const FAMILIES = Object.fromEntries(ALL_SPECS.map((s) => [s.suite, s.families])) as Readonly<Record<GeneratedSuite, readonly Family[]>>;

const ALL_FAMILIES = ALL_SPECS.flatMap((s) => s.families);

/** A family by `name` or `<suite>.<name>` (the first suite's wins on a bare name shared by two). */
export function familyByName(name: string): Family {
  const f = ALL_FAMILIES.find((x) => x.name === name || `${x.suite}.${x.name}` === name);
  if (!f) throw new Error(`unknown generated family "${name}": use one of ${ALL_FAMILIES.map((x) => `${x.suite}.${x.name}`).join(', ')}`);
  return f;
}

function caseId(family: Family, n: number | string): string {
  return caseIdIn(specOf(family.suite).idPrefix, family, n);
}

export interface GenerateOptions {
  /** All families of this suite, cycled (case i is family i mod F)… */
  suite?: GeneratedSuite;
  /** …or only these (`<family>` or `<suite>.<family>`), cycled in the order given. */
  families?: string[];
  seed: number;
  count: number;
  /** First case number (default 0): `start`…`start+count-1`. */
  start?: number;
}

function familiesFor(opts: GenerateOptions): Family[] {
  if (opts.families?.length) return opts.families.map(familyByName);
  if (opts.suite) return [...FAMILIES[opts.suite]];
  throw new Error('generate: give a suite or families');
}

/**
 * Case `i` of the stream: family `i mod F`, that family's input number `floor(i / F)`. Ids are
 * `<suite prefix>.gen-<family>-<i>`; the source names family, seed and index.
 */
export function* generateCases(opts: GenerateOptions): Generator<ConformanceCase> {
  const families = familiesFor(opts);
  yield* streamCases((f) => specOf(f.suite).idPrefix, families, opts.seed, opts.count, opts.start);
}

/** The whole stream as an array (small counts: self-tests, listings). */
export function generateCaseList(opts: GenerateOptions): ConformanceCase[] {
  return [...generateCases(opts)];
}

/**
 * The one variant of a generated case, expanded by its suite's spec (found by id prefix) against the target's
 * version `range` where the suite is versioned (when not given, the spec's default, its reference backend's).
 */
export function generatedVariant(c: ConformanceCase, range?: TargetVersionRange): CaseVariant {
  const spec = ALL_SPECS.find((s) => c.id.startsWith(`${s.idPrefix}.gen-`));
  if (!spec) throw new Error(`${c.id} is not a generated case id`);
  const v = spec.variantsOf([c], range);
  if (v.length !== 1) throw new Error(`generated case ${c.id} expands to ${v.length} variants`);
  return v[0] as CaseVariant;
}

/** Schema violations of generated cases, as `<case id> <pointer>: <message>` (empty when all are valid). */
export function validateGenerated(suite: GeneratedSuite, cases: ConformanceCase[]): string[] {
  const spec = specOf(suite);
  // A case file of the suite: its `suite` field is the id prefix.
  const doc = { suite: spec.idPrefix, document: spec.document, cases };
  const out = caseSchemaViolations(doc, caseSchemaOf(suite)).map((v) => {
    const m = /^\/cases\/(\d+)(.*)$/.exec(v.pointer);
    const c = m ? cases[Number(m[1])] : undefined;
    return `${c?.id ?? '(file)'} ${m?.[2] || v.pointer}: ${v.message}`;
  });
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) out.push(`${c.id}: duplicate id`);
    seen.add(c.id);
  }
  return out;
}

/** Runs one case against a target (the caller expands it into its variant and calls runCase). */
export type CaseRunner = (c: ConformanceCase) => Promise<CaseResult>;

export interface ShrinkOptions {
  /** Inputs to try before giving up (default 100). */
  numRuns?: number;
  /** Stop searching/shrinking after this long (default 60 s). */
  timeLimitMs?: number;
}

export interface ShrinkStep {
  input: unknown;
  case: ConformanceCase;
}

export interface ShrinkReport {
  family: string;
  seed: number;
  /** Whether any generated input failed. */
  failed: boolean;
  /** Inputs tried before the first failure, and shrink steps that still failed. */
  runs: number;
  shrinks: number;
  /** Results that were `error` (never counted as failures). */
  errors: number;
  /** The first failing input fast-check found, before shrinking. */
  original?: ShrinkStep;
  /** The minimal failing input, its case and the result of running it once more. */
  minimal?: ShrinkStep & { result: CaseResult };
}

/**
 * Looks for a failing input of `family` (name as in FAMILIES) with fast-check (`seed`), then lets fast-check
 * shrink it: the property runs each candidate case through `run`, a candidate "fails" when its verdict is
 * `fail`. Returns the first failure, the minimal one and the minimal case's own result.
 */
export async function shrinkFailure(kind: string, seed: number, run: CaseRunner, opts: ShrinkOptions = {}): Promise<ShrinkReport> {
  const family = familyByName(kind);
  const build = (input: unknown): ConformanceCase => buildCase(family, input, { id: caseId(family, 'shrunk'), seed, index: -1 } satisfies GenOrigin);
  let original: ShrinkStep | undefined;
  let errors = 0;
  const property = fc.asyncProperty(family.arbitrary(), async (input) => {
    const c = build(input);
    const r = await run(c);
    if (r.verdict === 'error') errors++;
    if (r.verdict !== 'fail') return true;
    original ??= { input, case: c };
    return false;
  });
  const details = await fc.check(property, {
    seed,
    numRuns: opts.numRuns ?? 100,
    interruptAfterTimeLimit: opts.timeLimitMs ?? 60_000,
    markInterruptAsFailure: false,
  });
  const report: ShrinkReport = {
    family: `${family.suite}.${family.name}`,
    seed,
    failed: details.failed,
    runs: details.numRuns,
    shrinks: details.numShrinks,
    errors,
    original,
  };
  if (details.failed && details.counterexample) {
    const input = details.counterexample[0];
    const c = build(input);
    report.minimal = { input, case: c, result: await run(c) };
  }
  return report;
}
