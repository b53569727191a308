#!/usr/bin/env bash
# Build kubectl's YAML reader (reader/: sigs.k8s.io/yaml's YAMLToJSON, pinned by reader/go.mod and
# go.sum as Kubernetes v1.36 pins it) from the Go module proxy into a cache outside the checkout:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/kubectl-yaml-<hash of reader/>/kubectl-yaml
# Seconds cold; nothing when built. The last stdout line is the binary's path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib/go-build-cache.sh
. "$HERE/../../scripts/lib/go-build-cache.sh"
HASH=$(cat "$HERE/reader/go.mod" "$HERE/reader/go.sum" "$HERE/reader/main.go" | sha256sum | cut -c1-12)
build_reader() {
  (cd "$HERE/reader" && go build -trimpath -ldflags "-s -w" -o "$1" .)
}
go_build_cached "kubectl-yaml-$HASH" kubectl-yaml build_reader
