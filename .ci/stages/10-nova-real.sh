#!/usr/bin/env bash
# Real OpenStack Nova behind real Keystone, one release after the other (NOVA_REAL_RELEASE): Debian's Zed
# (26.2.2, max microversion 2.93) and nova 34.0.0 from PyPI (2026.2, max 2.104, on PostgreSQL). For each: the
# Update Server suite through the ordinary configuration contract as a project member (with a second project and
# a reader-only user) and as admin; on Zed also our response schemas against Tempest's, and a run against Zed's
# noauth2 pipeline (OS_AUTH_TYPE=none). Stops what it started.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0

# suite REPORT_DIR [VAR=value…]: one run of the Nova suite with the launcher's environment plus the overrides.
suite() {
  local dir="$1"
  shift
  env "$@" CONFORMANCE_SUITES=nova CONFORMANCE_REPORT_DIR="$dir" node dist/cli/bin.js run || status=1
}

# release RELEASE AUTH: start that release, run its suites, stop it.
release() {
  local rel="$1" auth="$2" tag env_file
  tag="$rel$([[ "$auth" == keystone ]] || echo "-$auth")"
  export NOVA_REAL_RELEASE="$rel" NOVA_REAL_AUTH="$auth"
  env_file="backends/.state/nova-real$([[ "$rel" == zed ]] || echo "-$rel").env"
  echo "── nova $tag: start"
  local t0=$SECONDS
  if ! bash backends/nova-real/install.sh $([[ "$rel" == zed ]] && echo --with-tempest) >/dev/null; then
    echo "nova-real $tag: install failed"; status=1; return
  fi
  if ! bash backends/nova-real/start.sh >/dev/null; then
    echo "nova-real $tag: start failed"; status=1; bash backends/nova-real/stop.sh; return
  fi
  echo "   up in $((SECONDS - t0)) s"
  (
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    if [[ "$auth" == noauth2 ]]; then
      echo "── nova $tag: noauth2 pipeline, as user admin of the servers' project (no second project, no reader)"
      suite "reports/real-nova-$tag"
    else
      echo "── nova $tag: as project member (conformance-a), with the second project and the reader-only user"
      suite "reports/real-nova-$tag"
      echo "── nova $tag: generated variants only (3 per family, fixed seed; about 40 s)"
      suite "reports/real-nova-$tag-generated" CONFORMANCE_GENERATE=3 CONFORMANCE_SEED=20261206 CONFORMANCE_CASES='nova.servers.update.gen-*'
      if [[ "$rel" == zed ]]; then npx tsx backends/nova-real/compare-with-tempest.ts "reports/real-nova-$tag" || status=1; fi
      echo "── nova $tag: as admin (cross-project cases do not apply: an admin may update any project's server)"
      suite "reports/real-nova-$tag-admin" OS_USERNAME="$NOVA_REAL_ADMIN_USERNAME" OS_PASSWORD="$NOVA_REAL_ADMIN_PASSWORD" \
        OS_PROJECT_NAME="$NOVA_REAL_ADMIN_PROJECT_NAME" OS_ALT_USERNAME='' OS_ALT_PASSWORD='' OS_ALT_PROJECT_NAME='' \
        NOVA_ALT_SERVER_IDS='' OS_READER_USERNAME='' OS_READER_PASSWORD='' OS_READER_PROJECT_NAME=''
    fi
    exit $status
  ) || status=1
  bash backends/nova-real/stop.sh >&2
  echo "── nova $tag: $((SECONDS - t0)) s in all"
}

trap 'for r in zed 2026.2; do NOVA_REAL_RELEASE=$r bash backends/nova-real/stop.sh 2>/dev/null; done' EXIT
release zed keystone
release zed noauth2
release 2026.2 keystone
# The field list against the Nova both releases installed above (Zed from Debian, 34 in the virtualenv): seconds.
echo "── nova fields: fixtures/nova/fields/fields.json against nova's own schemas"
venv_py="$(NOVA_REAL_RELEASE=2026.2 bash backends/nova-real/install.sh 2>/dev/null | tail -1)"
python3 fixtures/nova/fields/build.py check --python /usr/bin/python3 --python "$venv_py" || status=1
exit $status
