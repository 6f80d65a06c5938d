import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Option values by name: strings for `type: 'string'`, booleans for flags. */
export type OptionValues = Record<string, string | boolean | undefined>;

/**
 * The standalone backends' command line: `--help` prints the usage (exit 0); an unknown or malformed option
 * is one line naming it and pointing at --help (exit 2), never node's raw parser error with a stack.
 */
export function parseCommandLine(name: string, usage: string, options: NonNullable<ParseArgsConfig['options']>, argv = process.argv.slice(2)): OptionValues {
  let values: OptionValues;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, args: argv }).values as OptionValues;
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('. ')[0] ?? err.message) : String(err);
    process.stderr.write(`${name}: ${message} — see \`${name} --help\`\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
