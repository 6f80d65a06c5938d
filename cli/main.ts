/** update-conformance commands: `run` (default), `list`, `doctor`, `merge`, `bundle`, `verify`, `cleanup`. Exit codes: engine/exit-codes.ts. */
import { parseArgs } from 'node:util';
import { type Env, loadEnv } from '../engine/config/index.ts';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from '../engine/exit-codes.ts';
import { runCommand } from './run.ts';

/** A wrong command line: exit 2 with the usage. */
function usageError(problem: string): Error {
  return Object.assign(new Error(problem), { code: 'ERR_PARSE_ARGS_USAGE' });
}

const USAGE = `usage: update-conformance [run] [selection] [--shard I/N] [--report-dir DIR] [--report subunit] [--concurrency N] [--baseline FILE [--update-baseline]]
       update-conformance list [selection] [--json]
       update-conformance doctor [selection] [--shard I/N]
       update-conformance merge DIR DIR … [--report-dir OUT] [--baseline FILE]
       update-conformance bundle [--report-dir DIR] [--baseline FILE] [--out DIR|FILE.tar.gz]
       update-conformance verify BUNDLE
       update-conformance cleanup [--dry-run]
selection: --suite k8s,nova  --case ID|GLOB[,…]  --tag TAG|!TAG[,…]  --rerun-failed RESULTS.json  (or CONFORMANCE_SUITES/CASES/TAGS/RERUN_FAILED)
--shard I/N (CONFORMANCE_SHARD): run only the variants whose id hashes to shard I of N; \`merge\` joins the shards' reports`;

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const STD_IO: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
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
} as const;

function withFlags(env: Env, values: Record<string, string | boolean | undefined>): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const v = values[flag];
    if (typeof v === 'string' && v) out[variable] = v;
  }
  if (values['update-baseline']) out.CONFORMANCE_UPDATE_BASELINE = 'true';
  return Object.freeze(out);
}

async function dispatch(argv: string[], io: Io): Promise<number> {
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
      json: { type: 'boolean' },
      shard: { type: 'string' },
      'rerun-failed': { type: 'string' },
      report: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const env = withFlags(loadEnv(), values);
  const command = positionals[0] ?? 'run';
  const operands = positionals.slice(1);
  switch (command) {
    case 'run':
      return runCommand(env, { log: io.out });
    case 'doctor': {
      const { doctorCommand } = await import('./doctor.ts');
      return doctorCommand(env, io.out);
    }
    case 'merge': {
      const { mergeCommand } = await import('./merge.ts');
      return mergeCommand(env, operands, io.out);
    }
    case 'bundle': {
      const { bundleCommand } = await import('./bundle.ts');
      return bundleCommand(env, { out: values.out }, io.out);
    }
    case 'verify': {
      const { verifyCommand } = await import('./verify.ts');
      if (operands.length !== 1) throw usageError('verify needs exactly one bundle (a directory or a .tar.gz)');
      return verifyCommand(env, operands[0] ?? '', io.out);
    }
    case 'list': {
      const { listCommand } = await import('./list.ts');
      return listCommand(env, Boolean(values.json), io.out);
    }
    case 'cleanup': {
      const { cleanupCommand } = await import('./cleanup.ts');
      return cleanupCommand(env, Boolean(values['dry-run']), io.out);
    }
    default:
      io.err(`unknown command "${command}"\n${USAGE}`);
      return EXIT.config;
  }
}

/** Runs a command and maps every error to one line and an exit code; never throws. */
export async function main(argv: string[], io: Io = STD_IO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`configuration error: ${err.message}`);
      return EXIT.config;
    }
    if (err instanceof Error && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      io.err(`${err.message}\n${USAGE}`);
      return EXIT.config;
    }
    io.err(`error: ${describeError(err)}`);
    return EXIT.incomplete;
  }
}
