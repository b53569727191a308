#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack` (prepack builds dist/), the tarball installed into
# an empty project (its dependencies from the registry), then `npx ais-guard` version, check
# (exit codes and output) and serve (until /readyz answers over HTTPS with a self-signed
# certificate in a temporary directory, then SIGTERM). Also: no tests, sources or source maps in
# the tarball. Everything runs in a temporary directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf 'pack-smoke: %s\n' "$*"; }
fail() {
  printf 'pack-smoke: FAILED: %s\n' "$*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-pack.XXXXXX")
server=
cleanup() {
  if [ -n "$server" ]; then kill -KILL -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

version=$(node -p 'require("./package.json").version')
npm pack --silent --pack-destination "$work" >"$work/pack.log"
tarball="$work/ais-guard-$version.tgz"
[ -f "$tarball" ] || fail "npm pack made no $tarball"
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/files"
say "$(wc -l <"$work/files") files in $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
for must in dist/cli/main.js bin/ais-guard.js deploy/base/kustomization.yaml LICENSE README.md package.json; do
  grep -qx "$must" "$work/files" || fail "$must is not in the tarball"
done
if grep -E '(\.test\.ts|\.map|^src/|^test/|\.ts)$' "$work/files" | grep -v '\.d\.ts$' >"$work/unwanted"; then
  fail "tests, sources or source maps in the tarball: $(head -5 "$work/unwanted" | tr '\n' ' ')"
fi

# An empty project that installs the tarball, as `npm i ais-guard` would from the registry.
mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tarball"
installed=node_modules/ais-guard

out=$(npx --no-install ais-guard version)
[ "$out" = "ais-guard $version" ] || fail "npx ais-guard version printed: $out"
say "npx ais-guard version: $out"

# check: a clean set exits 0, the old doc's claim name exits 1 with its finding, broken YAML exits 2.
expect_check() {
  local want_rc=$1 want_text=$2
  shift 2
  local rc=0
  out=$(npx --no-install ais-guard check "$@" 2>&1) || rc=$?
  [ "$rc" = "$want_rc" ] || fail "ais-guard check $*: exit $rc, expected $want_rc; output: $out"
  grep -qF -- "$want_text" <<<"$out" || fail "ais-guard check $*: output lacks \"$want_text\": $out"
  say "npx ais-guard check $*: exit $rc, \"$want_text\""
}
expect_check 0 '6 object(s) checked: 0 denied, 0 with warnings, 2 the guard would change' "$installed/examples/multi-target"
expect_check 1 'DENY  pvc-name' "$installed/examples/ais-prod.yaml"
expect_check 2 'error: Nested mappings are not allowed' "$installed/examples/broken.yaml"
# stdin, as CI pipelines use it
rc=0
out=$(npx --no-install ais-guard check -o json - <"$installed/examples/ais-prod.yaml") || rc=$?
[ "$rc" = 1 ] && grep -q '"ruleId": *"pvc-name"' <<<"$out" || fail "check -o json - : exit $rc: $out"
say "npx ais-guard check -o json - (stdin): exit 1, pvc-name"

# serve: a free port, a self-signed certificate in a temporary directory, no cluster.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# In a process group of its own: npm does not pass SIGTERM on to the server it started, so the
# signal goes to the group (npx and the server), as a terminal's Ctrl-C does.
setsid npx --no-install ais-guard serve --address=127.0.0.1 --port="$port" --cert-dir="$work/certs" --no-cluster \
  >"$work/serve.log" 2>&1 &
server=$!
status=
for _ in $(seq 1 240); do # up to 60 s: key generation on a busy machine
  kill -0 "$server" 2>/dev/null || fail "serve exited early: $(cat "$work/serve.log")"
  if [ -f "$work/certs/ca.crt" ]; then
    status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/certs/ca.crt" "https://127.0.0.1:$port/readyz" || true)
    [ "$status" = 200 ] && break
  fi
  sleep 0.25
done
[ "$status" = 200 ] || fail "/readyz never answered 200 (last: $status): $(cat "$work/serve.log")"
say "npx ais-guard serve: GET https://127.0.0.1:$port/readyz 200 (CA from the generated $work/certs)"
kill -TERM -- "-$server"
wait "$server" || true
server_gone=
for _ in $(seq 1 120); do
  if ! pgrep -g "$server" >/dev/null; then server_gone=1 && break; fi
  sleep 0.25
done
[ -n "$server_gone" ] || fail "serve still running 30 s after SIGTERM"
server=
grep -q '"msg":"stopped"' "$work/serve.log" || fail "serve did not stop cleanly: $(cat "$work/serve.log")"
say "serve stopped on SIGTERM (logged \"stopped\")"

# render reads deploy/ from the package.
npx --no-install ais-guard render | grep -q '^kind: ValidatingWebhookConfiguration' || fail "render printed no webhook configuration"
say "npx ais-guard render: ok"
say "the packed tarball works"
