/**
 * Loaded with NODE_OPTIONS=--import=<this file> into a measured command (plain JS: it runs before any loader).
 * Appends the wall-clock time (epoch ms) of the first HTTP request any server of this process receives, and of
 * its first PATCH/PUT (the first update under assertion), to BENCH_FIRST_REQUEST_FILE. Observes only; changes
 * nothing the server does.
 */
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const file = process.env.BENCH_FIRST_REQUEST_FILE;
if (file) {
  let first = true;
  let firstUpdate = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    if (event === 'request' && (first || firstUpdate)) {
      const req = args[0];
      const now = Date.now();
      if (first) {
        first = false;
        appendFileSync(file, `first ${now} ${process.pid} ${req.method} ${req.url}\n`);
      }
      if (firstUpdate && (req.method === 'PATCH' || req.method === 'PUT')) {
        firstUpdate = false;
        appendFileSync(file, `update ${now} ${process.pid} ${req.method} ${req.url}\n`);
      }
    }
    return emit.call(this, event, ...args);
  };
}
