/**
 * Standalone reference backend: `tsx backends/k8s-reference/main.ts [--port N] [--no-auth] [--minor N]`.
 * Prints K8S_SERVER=… and K8S_TOKEN=… on stdout and serves until SIGINT/SIGTERM.
 * K8S_REFERENCE_FAULTS (comma list of fault names, see faults.ts) switches faults on.
 */

import { randomBytes } from 'node:crypto';
import { parseCommandLine } from '../shared/command-line.ts';
import { parseFaults, startK8sReference } from './index.ts';

const USAGE = `usage: k8s-reference [--port N] [--minor N] [--no-auth]
  A Kubernetes Pod API (reference backend) on 127.0.0.1; prints K8S_SERVER and K8S_TOKEN, serves until SIGINT/SIGTERM.
  --port N     listen on this port (default: a free one)
  --minor N    report Kubernetes 1.N from /version (default 34)
  --no-auth    accept requests without a bearer token
  K8S_REFERENCE_FAULTS=name,…  switch faults on (see backends/k8s-reference/faults.ts)`;

const options = parseCommandLine('k8s-reference', USAGE, { port: { type: 'string' }, minor: { type: 'string' }, 'no-auth': { type: 'boolean' } });
const arg = (name: string): string | undefined => options[name.replace(/^--/, '')] as string | undefined;

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
