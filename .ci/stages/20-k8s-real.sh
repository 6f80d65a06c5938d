#!/usr/bin/env bash
# Real upstream kube-apiserver (k8s.io/kubernetes, built from Go modules, embedded etcd): build, start, run the
# Pod PATCH suite through the ordinary configuration contract (K8S_SERVER/K8S_TOKEN/K8S_CA_FILE). Stops it after.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash backends/k8s-real/start.sh > /dev/null || { echo "k8s-real: start failed"; bash backends/k8s-real/stop.sh; exit 1; }
trap 'bash backends/k8s-real/stop.sh >&2' EXIT
set -a
# shellcheck disable=SC1091
. backends/.state/k8s-real.env
set +a
CONFORMANCE_SUITES=k8s CONFORMANCE_REPORT_DIR=reports/real-k8s npx tsx cli/bin.ts run
