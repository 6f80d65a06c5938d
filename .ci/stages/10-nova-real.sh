#!/usr/bin/env bash
# Real OpenStack Nova (Debian Zed) behind real Keystone: install, start, run the Update Server suite through the
# ordinary configuration contract as a project member (with a second project) and as admin, then compare our
# response schemas with Tempest's on the captured bodies. Stops what it started.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
bash backends/nova-real/install.sh --with-tempest >&2 || { echo "nova-real: install failed"; exit 1; }
bash backends/nova-real/start.sh > /dev/null || { echo "nova-real: start failed"; bash backends/nova-real/stop.sh; exit 1; }
trap 'bash backends/nova-real/stop.sh >&2' EXIT
set -a
# shellcheck disable=SC1091
. backends/.state/nova-real.env
set +a

echo "── as project member (conformance-a), with the second project's credentials"
CONFORMANCE_SUITES=nova CONFORMANCE_REPORT_DIR=reports/real-nova npx tsx cli/bin.ts run || status=1
npx tsx backends/nova-real/compare-with-tempest.ts reports/real-nova || status=1

echo "── as admin (cross-project cases do not apply: an admin may update any project's server)"
OS_USERNAME="$NOVA_REAL_ADMIN_USERNAME" OS_PASSWORD="$NOVA_REAL_ADMIN_PASSWORD" OS_PROJECT_NAME="$NOVA_REAL_ADMIN_PROJECT_NAME" \
  OS_ALT_USERNAME='' OS_ALT_PASSWORD='' OS_ALT_PROJECT_NAME='' NOVA_ALT_SERVER_IDS='' \
  CONFORMANCE_SUITES=nova CONFORMANCE_REPORT_DIR=reports/real-nova-admin npx tsx cli/bin.ts run || status=1
exit $status
