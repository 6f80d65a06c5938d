/** update-conformance commands: `run` (default), `list`, `doctor`, `diff`, `merge`, `bundle`, `verify`, `cleanup`. Exit codes: engine/exit-codes.ts. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkVariables, type Env, knownVariables, loadEnv } from '../engine/config/index.ts';
import { redactText } from '../engine/config/secrets.ts';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { packageInfo } from '../engine/paths.ts';
import { TARGET_NAMES } from '../engine/targets/index.ts';
import { BACKEND_VARIABLES } from './embedded.ts';
import { runCommand } from './run.ts';

/** A wrong command line: exit 2 with one line naming the problem. */
function usageError(problem: string): Error {
  return Object.assign(new Error(problem), { code: 'ERR_PARSE_ARGS_USAGE' });
}

/** node's parser explains an unknown option in three sentences; the first names it. */
function firstSentence(message: string): string {
  return message.split('. ')[0] ?? message;
}

const USAGE = `usage: update-conformance [run] [selection] [--embedded] [--verbose] [--shard I/N] [--report-dir DIR] [--report subunit] [--concurrency N] [--baseline FILE [--update-baseline]]
                          [--generate N [--seed S|daily]] [--cases FILE[,…]]
       update-conformance list [selection] [--json] [--coverage]
       update-conformance doctor [selection] [--shard I/N]
       update-conformance diff OLD NEW | diff --history DIR   [--json]
       update-conformance merge DIR DIR … [--report-dir OUT] [--baseline FILE]
       update-conformance bundle [--report-dir DIR] [--baseline FILE] [--out DIR|FILE.tar.gz] [--partial]
       update-conformance verify BUNDLE
       update-conformance cleanup [--dry-run]
       update-conformance --help | --version

commands:
  run      send the allowed and forbidden updates of every selected case to the configured targets and write
           reports/ (results.json, summary.md, report.html, junit.xml, verdict.json); the default command.
           The console shows a progress line, then the failures grouped, the counts and the verdict; a run of
           less than every variant (a selection, shard or rerun) is headlined "partial: N of M variants"
  list     the selected cases, sending nothing          doctor   check configuration, reachability, permissions
  merge    join the reports of shards                    bundle   a submission bundle of a finished run
  diff     what changed between two runs (two results.json, or the last two of --history DIR); exit 1 on new failures
  verify   check a bundle's hashes, re-derive its verdict and show its scope     (COMMAND --help: its own help)
  cleanup  remove what earlier runs left on the targets (only objects they labelled as their own)

selection: --suite ${TARGET_NAMES.join(',')}  --case ID|GLOB[,…]  --tag TAG|!TAG[,…]  --rerun-failed RESULTS.json  (or CONFORMANCE_SUITES/CASES/TAGS/RERUN_FAILED)
--verbose: one line per variant as it finishes (default: a progress line, then the failures grouped)
--embedded (CONFORMANCE_EMBEDDED): a self-check of the embedded reference backends, not a verdict about an API
--history DIR (CONFORMANCE_HISTORY): record every run's verdicts in DIR/history.sqlite; reports say what changed since the last run
--generate N [--seed S|daily] (CONFORMANCE_GENERATE, CONFORMANCE_SEED): add N generated variants per family (property-based,
  replayable by the printed seed); a failing one is shrunk to a case file in the report directory
--cases FILE[,…] (CONFORMANCE_CASE_FILES): case files run beside the suites' own (e.g. a shrunk counterexample)
--shard I/N (CONFORMANCE_SHARD): run only the variants whose id hashes to shard I of N; \`merge\` joins the shards' reports

targets (environment or .env; every variable: .env.example):
  Kubernetes  KUBECONFIG [+ K8S_CONTEXT], or K8S_SERVER + K8S_TOKEN (or K8S_CLIENT_CERT/K8S_CLIENT_KEY) [+ K8S_CA_FILE]
  OpenStack   OS_CLOUD, or OS_AUTH_URL + OS_USERNAME + OS_PASSWORD + OS_PROJECT_NAME; NOVA_SERVER_IDS (servers to
              update and put back) or NOVA_IMAGE_REF + NOVA_FLAVOR_REF (servers the run creates)
  With no target configured, the suites run against the embedded reference backends (a self-check of the tool).

exit codes:
  0 conformant   1 conformance failures (diff: new failures)   2 configuration or usage error, target unreachable (nothing updated)
  3 incomplete (technical errors, leaks, secrets in artifacts)   130 interrupted (partial reports written)`;

/** Each command's own help (`update-conformance list --help`); the general one lists them all. */
const COMMAND_HELP: Record<string, string> = {
  run: `usage: update-conformance [run] [selection] [--embedded] [--verbose] [--shard I/N] [--report-dir DIR] [--report subunit] [--concurrency N] [--baseline FILE [--update-baseline]]

Sends the allowed and forbidden updates of every selected case to the configured targets and writes
results.json, summary.md, report.html, junit.xml and verdict.json. The console shows a progress line, then
the failures grouped by what went wrong, the counts per suite and the verdict. A run whose selection (--suite,
--case, --tag, --shard, --rerun-failed) covers less than every variant the target can run is headlined
"partial: N of M variants"; its exit code is that of its verdict (0 when nothing failed).

selection: --suite ${TARGET_NAMES.join(',')}  --case ID|GLOB[,…]  --tag TAG|!TAG[,…]  --rerun-failed RESULTS.json
--rerun-failed FILE: exactly the failed and errored variants of an earlier run (nothing to rerun: exit 0)`,
  list: `usage: update-conformance list [selection] [--json]

Lists the selected cases and their variants, sending nothing (no target needed).
selection: --suite ${TARGET_NAMES.join(',')}  --case ID|GLOB[,…]  --tag TAG|!TAG[,…]
--json: one JSON document instead of the table`,
  doctor: `usage: update-conformance doctor [selection] [--shard I/N]

Checks the configuration, that each target is reachable and is the API, the credentials and the permissions
the cases need, and prints what a run would do; changes nothing it does not undo. Without a target configured
it checks the embedded reference backends, and says so. Exit 0 when every check passed, 2 otherwise.`,
  merge: `usage: update-conformance merge DIR DIR … [--report-dir OUT] [--baseline FILE]

Joins the reports of several runs (the shards of a --shard matrix, or per-suite runs) into one set of reports
and the run's verdict. The merged scope is complete only when every variant the target can run is present.`,
  bundle: `usage: update-conformance bundle [--report-dir DIR] [--baseline FILE] [--out DIR|FILE.tar.gz] [--partial]

Packs a finished run for submission: its reports, the configuration the run recorded (no secret values),
the suite's hashes and a manifest. A partial run is refused unless --partial packs it, marked partial;
a self-check of the reference backends is never packed.`,
  verify: `usage: update-conformance verify BUNDLE

Checks a bundle's hashes and secrets, re-derives its verdict from its results and shows its scope
(complete, or partial: N of M variants). Exits with the run's exit code (1 when the bundle was changed).`,
  cleanup: `usage: update-conformance cleanup [--dry-run]

Removes what earlier runs left on the configured targets: only objects they labelled as their own.`,
};

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current terminal line (only when stdout is a terminal). */
  live?: (text: string) => void;
}

const STD_IO: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  live: process.stdout.isTTY ? (text) => process.stdout.write(`\r\x1b[K${text}`) : undefined,
};

/** Flags are the same settings as the variables: for this command they win over the environment (which stays untouched). */
const FLAG_VARIABLES = {
  suite: 'CONFORMANCE_SUITES',
  'report-dir': 'CONFORMANCE_REPORT_DIR',
  concurrency: 'CONFORMANCE_CONCURRENCY',
  case: 'CONFORMANCE_CASES',
  tag: 'CONFORMANCE_TAGS',
  baseline: 'CONFORMANCE_BASELINE',
  shard: 'CONFORMANCE_SHARD',
  'rerun-failed': 'CONFORMANCE_RERUN_FAILED',
  report: 'CONFORMANCE_REPORTS',
  history: 'CONFORMANCE_HISTORY',
  generate: 'CONFORMANCE_GENERATE',
  seed: 'CONFORMANCE_SEED',
  cases: 'CONFORMANCE_CASE_FILES',
} as const;

function withFlags(env: Env, values: Record<string, string | boolean | undefined>): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const v = values[flag];
    if (typeof v === 'string' && v) out[variable] = v;
  }
  if (values['update-baseline']) out.CONFORMANCE_UPDATE_BASELINE = 'true';
  if (values.embedded) out.CONFORMANCE_EMBEDDED = 'true';
  return Object.freeze(out);
}

/** The flags given on this command line, by the variable each stands for: errors name what the user typed. */
type GivenFlags = Map<string, string>;

function givenFlags(values: Record<string, string | boolean | undefined>): GivenFlags {
  const given: GivenFlags = new Map();
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) if (typeof values[flag] === 'string' && values[flag]) given.set(variable, `--${flag}`);
  if (values['update-baseline']) given.set('CONFORMANCE_UPDATE_BASELINE', '--update-baseline');
  if (values.embedded) given.set('CONFORMANCE_EMBEDDED', '--embedded');
  return given;
}

/** The .env file loadEnv reads, when there is one (recorded as the configuration's source). */
function envFileRead(): string | undefined {
  const named = process.env.CONFORMANCE_ENV_FILE;
  const file = resolve(named ?? '.env');
  return existsSync(file) ? (named ?? '.env') : undefined;
}

async function dispatch(argv: string[], io: Io, given: GivenFlags): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      'report-dir': { type: 'string' },
      concurrency: { type: 'string' },
      'dry-run': { type: 'boolean' },
      case: { type: 'string' },
      tag: { type: 'string' },
      baseline: { type: 'string' },
      'update-baseline': { type: 'boolean' },
      embedded: { type: 'boolean' },
      json: { type: 'boolean' },
      coverage: { type: 'boolean' },
      shard: { type: 'string' },
      'rerun-failed': { type: 'string' },
      report: { type: 'string' },
      history: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string' },
      cases: { type: 'string' },
      out: { type: 'string' },
      partial: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) {
    io.out(COMMAND_HELP[positionals[0] ?? ''] ?? USAGE);
    return EXIT.ok;
  }
  if (values.version) {
    const { name, version } = packageInfo();
    io.out(`${name} ${version}`);
    return EXIT.ok;
  }
  for (const [variable, flag] of givenFlags(values)) given.set(variable, flag);
  const env = withFlags(loadEnv(), values);
  // Before anything runs: a setting that looks like ours but is not is an error (exit 2), never silently ignored.
  for (const w of checkVariables(env, knownVariables(BACKEND_VARIABLES))) io.err(`warning: ${w}`);
  const command = positionals[0] ?? 'run';
  const operands = positionals.slice(1);
  switch (command) {
    case 'run':
      return runCommand(env, { log: io.out, verbose: Boolean(values.verbose), live: io.live, source: { flags: [...given.values()], envFile: envFileRead() } });
    case 'doctor': {
      const { doctorCommand } = await import('./doctor.ts');
      return doctorCommand(env, io.out);
    }
    case 'diff': {
      const { diffCommand } = await import('./diff.ts');
      return diffCommand(env, operands, Boolean(values.json), io.out);
    }
    case 'merge': {
      const { mergeCommand } = await import('./merge.ts');
      return mergeCommand(env, operands, io.out);
    }
    case 'bundle': {
      const { bundleCommand } = await import('./bundle.ts');
      return bundleCommand(env, { out: values.out, partial: Boolean(values.partial) }, io.out);
    }
    case 'verify': {
      const { verifyCommand } = await import('./verify.ts');
      if (operands.length !== 1) throw usageError('verify needs exactly one bundle (a directory or a .tar.gz)');
      return verifyCommand(env, operands[0] ?? '', io.out);
    }
    case 'list': {
      const { listCommand } = await import('./list.ts');
      return listCommand(env, Boolean(values.json), io.out, Boolean(values.coverage));
    }
    case 'cleanup': {
      const { cleanupCommand } = await import('./cleanup.ts');
      return cleanupCommand(env, Boolean(values['dry-run']), io.out);
    }
    default:
      io.err(`update-conformance: unknown command "${command}" — run \`update-conformance --help\` for the commands`);
      return EXIT.config;
  }
}

/** Runs a command and maps every error to one line and an exit code; never throws. */
export async function main(argv: string[], io: Io = STD_IO): Promise<number> {
  const given: GivenFlags = new Map();
  try {
    return await dispatch(argv, io, given);
  } catch (err) {
    if (err instanceof ConfigError) {
      // A setting given as a flag is named as the flag: `--rerun-failed`, not CONFORMANCE_RERUN_FAILED.
      const flag = given.get(err.variable);
      io.err(`configuration error: ${flag ? redactText(`${flag}: ${err.problem} — ${err.fix}`) : err.message}`);
      return EXIT.config;
    }
    if (err instanceof Error && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      io.err(`update-conformance: ${firstSentence(err.message)} — run \`update-conformance --help\``);
      return EXIT.config;
    }
    io.err(`error: ${describeError(err)}`);
    return EXIT.incomplete;
  }
}
