#!/usr/bin/env bash
# The CI integrations as users install them, from this checkout packed as a release would be:
#   1. the GitHub Action's install step by default (a fresh clone as its checkout, built by npm ci)
#      and from the `npm pack` tarball (input install-from), then its check step with the installed
#      ais-guard on PATH, as a runner would chain them
#   2. the krew archive built by scripts/release/krew.sh, linked as krew links it, run through
#      `kubectl ais-guard`; completion through the caveats' link and `kubectl __complete`
#   3. the pre-commit hook through `pre-commit try-repo` (scripts/precommit-smoke.sh)
# Needs the npm registry (production dependencies) and, for 3, root or pre-commit installed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-integrations.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL $*" >&2; exit 1; }

echo "--- GitHub Action, default install: a fresh clone as the action's checkout, built on first use"
git clone -q . "$work/action"
mkdir -p "$work/runner-default"
: >"$work/github-path-default"
# In a job environment that would keep npm from building it (a deploy workflow's NODE_ENV, a
# hardened one's ignore-scripts): install.sh asks for the devDependencies and the build by name.
NODE_ENV=production npm_config_ignore_scripts=true \
  RUNNER_TEMP=$work/runner-default GITHUB_PATH=$work/github-path-default GITHUB_ACTION_PATH=$work/action \
  INPUT_VERSION='' INPUT_INSTALL_FROM='' scripts/action/install.sh >"$work/install-default.log" 2>&1 ||
  { cat "$work/install-default.log"; fail "install.sh (default) failed"; }
bin=$(cat "$work/github-path-default")
out=$(PATH="$bin:$PATH" ais-guard check examples/multi-target 2>&1) || fail "ais-guard check (default install): $out"
echo "ok   action (default): $(PATH="$bin:$PATH" ais-guard version) from $(readlink "$bin/ais-guard")"

echo "--- GitHub Action: install from the packed tarball, check examples/"
tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
mkdir -p "$work/runner"
: >"$work/github-path"
: >"$work/github-output"
RUNNER_TEMP=$work/runner GITHUB_PATH=$work/github-path INPUT_VERSION=0.0.0 \
  INPUT_INSTALL_FROM="$work/$tarball" scripts/action/install.sh
bin=$(cat "$work/github-path")
[ -x "$bin/ais-guard" ] || fail "install.sh put no ais-guard in $bin"
set +e
PATH="$bin:$PATH" GITHUB_OUTPUT=$work/github-output INPUT_PATHS=examples/ais-prod.yaml \
  INPUT_SARIF_FILE=$work/ais-guard.sarif scripts/action/check.sh >"$work/check.log" 2>&1
code=$?
set -e
[ "$code" = 0 ] || { cat "$work/check.log"; fail "check.sh exited $code"; }
grep -qx 'exit-code=1' "$work/github-output" || fail "check.sh outputs: $(cat "$work/github-output")"
grep -qx 'denials=1' "$work/github-output" || fail "check.sh outputs: $(cat "$work/github-output")"
grep '^::error' "$work/check.log" | cut -c1-110
if INPUT_EXIT_CODE=1 scripts/action/verdict.sh >/dev/null; then fail "verdict.sh passed a denial"; fi
echo "ok   action: installed $("$bin/ais-guard" version), exit-code=1, denials=1, the verdict fails the job"

echo "--- krew: the release archive, linked as krew links it"
scripts/release/krew.sh "$work/krew" "file://$work/krew" https://example.invalid/ais-guard >"$work/krew.log"
grep -q 'RELEASE-PLACEHOLDER' "$work/krew/ais-guard.yaml" && fail "placeholders left in the krew manifest"
archive=$(ls "$work"/krew/ais-guard-krew-v*.tar.gz)
sha=$(sha256sum "$archive" | cut -d' ' -f1)
grep -q "sha256: $sha" "$work/krew/ais-guard.yaml" || fail "the manifest's sha256 is not the archive's"
mkdir -p "$work/krew/install" "$work/krew/bin"
tar -xzf "$archive" -C "$work/krew/install"
ln -s "$work/krew/install/package/bin/kubectl-ais_guard.js" "$work/krew/bin/kubectl-ais_guard"
out=$(cd "$work" && PATH="$work/krew/bin:$PATH" kubectl ais-guard version)
[ "$out" = "ais-guard $(node -p 'require("./package.json").version')" ] ||
  fail "kubectl ais-guard version printed: $out"
echo "ok   krew: $(du -h "$archive" | cut -f1) archive, sha256 ${sha:0:12}..., kubectl ais-guard version: $out"
# Completion: the caveats' one-liner links the helper from the archive; kubectl then asks it.
link=$(grep 'kubectl_complete-ais_guard"' "$work/krew/ais-guard.yaml" | sed 's/^ *//')
[ -n "$link" ] || fail "the krew manifest's caveats have no completion one-liner"
PATH="$work/krew/bin:$PATH" sh -c "$link" || fail "the caveats' completion one-liner failed"
got=$(cd "$work" && PATH="$work/krew/bin:$PATH" kubectl __complete ais-guard ch 2>/dev/null | tr '\t\n' ' |')
case "$got" in "check check AIStore manifests"*"|:4|") ;; *) fail "kubectl __complete ais-guard ch printed: $got" ;; esac
echo "ok   krew: kubectl ais-guard <TAB> after the caveats' link: $got"

echo "--- pre-commit"
scripts/precommit-smoke.sh
