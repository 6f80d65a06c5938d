#!/usr/bin/env bash
# Generate backends/k8s-real/versions/<version>/go.mod + go.sum for one k8s.io/kubernetes release, the same way
# for every release: require k8s.io/kubernetes <version>, k8s.io/component-base and the etcd server that release
# itself requires; replace every staging module (kubernetes' own `=> ./staging/...` lines) by its published
# v0.<minor>.<patch>; then `go mod tidy`. The result is committed; rerun only to add or move a version.
#
#   backends/k8s-real/gomod.sh v1.37.2
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${1:?usage: gomod.sh v1.<minor>.<patch>}"
case "$VERSION" in v1.*.*) ;; *) echo "gomod.sh: version must look like v1.37.2" >&2; exit 2 ;; esac
STAGING="v0.${VERSION#v1.}"
DIR="$HERE/versions/$VERSION"
mkdir -p "$DIR"

# kubernetes' own go.mod at that tag: the etcd version and the staging module list come from it.
upstream="$(cd "$DIR" && { go mod download -json "k8s.io/kubernetes@$VERSION" || true; } | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$upstream" ] || { echo "gomod.sh: k8s.io/kubernetes@$VERSION is not available (proxy or checksum database refused it)" >&2; exit 1; }
# A release that needs a newer Go than the local one (1.38 needs 1.27): that toolchain, from the module proxy.
need_go="$(awk '$1 == "go" { print $2; exit }' "$upstream")"
have_go="$(go env GOVERSION)"; have_go="${have_go#go}"
if [ "$(printf '%s\n%s\n' "$have_go" "$need_go" | sort -V | tail -n 1)" != "$have_go" ]; then export GOTOOLCHAIN="go$need_go"; fi
etcd="$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2; exit }' "$upstream")"
staging="$(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$upstream" | sort)"

{
  echo "module updateconformance/backends/k8sreal"
  echo
  echo "go 1.25.0"
  echo
  echo "require ("
  echo "	go.etcd.io/etcd/server/v3 $etcd"
  echo "	k8s.io/component-base $STAGING"
  echo "	k8s.io/kubernetes $VERSION"
  echo ")"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m $STAGING"; done
  echo ")"
} >"$DIR/go.mod"
: >"$DIR/go.sum"
# -modfile keeps main.go where it is: one source, one go.mod per version.
(cd "$HERE" && go mod tidy -modfile="$DIR/go.mod")
echo "gomod.sh: wrote $DIR/go.mod and go.sum" >&2
