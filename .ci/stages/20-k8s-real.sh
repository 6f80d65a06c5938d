#!/usr/bin/env bash
# Real upstream kube-apiserver (k8s.io/kubernetes, built from Go modules, embedded etcd), one release after the
# other: every backends/k8s-real/versions/<version> (or K8S_REAL_VERSIONS="v1.34.10 v1.37.2"). For each: build
# (cached per release in ~/.cache/update-conformance/k8s-real/<version>), start, run the Pod PATCH suite through
# the ordinary configuration contract (K8S_SERVER/K8S_TOKEN/K8S_CA_FILE) into reports/real-k8s-<version>, stop.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
# The committed Pod field list must still be what upstream's OpenAPI documents at the pinned tags give (needs Go).
echo "── fixtures/k8s/fields/fields.json against upstream"
npx tsx fixtures/k8s/fields/build.ts --check || status=1
versions="${K8S_REAL_VERSIONS:-$(ls backends/k8s-real/versions | sort -V | tr '\n' ' ')}"
trap 'bash backends/k8s-real/stop.sh >&2' EXIT
for v in $versions; do
  echo "── kube-apiserver $v"
  t0=$SECONDS
  if ! K8S_REAL_VERSION="$v" bash backends/k8s-real/start.sh > /dev/null; then
    echo "k8s-real $v: start failed"
    bash backends/k8s-real/stop.sh >&2
    status=1
    continue
  fi
  t1=$SECONDS
  (
    set -a
    # shellcheck disable=SC1091
    . backends/.state/k8s-real.env
    set +a
    rc=0
    CONFORMANCE_SUITES=k8s CONFORMANCE_REPORT_DIR="reports/real-k8s-$v" node dist/cli/bin.js run || rc=1
    # Generated variants only: 3 per family at a fixed seed (about 15 s per release).
    CONFORMANCE_SUITES=k8s CONFORMANCE_REPORT_DIR="reports/real-k8s-$v-generated" CONFORMANCE_GENERATE=3 CONFORMANCE_SEED=20261206 \
      CONFORMANCE_CASES='k8s.pods.patch.gen-*' node dist/cli/bin.js run || rc=1
    exit $rc
  ) || status=1
  bash backends/k8s-real/stop.sh >&2
  echo "k8s-real $v: build+start $((t1 - t0))s, suite $((SECONDS - t1))s"
done
exit $status
