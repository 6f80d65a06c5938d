#!/usr/bin/env bash
# Stop exactly the processes start.sh started for NOVA_REAL_RELEASE (nova-api,
# neutron stand-in, keystone, and PostgreSQL for 2026.2), identified by the pid
# files in backends/.state/nova-real[-2026.2]/run/.
# Each was started in its own session, so its process group (pgid == pid)
# also covers nova-api's worker child. Idempotent.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${NOVA_REAL_RELEASE:-zed}" in
  zed) SUFFIX="" ;;
  *) SUFFIX="-${NOVA_REAL_RELEASE}" ;;
esac
STATE="$(cd "$HERE/.." && pwd)/.state/nova-real$SUFFIX"
log() { printf '[nova-real] %s\n' "$*" >&2; }

alive_ours() {  # pid -> true if alive and its cmdline mentions our state dir
  [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$STATE"
}

group_alive() { pgrep -g "$1" >/dev/null 2>&1; }

# The database last: the services close their connections first.
for name in nova-api neutron keystone postgres; do
  pf="$STATE/run/$name.pid"
  [[ -s "$pf" ]] || continue
  pid="$(cat "$pf")"
  if alive_ours "$pid" || group_alive "$pid"; then
    log "stopping $name (pgid $pid)"
    if [[ "$name" == postgres ]]; then
      kill -INT "$pid" 2>/dev/null || true  # fast shutdown; the postmaster stops its own children
    else
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 50); do
      group_alive "$pid" || break
      sleep 0.1
    done
    if group_alive "$pid"; then
      log "$name did not exit on TERM; sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$pf"
done
log "stopped"
