#!/usr/bin/env bash
# Builds the krew archive of a release and prints plugins/ais-guard.yaml with its placeholders
# (RELEASE-PLACEHOLDER-*) filled: the archive's URL and sha256, and the project's homepage.
#   scripts/release/krew.sh OUT_DIR BASE_URL HOMEPAGE
# OUT_DIR gets ais-guard-krew-v<version>.tar.gz and ais-guard.yaml. Upload the archive to
# BASE_URL (a release's download URL), then submit ais-guard.yaml to krew-index or install
# with `kubectl krew install --manifest=OUT_DIR/ais-guard.yaml --archive=OUT_DIR/<archive>`.
# The archive is the npm package with its production dependencies (installed from
# package-lock.json); krew links its bin/kubectl-ais_guard.js as kubectl-ais_guard. One archive
# serves every platform, as the plugin is a Node.js program. Needs the npm registry.
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 OUT_DIR BASE_URL HOMEPAGE" >&2; exit 2; }
out=$1 base=${2%/} homepage=$3
cd "$(dirname "$0")/../.."
ROOT=$PWD
version=$(node -p 'require("./package.json").version')
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-krew.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
tar -xzf "$work/$tarball" -C "$work"
cp package-lock.json "$work/package/"
(cd "$work/package" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >&2 && rm package-lock.json)
archive=ais-guard-krew-v$version.tar.gz
tar -czf "$out/$archive" -C "$work" package
sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)
sed -e "s|RELEASE-PLACEHOLDER-URI|$base/$archive|" -e "s|RELEASE-PLACEHOLDER-SHA256|$sha|" \
  -e "s|RELEASE-PLACEHOLDER-HOMEPAGE|$homepage|" -e "s|^  version: .*|  version: v$version|" \
  -e '/RELEASE-PLACEHOLDER/d' "$ROOT/plugins/ais-guard.yaml" >"$out/ais-guard.yaml"
echo "$out/$archive sha256 $sha" >&2
cat "$out/ais-guard.yaml"
