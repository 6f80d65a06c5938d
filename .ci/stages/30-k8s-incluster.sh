#!/usr/bin/env bash
# The Kubernetes suite in-cluster and as a Sonobuoy plugin, against the real kube-apiserver (default version):
# a ServiceAccount with only the namespaced Role of deploy/sonobuoy/rbac.yaml (no cluster-admin), the results in
# Sonobuoy's format, progress updates, `doctor` naming a missing permission, and a real ValidatingAdmissionPolicy
# whose rejections are attributed to the cluster's own policy (.ci/k8s-incluster.ts). Stops what it started.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash backends/k8s-real/start.sh > /dev/null || { echo "k8s-real: start failed"; bash backends/k8s-real/stop.sh; exit 1; }
trap 'bash backends/k8s-real/stop.sh >&2' EXIT
npx tsx .ci/k8s-incluster.ts
