#!/usr/bin/env bash
# Step 1 of action.yml: install ais-guard into $RUNNER_TEMP/ais-guard and put its bin/ on the
# job's PATH (through $GITHUB_PATH). Pinned: INPUT_VERSION from npm, or INPUT_INSTALL_FROM (a
# path or an `npm pack` tarball), which is also how scripts/action-smoke.sh tries the action.
set -euo pipefail
version=${INPUT_VERSION:-}
from=${INPUT_INSTALL_FROM:-}
prefix=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ais-guard

if [ -n "$from" ]; then
  [ -e "$from" ] || { echo "::error::install-from: no such file or directory: $from"; exit 2; }
  spec=$(cd "$(dirname "$from")" && echo "$PWD/$(basename "$from")")
elif [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  spec=ais-guard@$version
else
  # A range or a tag ("latest", "^0.1") would make two runs of one commit judge differently.
  echo "::error::version: give an exact version such as 0.1.0 (got \"$version\")"
  exit 2
fi

mkdir -p "$prefix"
# --install-links: a directory is copied like a tarball, not symlinked to the checkout.
npm install --prefix "$prefix" --no-save --no-audit --no-fund --omit=dev --install-links "$spec" >&2
bin=$prefix/node_modules/.bin
"$bin/ais-guard" version
if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin" >>"$GITHUB_PATH"; fi
