/**
 * Standalone reference Nova: `tsx backends/nova-reference/main.ts [--port N] [--max 2.93]
 * [--token-lifetime SECONDS]`. Prints the settings the conformance run needs and stays up until
 * SIGINT/SIGTERM. Faults: `NOVA_REFERENCE_FAULTS=name,name` (see NOVA_FAULTS in faults.ts).
 */

import { parseCommandLine } from '../shared/command-line.ts';
import { NOVA_FAULTS, parseFaults, startNovaReference } from './index.ts';

const USAGE = `usage: nova-reference [--port N] [--max 2.93] [--token-lifetime SECONDS] [--list-faults]
  A Compute API with a Keystone-compatible endpoint (reference backend) on 127.0.0.1; prints the OS_* and
  NOVA_* settings a run needs and serves until SIGINT/SIGTERM.
  --port N                  listen on this port (default: a free one)
  --max 2.N                 highest microversion served (default 2.93)
  --token-lifetime SECONDS  lifetime of issued tokens
  --list-faults             print the switchable faults and exit
  NOVA_REFERENCE_FAULTS=name,…  switch faults on`;

const options = parseCommandLine('nova-reference', USAGE, {
  port: { type: 'string' },
  max: { type: 'string' },
  'token-lifetime': { type: 'string' },
  'list-faults': { type: 'boolean' },
});
const arg = (name: string): string | undefined => options[name.replace(/^--/, '')] as string | undefined;

async function main(): Promise<void> {
  if (options['list-faults']) {
    for (const f of NOVA_FAULTS) process.stdout.write(`${f.name}\t[${f.family}]\t${f.description}\n`);
    return;
  }
  const portArg = arg('--port');
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${portArg} is not a port number`);
  const lifetime = arg('--token-lifetime');
  const faults = parseFaults(process.env.NOVA_REFERENCE_FAULTS);
  const ref = await startNovaReference({
    port,
    maxMicroversion: arg('--max'),
    tokenLifetimeSeconds: lifetime === undefined ? undefined : Number(lifetime),
    faults,
  });
  const u = ref.users;
  const lines = [
    '# reference Nova (Zed semantics) is up; paste into .env or export:',
    'OS_AUTH_TYPE=none',
    `OS_TOKEN=${u.memberA.token}`,
    `OS_COMPUTE_ENDPOINT_OVERRIDE=${ref.url}`,
    `NOVA_SERVER_IDS=${ref.serverIds.a.join(',')}`,
    `OS_ALT_TOKEN=${u.memberB.token}`,
    `NOVA_ALT_SERVER_IDS=${ref.serverIds.b.join(',')}`,
    '# password auth instead (Keystone v3 stub):',
    `# OS_AUTH_TYPE=password OS_AUTH_URL=${ref.identityUrl} OS_USERNAME=${u.memberA.username} OS_PASSWORD=${u.memberA.password} OS_PROJECT_NAME=${u.memberA.project} OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default`,
    `# OS_ALT_USERNAME=${u.memberB.username} OS_ALT_PASSWORD=${u.memberB.password} OS_ALT_PROJECT_NAME=${u.memberB.project}`,
    `# admin: OS_USERNAME=${u.admin.username} OS_PASSWORD=${u.admin.password} OS_PROJECT_NAME=${u.admin.project} (static token ${u.admin.token})`,
    `# project ids: ${u.memberA.project}=${u.memberA.projectId} ${u.memberB.project}=${u.memberB.projectId}`,
    `# faults: ${faults.length ? faults.join(',') : 'none'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void ref.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`nova-reference: ${(err as Error).message ?? String(err)}\n`);
  process.exit(2);
});
