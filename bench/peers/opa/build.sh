#!/usr/bin/env bash
# Build the OPA CLI (github.com/open-policy-agent/opa) from the Go module proxy into
# ~/.cache/ais-guard/opa-<version>/opa. Last stdout line: the binary's path.
# Cold build on 2 busy cores: see README "Side by side".
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${OPA_VERSION:-v1.22.3}
exec "$HERE/../go-build.sh" opa github.com/open-policy-agent/opa "$VERSION" . opa
