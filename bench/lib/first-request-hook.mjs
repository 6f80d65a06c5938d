/**
 * Loaded with NODE_OPTIONS=--import=<this file> into a measured process (plain JS: it runs before any loader).
 * Appends to BENCH_FIRST_REQUEST_FILE the wall-clock time (epoch ms) of the first HTTP request a server of this
 * process receives, of its first PATCH/PUT (the first update under assertion), and of the first request this
 * process sends through undici; each thread it is loaded into (worker threads started from a file too) notes its
 * own, and the reader takes the earliest. Observes only; changes nothing the process does.
 */
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const file = process.env.BENCH_FIRST_REQUEST_FILE;
if (file) {
  const note = (kind, method, url) => appendFileSync(file, `${kind} ${Date.now()} ${process.pid} ${method} ${url}\n`);
  let first = true;
  let firstUpdate = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    if (event === 'request' && (first || firstUpdate)) {
      const req = args[0];
      if (first) {
        first = false;
        note('first', req.method, req.url);
      }
      if (firstUpdate && (req.method === 'PATCH' || req.method === 'PUT')) {
        firstUpdate = false;
        note('update', req.method, req.url);
      }
    }
    return emit.call(this, event, ...args);
  };
  let firstSent = true;
  const onCreate = ({ request }) => {
    if (!firstSent) return;
    firstSent = false;
    note('sent', request.method, `${request.origin}${request.path}`);
  };
  subscribe('undici:request:create', onCreate);
}
