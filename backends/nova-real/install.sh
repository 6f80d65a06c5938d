#!/usr/bin/env bash
# Installs what the real Nova/Keystone backend of NOVA_REAL_RELEASE needs, if missing:
#   zed     Debian's python3-nova (26.2.2) + python3-keystone, api-paste.ini from the nova-common .deb
#   2026.2  PostgreSQL and python3-venv from Debian, and a virtualenv with nova 34.0.0, keystone 30.0.0,
#           keystonemiddleware 13.0.1, gunicorn and psycopg2 from PyPI (constraints-2026.2.txt), built
#           once per machine in NOVA_REAL_CACHE_DIR and reused by every clone.
# Idempotent: does nothing (fast) when everything is present.
# Usage: install.sh [--with-tempest]   (prints the virtualenv's python on stdout for 2026.2)
# All human output goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RELEASE="${NOVA_REAL_RELEASE:-zed}"
STATE_DIR="${NOVA_REAL_STATE_DIR:-$HERE/../.state/nova-real}"
mkdir -p "$STATE_DIR"

log() { printf '[nova-real/install] %s\n' "$*" >&2; }

case "$RELEASE" in
  zed) PKGS=(python3-nova python3-keystone) ;;
  2026.2) PKGS=(postgresql python3-venv) ;;
  *) log "unknown NOVA_REAL_RELEASE '$RELEASE' (zed or 2026.2)"; exit 1 ;;
esac
if [[ "${1:-}" == "--with-tempest" ]]; then
  PKGS+=(python3-tempest)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $EUID -ne 0 ]]; then
    log "need root to install: ${missing[*]}"
    exit 1
  fi
  log "installing: ${missing[*]} (this takes a minute or two)"
  # Keep package maintainer scripts from starting daemons. Only remove the
  # policy-rc.d file afterwards if we are the ones who created it.
  created_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  cleanup_policy() { if ((created_policy)); then rm -f /usr/sbin/policy-rc.d; fi; }
  trap cleanup_policy EXIT
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only if they look absent/stale.
  if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]]; then
    apt-get update -q >&2
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  cleanup_policy
  trap - EXIT
fi

if [[ "$RELEASE" == 2026.2 ]]; then
  # Keyed by the constraints' content: a changed pin builds a new virtualenv beside the old one.
  CACHE="${NOVA_REAL_CACHE_DIR:-/var/cache/update-conformance/nova-real}"
  key="$(sha256sum "$HERE/constraints-2026.2.txt" | cut -c1-12)"
  VENV="$CACHE/venv-2026.2-$key"
  if [[ ! -x "$VENV/bin/python" || ! -e "$VENV/.complete" ]]; then
    log "building the nova 34.0.0 virtualenv in $VENV (a minute or two; once per machine)"
    rm -rf "$VENV"
    mkdir -p "$CACHE"
    # A virtualenv's paths are absolute, so it is built where it lives; .complete marks a finished build.
    /usr/bin/python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -c "$HERE/constraints-2026.2.txt" \
      nova==34.0.0 keystone==30.0.0 keystonemiddleware==13.0.1 gunicorn psycopg2-binary >&2 \
      || { rm -rf "$VENV"; log "pip install failed"; exit 1; }
    touch "$VENV/.complete"
  fi
  "$VENV/bin/python" -c 'import nova, keystone, keystonemiddleware, psycopg2, gunicorn' 2>/dev/null \
    || { log "the virtualenv $VENV cannot import nova/keystone; remove it and retry"; exit 1; }
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] || { log "PostgreSQL 15 server binaries missing"; exit 1; }
  log "packages present (virtualenv $VENV)"
  echo "$VENV/bin/python"
  exit 0
fi

# api-paste.ini lives in nova-common; extract it from the .deb without
# installing nova-common (which would pull in dbconfig-common questions).
PASTE_SRC="$STATE_DIR/nova-common/usr/share/nova-common/api-paste.ini"
if [[ ! -s "$PASTE_SRC" ]]; then
  log "extracting api-paste.ini from nova-common .deb"
  tmp="$(mktemp -d)"
  chmod 755 "$tmp"  # lets apt's _apt user write the download
  ver="$(dpkg-query -W -f='${Version}' python3-nova)"
  ( cd "$tmp" && apt-get download -q "nova-common=$ver" >&2 )
  mkdir -p "$STATE_DIR/nova-common"
  dpkg-deb -x "$tmp"/nova-common_*.deb "$STATE_DIR/nova-common"
  rm -rf "$tmp"
  # keep only what we need
  find "$STATE_DIR/nova-common" -type f ! -name api-paste.ini -delete 2>/dev/null || true
fi
[[ -s "$PASTE_SRC" ]] || { log "api-paste.ini not found after extraction"; exit 1; }

/usr/bin/python3 -c 'import nova, keystone, keystonemiddleware' 2>/dev/null || {
  log "python3-nova/python3-keystone installed but not importable by /usr/bin/python3"; exit 1; }
log "packages present"
