#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml) as a user meets it: `pre-commit try-repo` on this
# repository's HEAD from a separate git repository holding manifests. A valid layout passes, a
# denied one and a broken one fail. pre-commit comes from Debian (apt-get install pre-commit,
# 3.0.4 here); installing it needs root, as CI has. The hook installs itself: pre-commit
# runs `npm ci` in its clone of this repository on first use: it needs the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if ! command -v pre-commit >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "precommit-smoke: pre-commit is not installed and apt-get needs root" >&2
    exit 2
  fi
  apt-get install -y --no-install-recommends pre-commit >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y --no-install-recommends pre-commit; }
fi
echo "pre-commit $(pre-commit --version | awk '{print $2}')"

# try-repo uses HEAD: say so if the working tree has changes that would not be tried.
if [ -n "$(git status --porcelain -- .pre-commit-hooks.yaml package.json src bin)" ]; then
  echo "precommit-smoke: note: uncommitted changes in the hook's files are not tried (try-repo uses HEAD)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-precommit.XXXXXX")
trap 'rm -rf "$work"' EXIT
# pre-commit's own cache (the node environment it builds) stays inside the temp dir.
export PRE_COMMIT_HOME=$work/cache
repo=$work/manifests
git init -q "$repo"

# run NAME WANT FILES... -- PRE-COMMIT ARGS: the manifests alone in the repository, then pre-commit.
run() {
  local name=$1 want=$2
  shift 2
  local files=()
  while [ "$1" != -- ]; do files+=("$1"); shift; done
  shift
  git -C "$repo" rm -q --cached -r --ignore-unmatch . >/dev/null
  rm -f "$repo"/*.yaml
  cp "${files[@]}" "$repo/"
  git -C "$repo" add -A
  set +e
  (cd "$repo" && pre-commit "$@") >"$work/$name.log" 2>&1
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: pre-commit exited $got, expected $want" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  echo "ok   $name: exit $got"
  grep -E '^ais-guard check|DENY|error:' "$work/$name.log" | cut -c1-110 | sed 's/^/       /' | head -3
}

# try-repo, as the hook's users first meet it (it clones HEAD into a new place each time, and the
# hook installs itself there: one run).
run try-repo-valid 0 examples/multi-target/*.yaml -- try-repo "$ROOT" ais-guard-check --all-files
# Then as configured in a repository: one install, reused by every run.
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $ROOT
    rev: $(git rev-parse HEAD)
    hooks:
      - id: ais-guard-check
YAML
git -C "$repo" add .pre-commit-config.yaml
run config-denied 1 examples/ais-prod.yaml -- run ais-guard-check --all-files
run config-broken 1 examples/broken.yaml -- run ais-guard-check --all-files
run config-valid 0 examples/multi-target/*.yaml -- run ais-guard-check --all-files
echo "precommit-smoke: the hook passes a valid layout and fails a denied and a broken one"
