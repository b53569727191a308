#!/usr/bin/env bash
# Build ais-guard's oracle program (go/main.go + go/export.go) inside a temporary copy of the
# AIStore operator module at $AIS_K8S_SOURCE/operator, and cache the binary under
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/oracle-<hash>/aisguard-oracle
# where <hash> covers the program, this script, the operator's Go sources + go.mod/go.sum and
# the Go toolchain (`go version`: release, OS, architecture), so a new operator version, a changed
# program or another Go builds afresh. The operator tree is never written to. Concurrent builds
# of the same key wait on a lock. Last stdout line: the binary.
# Cold build on 2 busy cores: several minutes (module downloads + compile); warm: instant.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
: "${AIS_K8S_SOURCE:?set AIS_K8S_SOURCE to the root of an NVIDIA/ais-k8s checkout (tag v3.4.0)}"
SRC="$AIS_K8S_SOURCE/operator"
if [ ! -f "$SRC/go.mod" ]; then echo "build.sh: no operator module at $SRC (go.mod missing)" >&2; exit 1; fi

# Content hash of the operator sources that can affect the program (tests excluded).
operator_hash=$(cd "$SRC" && { printf '%s\n' go.mod go.sum; find api internal cmd -name '*.go' ! -name '*_test.go' | LC_ALL=C sort; } |
  xargs sha256sum | sha256sum | cut -c1-16)
# Local toolchain (go.mod's go directive is 1.26.0); readonly: exactly what the operator's
# go.sum pins; GOWORK=off: ignore any go.work above; buildvcs=false: the copy has no VCS.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"
# The toolchain that compiles it is part of the binary: a Go upgrade must not reuse the old one.
toolchain=$(go version)
program_hash=$({ cat "$HERE/go/main.go" "$HERE/go/export.go" "$HERE/build.sh"; printf '%s\n' "$toolchain"; } | sha256sum | cut -c1-16)
CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
OUT="$CACHE/oracle-$program_hash-$operator_hash"
BIN="$OUT/aisguard-oracle"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-oracle.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# A copy, so the program can sit inside the module (internal/ import rule) without touching
# the user's checkout; helm charts, manifests and e2e tests are not needed to build.
tar -C "$SRC" --exclude=./.git --exclude=./helm --exclude=./config --exclude=./tests -cf - . | tar -C "$WORK" -xf -
mkdir -p "$WORK/cmd/aisguard-oracle"
cp "$HERE/go/main.go" "$WORK/cmd/aisguard-oracle/main.go"
cp "$HERE/go/export.go" "$WORK/internal/controller/aistore/zz_aisguard_oracle.go"

start=$(date +%s)
echo "build.sh: building the oracle against $SRC ($(echo "$toolchain" | cut -d' ' -f3))" >&2
(cd "$WORK" && go build -trimpath -ldflags "-s -w" -o "$OUT/aisguard-oracle.tmp" ./cmd/aisguard-oracle) >&2
mv "$OUT/aisguard-oracle.tmp" "$BIN"
echo "build.sh: done in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
