#!/usr/bin/env bash
# Start the real upstream kube-apiserver backend (kube-apiserver + embedded etcd
# in one process, 127.0.0.1 only) and print its client configuration:
#
#   K8S_SERVER=https://127.0.0.1:<port>
#   K8S_TOKEN=<token>
#   K8S_CA_FILE=<absolute path>
#
# The same lines are written to backends/.state/k8s-real.env. Human messages go
# to stderr. If the server is already up, the configuration is just re-printed.
#
# Environment (optional):
#   K8S_REAL_PORT           secure port on 127.0.0.1 (default: a free port)
#   K8S_REAL_READY_TIMEOUT  seconds to wait for readiness (default: 120)
#   K8S_REAL_VERBOSITY      kube-apiserver --v level (default: 0)
#
# Exit codes: 0 ok, 1 build/start failure, 2 Go toolchain missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKENDS="$(cd "$HERE/.." && pwd)"
STATE_ROOT="$BACKENDS/.state"
STATE="$STATE_ROOT/k8s-real"
ENV_FILE="$STATE_ROOT/k8s-real.env"
PID_FILE="$STATE/server.pid"
LOG="$STATE/server.log"
BUILD_LOG="$STATE/build.log"
BIN_DIR="$HERE/.bin"
BIN="$BIN_DIR/k8s-real"
STAMP="$BIN_DIR/k8s-real.stamp"
PORT="${K8S_REAL_PORT:-0}"
TIMEOUT="${K8S_REAL_READY_TIMEOUT:-120}"
VERBOSITY="${K8S_REAL_VERBOSITY:-0}"

say() { echo "k8s-real: $*" >&2; }

mkdir -p "$STATE"

# One start at a time.
exec 9>"$STATE_ROOT/k8s-real.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w "$((TIMEOUT + 600))" 9 || { say "another start.sh holds the lock"; exit 1; }
fi

alive() { # pid -> true if running (a zombie, i.e. exited but not yet reaped, is not)
  local st
  st="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

is_ours() { # pid -> true if it is a live k8s-real server process
  local pid="$1"
  [ -n "$pid" ] && alive "$pid" &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "k8s-real --state-dir"
}

print_config() {
  cp "$STATE/ready.env" "$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
  cat "$ENV_FILE"
}

wait_ready() { # pid
  local pid="$1" deadline=$((SECONDS + TIMEOUT))
  while [ ! -f "$STATE/ready.env" ]; do
    if ! alive "$pid"; then
      say "the server exited before it was ready; last lines of $LOG:"
      tail -n 40 "$LOG" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "not ready (readyz + namespace default) within ${TIMEOUT}s; last lines of $LOG:"
      tail -n 40 "$LOG" >&2 || true
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.2
  done
}

# Already running?
if [ -f "$PID_FILE" ]; then
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if is_ours "$pid"; then
    say "already running (pid $pid)"
    wait_ready "$pid" || exit 1
    print_config
    exit 0
  fi
  say "removing stale pid file (pid ${pid:-?} is not running)"
  rm -f "$PID_FILE" "$ENV_FILE"
fi

if ! command -v go >/dev/null 2>&1; then
  say "the Go toolchain ('go') is not on PATH; it is needed to build kube-apiserver from source (see $HERE/README.md)"
  exit 2
fi

# Build once; rebuild only when the sources, go.mod/go.sum or the toolchain change.
K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$HERE/go.mod")"
stamp="$( { go env GOVERSION; echo "$K8S_VERSION"; cat "$HERE/go.mod" "$HERE/go.sum" "$HERE"/*.go "$HERE/start.sh"; } | sha256sum | cut -d' ' -f1)"
if [ ! -x "$BIN" ] || [ "$(cat "$STAMP" 2>/dev/null || true)" != "$stamp" ]; then
  say "building kube-apiserver $K8S_VERSION from source (first build takes a few minutes; later builds use the Go build cache)"
  mkdir -p "$BIN_DIR"
  V=k8s.io/component-base/version
  ldflags="-X $V.gitVersion=$K8S_VERSION -X $V.gitMajor=1 -X $V.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $V.gitTreeState=clean"
  build_start=$SECONDS
  if ! (cd "$HERE" && go build -buildvcs=false -ldflags "$ldflags" -o "$BIN.tmp" .) >"$BUILD_LOG" 2>&1; then
    say "BUILD FAILED (go build in $HERE); last lines of the compiler output ($BUILD_LOG):"
    tail -n 25 "$BUILD_LOG" >&2
    rm -f "$BIN.tmp"
    exit 1
  fi
  mv "$BIN.tmp" "$BIN"
  echo "$stamp" >"$STAMP"
  say "built $BIN in $((SECONDS - build_start))s"
fi

rm -f "$STATE/ready.env" "$ENV_FILE"
say "starting (log: $LOG)"
start_time=$SECONDS
if command -v setsid >/dev/null 2>&1; then
  # Own session: the server survives the shell that started it.
  setsid "$BIN" --state-dir "$STATE" --port "$PORT" --ready-timeout "${TIMEOUT}s" --v "$VERBOSITY" \
    >"$LOG" 2>&1 </dev/null 9>&- &
else
  nohup "$BIN" --state-dir "$STATE" --port "$PORT" --ready-timeout "${TIMEOUT}s" --v "$VERBOSITY" \
    >"$LOG" 2>&1 </dev/null 9>&- &
fi
pid=$!
echo "$pid" >"$PID_FILE"
wait_ready "$pid" || exit 1
say "ready in $((SECONDS - start_time))s (pid $pid)"
print_config
