#!/usr/bin/env bash
# Build Gatekeeper's offline CLI gator (github.com/open-policy-agent/gatekeeper/v3 cmd/gator) from
# the Go module proxy into ~/.cache/ais-guard/gator-<version>/gator. Last stdout line: its path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${GATOR_VERSION:-v3.23.1}
MOD=github.com/open-policy-agent/gatekeeper/v3
exec "$HERE/../go-build.sh" gator "$MOD" "$VERSION" cmd/gator gator "-X $MOD/pkg/version.Version=$VERSION"
