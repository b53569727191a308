#!/usr/bin/env bash
# Build kube-apiserver, kube-controller-manager, kube-scheduler and etcd from Go
# modules (no Docker, no dl.k8s.io) into a version-keyed cache outside the checkout:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/k8s-<KV>-etcd-<EV>/bin
# Versions come from the committed wrapper modules k8sbuild/ and etcdbuild/
# (go.mod + go.sum, regenerate with gen-gomod.sh). If the binaries exist it does
# nothing. The last stdout line is always the bin dir.
# K8S_VERSION=v1.36.3 picks the wrappers under versions/v1.36.3/ instead (another
# Kubernetes release, e.g. for APIs the default one lacks); unset, or equal to the
# default's version, it is the default build, in the same cache dir as before.
# K8S_COMPONENTS (default: kube-apiserver kube-controller-manager kube-scheduler) names the
# Kubernetes binaries wanted beside etcd; only the missing ones are built (a run that starts the
# apiserver alone, as run-map.sh does, skips two links and ~400 packages on a cold machine).
# Cold build on 2 cores: ~8 min incl. downloads (see NOTES.md); needs ~4 GB of Go caches.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

# Single source of truth for versions: the pinned go.mod files.
kv_of() { sed -n 's#^[[:space:]]*k8s\.io/kubernetes \(v[^ ]*\).*#\1#p' "$1/k8sbuild/go.mod" | head -1; }
WRAP=$HERE
if [ -n "${K8S_VERSION:-}" ] && [ "$K8S_VERSION" != "$(kv_of "$HERE")" ]; then
  WRAP="$HERE/versions/$K8S_VERSION"
  if [ ! -f "$WRAP/k8sbuild/go.mod" ]; then
    echo "build.sh: no wrapper modules for K8S_VERSION=$K8S_VERSION (have: $(kv_of "$HERE") $(ls "$HERE/versions" 2>/dev/null | tr '\n' ' '))" >&2
    exit 1
  fi
fi
KV=$(kv_of "$WRAP")
EV=$(sed -n 's#^[[:space:]]*go\.etcd\.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$WRAP/etcdbuild/go.mod" | head -1)
if [ -z "$KV" ] || [ -z "$EV" ]; then echo "build.sh: cannot read versions from go.mod" >&2; exit 1; fi

CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
OUT="$CACHE/k8s-$KV-etcd-$EV"
BIN="$OUT/bin"
read -r -a COMPONENTS <<<"${K8S_COMPONENTS:-kube-apiserver kube-controller-manager kube-scheduler}"
BINS=(etcd "${COMPONENTS[@]}")

missing() { for b in "${BINS[@]}"; do [ -x "$BIN/$b" ] || echo "$b"; done; }
if [ -z "$(missing)" ]; then echo "$BIN"; exit 0; fi

mkdir -p "$OUT"
# Serialise concurrent builds of the same version (e.g. two test runs at once).
exec 9>"$OUT/.lock"
flock 9
mapfile -t TODO < <(missing)
if [ "${#TODO[@]}" = 0 ]; then echo "$BIN"; exit 0; fi

# local toolchain only (no toolchain downloads); static binaries like upstream;
# readonly: build exactly what go.sum pins; buildvcs=false: the wrapper sits in
# the project's git repo, whose state must not leak into (or break) the build;
# GOWORK=off: ignore any go.work above us.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"

TMP="$OUT/bin.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

start=$(date +%s)
MINOR=$(echo "$KV" | cut -d. -f2)
# Same stamping as k/k hack/lib/version.sh; without it /version says v0.0.0-master.
LD="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LD+=" -X $p.gitVersion=$KV -X $p.gitMajor=1 -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean"
  LD+=" -X $p.buildDate=1970-01-01T00:00:00Z"
done

PKGS=()
for b in "${TODO[@]}"; do
  if [ "$b" = etcd ]; then
    echo "build.sh: building etcd $EV" >&2
    # -o with a file name: the package's default binary name would be "v3", not "etcd".
    (cd "$WRAP/etcdbuild" && go build -trimpath -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3) >&2
    "$TMP/etcd" --version >&2
  else
    PKGS+=("k8s.io/kubernetes/cmd/$b")
  fi
done
if [ "${#PKGS[@]}" -gt 0 ]; then
  echo "build.sh: building ${PKGS[*]##*/} $KV" >&2
  (cd "$WRAP/k8sbuild" && go build -trimpath -ldflags "$LD" -o "$TMP/" "${PKGS[@]}") >&2
  [ ! -x "$TMP/kube-apiserver" ] || "$TMP/kube-apiserver" --version >&2
fi
mkdir -p "$BIN"
mv "$TMP"/* "$BIN/"
echo "build.sh: done in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
