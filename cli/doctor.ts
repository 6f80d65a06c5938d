/**
 * `update-conformance doctor`: everything a run needs, checked without running a case — configuration, then
 * each target's own checks (reachability and credentials, versions, the permissions the cases need; see
 * `doctor` in engine/targets/<name>/), and what a run would do (suites, case and variant counts, skipped
 * variants and why, by the same skip rules the run uses). One line per check (✓ / ✗), then a verdict; exit 0
 * when every check passed, 2 otherwise. Changes nothing it does not undo.
 */
import { describeShard } from '../engine/cases/shard.ts';
import { type Config, type Env, loadConfig } from '../engine/config/index.ts';
import { describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { selectedVariants } from '../engine/targets/index.ts';
import type { AnyTarget, Checklist as TargetChecklist } from '../engine/targets/target.ts';
import { ignoredFaultSettings } from './embedded.ts';
import { chooseSuites, embeddedConfig } from './run.ts';

/** The checks so far and how to print them. */
class Checklist implements TargetChecklist {
  passed = 0;
  failed = 0;
  /** Set while the checks are of the embedded reference backends: every line says so (the user set none of it). */
  subject = '';
  constructor(private readonly out: (line: string) => void) {}
  ok(label: string, detail: string): void {
    this.passed++;
    this.out(`✓ ${this.subject}${label}: ${detail}`);
  }
  fail(label: string, detail: string): void {
    this.failed++;
    this.out(`✗ ${this.subject}${label}: ${detail}`);
  }
  /** A check that could not run because an earlier one failed. */
  blocked(label: string, because: string): void {
    this.out(`– ${label}: not checked (${because})`);
  }
  note(line: string): void {
    this.out(line);
  }
}

/** What a run with this configuration would do. */
function printPlan(config: Config, suites: AnyTarget[], facts: Map<AnyTarget, unknown>, list: Checklist): void {
  const shard = config.run.shard;
  list.note(`plan (run id ${config.run.runId}, ${describeShard(shard)}, concurrency ${config.run.concurrency}, reports in ${config.run.reportDir}):`);
  const skipped: string[] = [];
  for (const t of suites) {
    const f = facts.get(t);
    if (f === undefined) {
      list.note(`  ${t.suite}: variants unknown (the target could not be read)`);
      continue;
    }
    const variants = selectedVariants(t, config.run, f);
    const cases = new Set(variants.map((v) => v.case.id));
    const skips = variants.map((v) => [v, t.skipReason(v, f) as string | undefined] as const).filter(([, why]) => why);
    list.note(`  ${t.suite}: ${cases.size} case(s), ${variants.length} variant(s)${t.describeVariants(variants)}; ${skips.length} will be skipped`);
    const byReason = new Map<string, string[]>();
    for (const [v, why] of skips) byReason.set(why ?? '', [...(byReason.get(why ?? '') ?? []), v.id]);
    for (const [why, ids] of byReason) skipped.push(`    ${ids.length} × ${why}: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`);
  }
  if (skipped.length) list.note('  skipped cases:');
  for (const s of skipped) list.note(s);
}

export async function doctorCommand(env: Env, out: (line: string) => void): Promise<number> {
  const list = new Checklist(out);
  out('update-conformance doctor');
  let config: Config;
  let suites: AnyTarget[];
  let embedded: boolean;
  try {
    config = loadConfig(env);
    ({ suites, embedded } = chooseSuites(config));
  } catch (err) {
    list.fail('configuration', describeError(err));
    out('doctor: NOT ready — fix the configuration first (exit 2)');
    return EXIT.config;
  }
  const described = suites.filter((t) => config.targets[t.name] !== undefined).map((t) => `${t.apiName} from ${t.origin(config.targets[t.name])}`);
  list.ok(
    'configuration',
    `${described.join('; ') || 'no target configured: doctor checks the embedded reference backends'}; suites ${suites.map((t) => t.name).join(', ')}; run id ${config.run.runId}`,
  );
  const backends = embedded ? await embeddedConfig(env, config, suites) : undefined;
  try {
    if (backends) {
      config = backends.config;
      list.note(
        `– ${described.length ? '--embedded' : 'no target configured'} for ${suites.map((t) => t.name).join(', ')}: checking the embedded reference backend(s) on 127.0.0.1 (what \`run\` would use: a self-check, not a verdict about an API)`,
      );
    }
    const started = embedded ? suites.map((t) => t.name) : [];
    for (const w of ignoredFaultSettings(env, started, Object.keys(loadConfig(env).targets))) list.note(`– WARNING: ${w}`);
    const facts = new Map<AnyTarget, unknown>();
    if (embedded) list.subject = '[embedded reference backend] ';
    for (const t of suites) facts.set(t, await t.doctor(config.targets[t.name], config.run, list));
    list.subject = '';
    for (const t of suites) {
      const warning = t.insecureWarning(config.targets[t.name]);
      if (warning) list.note(`– WARNING: ${warning}`);
    }
    printPlan(config, suites, facts, list);
  } finally {
    await backends?.close();
  }
  if (list.failed) {
    out(`doctor: NOT ready — ${list.failed} of ${list.passed + list.failed} checks failed (exit 2)`);
    return EXIT.config;
  }
  // Without a target, "ready" is about this tool's own backends, never about an API the user has.
  out(
    embedded
      ? `doctor: the embedded reference backends are ready — all ${list.passed} checks passed; no API of yours was checked (configure a target: .env.example)`
      : `doctor: ready — all ${list.passed} checks passed`,
  );
  return EXIT.ok;
}
