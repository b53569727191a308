#!/usr/bin/env bash
# Regenerate the pinned Go wrapper modules k8sbuild/ and etcdbuild/ (go.mod + go.sum).
# Run only when bumping versions; build.sh builds from the committed files.
#   KV=v1.33.13 EV=v3.5.24 ./gen-gomod.sh            -> k8sbuild/, etcdbuild/ (the default version)
#   KV=v1.36.3 EV=v3.6.8 DEST=versions/v1.36.3 ./gen-gomod.sh   -> another version, picked by
#                                                      build.sh with K8S_VERSION=v1.36.3
# Why wrappers: `go install k8s.io/kubernetes/cmd/...@v` fails (k/k requires its staging
# modules at v0.0.0 via ./staging replaces, and go install refuses modules with replaces).
# A main module that requires k/k and replaces each staging module with its published
# v0.Y.Z tag works. etcd's server module has replaces too, so it gets its own wrapper
# (a separate module, so its deps don't get MVS-merged with k8s' etcd client deps).
set -euo pipefail
KV=${KV:-v1.33.13}   # Kubernetes release (1.33 = kubectl 1.32 +1 minor skew, in policy)
EV=${EV:-v3.5.24}    # etcd that $KV pairs with (k/k build/dependencies.yaml)
SV="v0.${KV#v1.}"    # staging modules are tagged v0.Y.Z for k8s v1.Y.Z
HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${DEST:-$HERE}; mkdir -p "$DEST"; DEST=$(cd "$DEST" && pwd)
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

# --- Kubernetes ---
K="$DEST/k8sbuild"; mkdir -p "$K"; rm -f "$K/go.mod" "$K/go.sum"
cd "$K"
KMOD=$(go mod download -json "k8s.io/kubernetes@$KV" | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p')
# Same language/GODEBUG defaults as upstream builds of $KV: copy k/k's own go and godebug
# lines (1.33: go 1.24.0, godebug default=go1.24; 1.36: go 1.26.0, default=go1.26).
GOV=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$KMOD" | head -1)
GODBG=$(sed -n 's/^godebug \(default=.*\)$/\1/p' "$KMOD" | head -1)
printf 'module local/k8sbuild\n\ngo %s\n\ngodebug %s\n' "$GOV" "$GODBG" > go.mod
# Staging list derived from k/k's own go.mod (don't hard-code; it changes between minors).
# shellcheck disable=SC2013  # module paths have no spaces
for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$KMOD"); do
  go mod edit -replace="$m=$m@$SV"
done
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$KV" \
  "k8s.io/kubernetes/cmd/kube-controller-manager@$KV" "k8s.io/kubernetes/cmd/kube-scheduler@$KV"
go mod tidy

# --- etcd ---
E="$DEST/etcdbuild"; mkdir -p "$E"; rm -f "$E/go.mod" "$E/go.sum"
cd "$E"
printf 'module local/etcdbuild\n\ngo %s\n' "$GOV" > go.mod
go get -tool "go.etcd.io/etcd/server/v3@$EV"
go mod tidy
echo "regenerated k8sbuild ($KV) and etcdbuild ($EV)"
