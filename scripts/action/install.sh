#!/usr/bin/env bash
# Step 1 of action.yml: put ais-guard on the job's PATH (through $GITHUB_PATH).
#   default:            the action's own checkout ($GITHUB_ACTION_PATH: the ref of `uses:`), built
#                       there by `npm ci` and `npm run build` (dist/) the first time; no
#                       ais-guard from the registry, whose name this project has not published, so
#                       the code a workflow runs is the code its `uses:` ref pins
#   INPUT_VERSION:      that exact version from npm, into $RUNNER_TEMP/ais-guard
#   INPUT_INSTALL_FROM: a path or an `npm pack` tarball, likewise (how scripts/integrations-smoke.sh
#                       tries a packed release)
set -euo pipefail
# Linux and macOS runners only. On Windows, Git Bash's ln copies the launcher away from the dist/
# it imports, and nothing here is tested there: say so instead of a Node stack trace.
if [ "${RUNNER_OS:-}" = Windows ]; then
  echo "::error::ais-guard: Windows runners are not supported; run this step in a job on a Linux or macOS runner (runs-on: ubuntu-latest): the manifests are judged the same"
  exit 2
fi
version=${INPUT_VERSION:-}
from=${INPUT_INSTALL_FROM:-}
prefix=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ais-guard

if [ -z "$from" ] && [ -z "$version" ]; then
  repo=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
  if [ ! -f "$repo/dist/cli/main.js" ]; then
    echo "ais-guard: building the action's checkout $repo (npm ci, npm run build)" >&2
    # npm runs in the job's environment, the workflow's: NODE_ENV=production or npm_config_omit=dev
    # would leave out the devDependencies (TypeScript: "tsc: not found"), npm_config_ignore_scripts
    # the prepare script (no dist/). So every dependency (--include wins over omit), no package's
    # install scripts, and the build by name (npm run runs a named script even with ignore-scripts).
    (cd "$repo" && npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2 &&
      npm run build --silent >&2)
  fi
  bin=$prefix/bin
  mkdir -p "$bin"
  # Node runs a linked entry from where the link points, so bin/ais-guard.js finds its dist/.
  ln -sfn "$repo/bin/ais-guard.js" "$bin/ais-guard"
else
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
fi
"$bin/ais-guard" version
if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin" >>"$GITHUB_PATH"; fi
