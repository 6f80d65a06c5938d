/**
 * Standalone fault proxy: `tsx backends/fault-proxy/main.ts --upstream http://127.0.0.1:PORT [--fault latency:200]
 * [--methods PATCH,PUT] [--path REGEX] [--every N] [--max-requests N] [--lifetime-ms N] [--port N]`.
 * Prints `FAULT_PROXY_URL=…` and serves until SIGINT/SIGTERM, the request limit or the lifetime.
 * Faults: none, latency:MS, reset[:after], status:CODE[:retry=S][:json|:html][:after], truncate[:cut|:full],
 * non-json[:STATUS], html[:STATUS], stall[:MS], close-mid-body, echo-auth[:STATUS], auth-gateway (with --auth-url
 * KEYSTONE_V3_URL: an API gateway's own 401 without a token Keystone resolves).
 */
import { parseCommandLine } from '../shared/command-line.ts';
import { describeFault, parseFault, startFaultProxy } from './index.ts';

const USAGE =
  'usage: fault-proxy --upstream http://127.0.0.1:PORT [--fault NAME[:ARGS]] [--methods PATCH,PUT] [--path REGEX] [--every N] [--max-requests N] [--lifetime-ms N] [--port N] [--auth-url KEYSTONE_V3_URL]';

const values = parseCommandLine('fault-proxy', USAGE, {
  upstream: { type: 'string' },
  fault: { type: 'string', default: 'none' },
  methods: { type: 'string' },
  path: { type: 'string' },
  every: { type: 'string' },
  'max-requests': { type: 'string' },
  'lifetime-ms': { type: 'string' },
  port: { type: 'string' },
  'auth-url': { type: 'string' },
}) as Record<string, string | undefined> & { help?: boolean };

const int = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} "${v}" is not a whole number`);
  return Number(v);
};

async function main(): Promise<void> {
  if (!values.upstream) {
    process.stderr.write(`fault-proxy: --upstream is required\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const fault = parseFault(values.fault ?? 'none');
  const proxy = await startFaultProxy({
    upstream: values.upstream,
    fault,
    match: {
      methods: values.methods?.split(',').map((m) => m.trim()),
      path: values.path === undefined ? undefined : new RegExp(values.path),
      every: int(values.every, 'every'),
    },
    maxRequests: int(values['max-requests'], 'max-requests'),
    lifetimeMs: int(values['lifetime-ms'], 'lifetime-ms'),
    port: int(values.port, 'port'),
    authUrl: values['auth-url'],
  });
  process.stdout.write(`FAULT_PROXY_URL=${proxy.url}\n`);
  process.stderr.write(`fault-proxy: ${describeFault(fault)} → ${values.upstream}\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const reason = await proxy.stopped;
  process.stderr.write(`fault-proxy: stopped: ${reason} (${proxy.requests} requests, ${proxy.faulted} faulted)\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${message.startsWith('fault-proxy:') ? message : `fault-proxy: ${message}`}\n`);
  process.exit(2);
});
