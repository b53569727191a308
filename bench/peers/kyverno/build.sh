#!/usr/bin/env bash
# Build the Kyverno CLI (github.com/kyverno/kyverno cmd/cli/kubectl-kyverno) from the Go module
# proxy into ~/.cache/ais-guard/kyverno-<version>/kyverno. Last stdout line: the binary's path.
# Kyverno's go.mod names a Go release newer than 1.26 from v1.19.x on in some patch releases; the
# toolchain switch stays inside this script (the local Go is used when it is new enough).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${KYVERNO_VERSION:-v1.19.1}
MOD=github.com/kyverno/kyverno
need=$(cd "${TMPDIR:-/tmp}" && GOTOOLCHAIN=local go mod download -json "$MOD@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$need")
have=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then export GOTOOLCHAIN=go1.27.3; fi
exec "$HERE/../go-build.sh" kyverno "$MOD" "$VERSION" cmd/cli/kubectl-kyverno kyverno \
  "-X $MOD/pkg/version.BuildVersion=$VERSION"
