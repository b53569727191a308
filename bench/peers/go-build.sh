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

CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
OUT="$CACHE/$TOOL-$VER"
BIN="$OUT/$BINNAME"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

mkdir -p "$OUT"
# Serialise concurrent builds of the same version (two test runs at once).
exec 9>"$OUT/.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

# Local toolchain unless the caller chose one; exactly what go.sum pins (readonly); static binary;
# no VCS stamping (the module cache has no .git); ignore any go.work above us.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"

start=$(date +%s)
echo "go-build.sh: fetching $MOD@$VER" >&2
DIR=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$MOD@$VER" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$DIR" ] || [ ! -f "$DIR/go.mod" ]; then echo "go-build.sh: go mod download $MOD@$VER gave no directory" >&2; exit 1; fi

echo "go-build.sh: building $TOOL $VER ($PKG)" >&2
TMP="$OUT/$BINNAME.tmp.$$"
trap 'rm -f "$TMP"' EXIT
(cd "$DIR" && go build -trimpath -ldflags "-s -w $LDX" -o "$TMP" "./$PKG") >&2
mv "$TMP" "$BIN"
echo "go-build.sh: $TOOL $VER built in $(($(date +%s) - start)) s" >&2
echo "$BIN"
