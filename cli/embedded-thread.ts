/** A worker thread serving one reference backend for an embedded run (cli/embedded.ts startEmbedded). */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, describeError } from '../engine/errors.ts';
import { type BackendSettings, type BackendThreadMessage, startReferenceBackendNamed } from './embedded.ts';

const port = parentPort;
if (!port) throw new Error('cli/embedded-thread.ts runs only as a worker thread');
const say = (m: BackendThreadMessage) => port.postMessage(m);
try {
  const { name, settings } = workerData as { name: string; settings: BackendSettings };
  const backend = await startReferenceBackendNamed(name, undefined, settings);
  port.on('message', (m) => {
    if (m !== 'close') return;
    // Closed, the server and the port leave the thread nothing to wait for: it ends.
    void backend.close().then(() => port.close());
  });
  say({ env: backend.env });
} catch (err) {
  const config = err instanceof ConfigError ? { variable: err.variable, problem: err.problem, fix: err.fix } : undefined;
  say({ error: describeError(err), ...(config ? { config } : {}) });
  port.close();
}
