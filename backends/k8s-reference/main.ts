/**
 * Standalone reference backend: `tsx backends/k8s-reference/main.ts [--port N] [--no-auth] [--minor N]`.
 * Prints K8S_SERVER=… and K8S_TOKEN=… on stdout and serves until SIGINT/SIGTERM.
 * K8S_REFERENCE_FAULTS (comma list of fault names, see faults.ts) switches faults on.
 */

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseFaults, startK8sReference } from './index.ts';

/** Command-line options (node's own parser: unknown options are an error). */
const { values: options } = parseArgs({ options: { port: { type: 'string' }, minor: { type: 'string' }, 'no-auth': { type: 'boolean' } } });
const arg = (name: string): string | undefined => options[name.replace(/^--/, '') as keyof typeof options] as string | undefined;

async function main(): Promise<void> {
  const port = Number(arg('--port') ?? '0');
  const minor = Number(arg('--minor') ?? '34');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${String(arg('--port'))}`);
  const noAuth = Boolean(options['no-auth']);
  const faults = parseFaults(process.env.K8S_REFERENCE_FAULTS);
  const token = noAuth ? undefined : randomBytes(24).toString('hex');
  const ref = await startK8sReference({
    port,
    faults,
    minorVersion: minor,
    ...(token !== undefined ? { token } : {}),
  });
  process.stdout.write(`K8S_SERVER=${ref.url}\n`);
  if (token !== undefined) process.stdout.write(`K8S_TOKEN=${token}\n`);
  if (faults.length > 0) process.stderr.write(`k8s-reference: faults on: ${faults.join(', ')}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    ref.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`k8s-reference: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
