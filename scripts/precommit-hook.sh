#!/usr/bin/env bash
# The pre-commit hook's entry (.pre-commit-hooks.yaml): `ais-guard check` on the files pre-commit
# passes. pre-commit runs it from its own clone of this repository, which has no dist/ yet: the
# first run installs the dependencies there (`npm ci`, whose prepare script builds dist/), later
# runs go straight to the check. Needs node and npm on PATH.
# Why not `language: node`: pre-commit (3.0.4, Debian's) takes the stdout of `npm pack` as the
# tarball's name, and npm prints this package's prepack/prepare banners there too.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$repo/dist/cli/main.js" ]; then
  echo "ais-guard: first run, installing into $repo (npm ci)" >&2
  (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
# --allow-empty: pre-commit passes whatever staged files match (values, workflows, its own config):
# a commit with no Kubernetes object in them has nothing to judge, and is no input error.
exec node "$repo/bin/ais-guard.js" check --allow-empty "$@"
