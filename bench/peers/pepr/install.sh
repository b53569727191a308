#!/usr/bin/env bash
# Install Pepr for the side-by-side bench into a version-keyed cache outside the checkout:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/pepr-<version>/node_modules/pepr
# install/package.json pins the version and install/package-lock.json every dependency (npm ci).
# Peer dependencies (esbuild, typescript, … for `pepr build`) are left out: the bench hands the
# capability to PeprModule directly. No install scripts run. Does nothing when installed; the last
# stdout line is always the install directory. Cold: ~1 min, 165 MB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=$(node -p "require('$HERE/install/package.json').dependencies.pepr")
CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
OUT="$CACHE/pepr-$VERSION"
DONE="$OUT/.installed"
if [ -f "$DONE" ] && cmp -s "$HERE/install/package-lock.json" "$OUT/package-lock.json"; then echo "$OUT"; exit 0; fi

mkdir -p "$OUT"
# Serialise concurrent installs of the same version.
exec 9>"$OUT/.lock"
flock 9
if [ -f "$DONE" ] && cmp -s "$HERE/install/package-lock.json" "$OUT/package-lock.json"; then echo "$OUT"; exit 0; fi

rm -f "$DONE"
cp "$HERE/install/package.json" "$HERE/install/package-lock.json" "$OUT/"
start=$(date +%s)
echo "install.sh: installing pepr $VERSION into $OUT" >&2
(cd "$OUT" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund >&2)
touch "$DONE"
echo "install.sh: pepr $VERSION installed in $(($(date +%s) - start)) s" >&2
echo "$OUT"
