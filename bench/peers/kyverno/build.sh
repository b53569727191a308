#!/usr/bin/env bash
# Build Kyverno (github.com/kyverno/kyverno) from the Go module proxy; last stdout line: its path.
#   build.sh              the CLI (cmd/cli/kubectl-kyverno), for offline.mjs and test/peers, into
#                         ~/.cache/ais-guard/kyverno-<version>/kyverno
#   build.sh controller   the admission controller (cmd/kyverno), for peer.mjs, into
#                         ~/.cache/ais-guard/kyverno-controller-<version>/kyverno
# Kyverno's go.mod names a Go release newer than 1.26 from v1.19.x on in some patch releases; the
# toolchain switch stays inside this script (the local Go is used when it is new enough).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${KYVERNO_VERSION:-v1.19.1}
MOD=github.com/kyverno/kyverno
case ${1:-cli} in
  cli) TOOL=kyverno PKG=cmd/cli/kubectl-kyverno ;;
  controller) TOOL=kyverno-controller PKG=cmd/kyverno ;;
  *) echo "build.sh: usage: build.sh [cli|controller]" >&2; exit 2 ;;
esac
need=$(cd "${TMPDIR:-/tmp}" && GOTOOLCHAIN=local go mod download -json "$MOD@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$need")
have=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then export GOTOOLCHAIN=go1.27.3; fi
exec "$HERE/../go-build.sh" "$TOOL" "$MOD" "$VERSION" "$PKG" kyverno \
  "-X $MOD/pkg/version.BuildVersion=$VERSION"
