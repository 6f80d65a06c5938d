#!/usr/bin/env bash
# Stop the server started by start.sh (and only that process, via its PID file).
# Idempotent: succeeds when nothing is running.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_ROOT="$(cd "$HERE/.." && pwd)/.state"
STATE="$STATE_ROOT/k8s-real"
PID_FILE="$STATE/server.pid"
ENV_FILE="$STATE_ROOT/k8s-real.env"

say() { echo "k8s-real: $*" >&2; }

cleanup() { rm -f "$PID_FILE" "$ENV_FILE" "$STATE/ready.env" "$STATE/server.version"; }

if [ ! -f "$PID_FILE" ]; then
  say "not running (no pid file)"
  cleanup
  exit 0
fi
pid="$(cat "$PID_FILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  say "not running (stale pid file)"
  cleanup
  exit 0
fi
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "k8s-real --state-dir"; then
  say "pid $pid is not a k8s-real server; not touching it"
  cleanup
  exit 0
fi

say "stopping pid $pid"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 150); do # graceful shutdown: up to 30 s
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  say "still running after 30s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
cleanup
say "stopped"
