#!/usr/bin/env bash
# Build one Go command of a peer tool from the Go module proxy (no prebuilt download, no source in
# this repository) into a version-keyed cache outside the checkout:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/<tool>-<version>/<binary>
# Usage: go-build.sh <tool> <module> <version> <package-dir-in-module> <binary> [ldflags...]
# The module is fetched with `go mod download` (checked against sum.golang.org) and built inside its
# own module directory, so its go.mod and go.sum (replace directives included) pin every dependency
# exactly; `go install mod@version` would refuse modules with replace directives (kyverno has one).
# Does nothing when the binary exists. The last stdout line is always the binary's path.
set -euo pipefail
if [ $# -lt 5 ]; then echo "go-build.sh: usage: <tool> <module> <version> <pkg-dir> <binary> [ldflags]" >&2; exit 2; fi
TOOL=$1 MOD=$2 VER=$3 PKG=$4 BINNAME=$5
shift 5
LDX="$*"

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib/go-build-cache.sh
. "$HERE/../../scripts/lib/go-build-cache.sh"

build_peer() {
  local dir
  echo "go-build.sh: fetching $MOD@$VER" &&
    dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$MOD@$VER" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') &&
    [ -f "$dir/go.mod" ] &&
    (cd "$dir" && go build -trimpath -ldflags "-s -w $LDX" -o "$1" "./$PKG")
}
go_build_cached "$TOOL-$VER" "$BINNAME" build_peer
