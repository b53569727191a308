#!/usr/bin/env bash
# The pre-commit hook's entry (.pre-commit-hooks.yaml): `ais-guard check` on the files pre-commit
# passes. pre-commit runs it from its own clone of this repository, which has no dist/ yet: the
# first run installs the dependencies there and builds dist/ (`npm ci`, `npm run build`), later
# runs go straight to the check. Needs node and npm on PATH.
# Why not `language: node`: pre-commit (3.0.4, Debian's) takes the stdout of `npm pack` as the
# tarball's name, and npm prints this package's prepack/prepare banners there too.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$repo/dist/cli/main.js" ]; then
  echo "ais-guard: first run, installing into $repo (npm ci, npm run build)" >&2
  # As scripts/action/install.sh: NODE_ENV=production or omit=dev (a CI job) would leave out
  # TypeScript, ignore-scripts (a hardened ~/.npmrc) the prepare script; so every dependency, no
  # package's install scripts, and the build by name.
  (cd "$repo" && npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2 &&
    npm run build --silent >&2)
fi
# --allow-empty: pre-commit passes whatever staged files match (values, workflows, its own config):
# a commit with no Kubernetes object in them has nothing to judge, and is no input error.
# "$@" is the hook's `args:` then the staged files, relative to the repository root with no "./": a
# file named "-prod.yaml" would be read as an option. No "--" can go between them (the script cannot
# tell where args end), so an argument starting with "-" that names an existing file gets its "./".
argv=()
for a in "$@"; do
  case $a in -?*) if [ -f "$a" ]; then a=./$a; fi ;; esac
  argv+=("$a")
done
exec node "$repo/bin/ais-guard.js" check --allow-empty ${argv[@]+"${argv[@]}"} # (bash 3.2, macOS: an empty array is unbound)
