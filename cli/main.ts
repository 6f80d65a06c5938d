#!/usr/bin/env node
/** update-conformance: `run` (default), `list`, `cleanup`. Exit codes: cli/exit-codes.ts. */
import { parseArgs } from 'node:util';
import { ConfigError, describeError } from '../engine/errors.ts';
import { EXIT } from './exit-codes.ts';
import { runCommand } from './run.ts';

const USAGE = `usage: update-conformance [run] [--suite k8s,nova] [--report-dir DIR] [--concurrency N] [-t PATTERN]
       update-conformance cleanup [--dry-run]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      'report-dir': { type: 'string' },
      concurrency: { type: 'string' },
      t: { type: 'string', short: 't' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  // Flags are the same settings as the variables: they override the environment for this run.
  if (values.suite) process.env.CONFORMANCE_SUITES = values.suite;
  if (values['report-dir']) process.env.CONFORMANCE_REPORT_DIR = values['report-dir'];
  if (values.concurrency) process.env.CONFORMANCE_CONCURRENCY = values.concurrency;
  const command = positionals[0] ?? 'run';
  switch (command) {
    case 'run':
      return runCommand({ testNamePattern: values.t });
    case 'cleanup': {
      const { cleanupCommand } = await import('./cleanup.ts');
      return cleanupCommand(Boolean(values['dry-run']));
    }
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return EXIT.config;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(EXIT.config);
    }
    if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(EXIT.config);
    }
    process.stderr.write(`error: ${describeError(err)}\n`);
    process.exit(EXIT.incomplete);
  },
);
