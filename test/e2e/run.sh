#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end suite against a real control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler v1.33), with `ais-guard serve` started by the tests from dist/.
#   1. test/e2e/cluster/build.sh: builds the binaries once (~8 min cold), instant when cached;
#      test/helm/build.sh likewise builds helm (for 10-helm-chart), exported as HELM
#   2. npm run build, when dist/ is older than src/
#   3. up.sh into a fresh state dir, with the controllers the scenarios need
#   4. jest -c jest.e2e.config.js --runInBand (extra arguments go to jest, e.g. a file pattern)
#   5. always: stop any guard the tests left, down.sh (also on failure and interrupt)
# Exit code: jest's. Last line: "e2e: N passed, M failed". The state dir (control plane and guard
# logs) is removed after a clean run and kept, with its path printed, after a failure (or with E2E_KEEP=1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CLUSTER="$ROOT/test/e2e/cluster"
t0=$(date +%s)
say() { printf 'e2e: %s\n' "$*" >&2; }

BIN=$("$CLUSTER/build.sh" | tail -n1)   # K8S_VERSION=v1.36.3 picks another release (run-map.sh)
# The tests read it to skip what an older apiserver does not serve ("Kubernetes v1.33.13" -> v1.33.13).
E2E_K8S_VERSION=$("$BIN/kube-apiserver" --version | awk '{print $2}')
export E2E_K8S_VERSION
HELM=$("$ROOT/test/helm/build.sh" | tail -n1)
export HELM
t_build=$(date +%s)

# The tests run the built CLI: rebuild when anything it is built from is newer than dist/.
if [ ! -f dist/cli/main.js ] ||
  [ -n "$(find src tsconfig.json tsconfig.build.json package.json -newer dist/cli/main.js -print -quit)" ]; then
  say "dist/ is older than src/: npm run build"
  npm run build >&2
fi
t_dist=$(date +%s)

STATE=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-e2e.XXXXXX")
export E2E_STATE="$STATE"
jest_pid=""
rc=1
torn_down=""

teardown() {
  [ -z "$torn_down" ] || return 0
  torn_down=1
  if [ -n "$jest_pid" ] && kill -0 "$jest_pid" 2>/dev/null; then
    kill -TERM "$jest_pid" 2>/dev/null || true
    wait "$jest_pid" 2>/dev/null || true
  fi
  # Guards a killed jest could not stop: only PIDs whose command line names this state dir.
  if [ -f "$STATE/guard.pids" ]; then
    while read -r pid; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$STATE/"; then
        say "stopping guard $pid left behind"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$STATE/guard.pids"
  fi
  "$CLUSTER/down.sh" "$STATE" || true
  if [ "$rc" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$STATE"; else say "logs kept in $STATE (logs/, guards/)"; fi
}
trap teardown EXIT
interrupted() {
  rc=$1
  teardown
  echo "e2e: interrupted (exit $rc)"
  exit "$rc"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

KCM_CONTROLLERS=statefulset-controller,garbage-collector-controller,persistentvolumeclaim-protection-controller,namespace-controller,persistentvolume-binder-controller,persistentvolume-protection-controller \
  K8S_BIN="$BIN" "$CLUSTER/up.sh" "$STATE" >/dev/null
set -a
# shellcheck disable=SC1091
. "$STATE/env"
set +a
t_up=$(date +%s)

# In the background, so that a signal to this script is handled at once (bash defers traps
# while it waits for a foreground child); jest's own output goes to the terminal as usual.
NODE_OPTIONS=--experimental-vm-modules node_modules/.bin/jest -c jest.e2e.config.js --runInBand \
  --json --outputFile="$STATE/jest.json" "$@" </dev/null &
jest_pid=$!
rc=0
wait "$jest_pid" || rc=$?
jest_pid=""
t_end=$(date +%s)

counts=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // A file that fails before its tests run (a syntax error, say) counts as one failure.
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$STATE/jest.json" 2>/dev/null) || counts="0 passed, 0 failed (jest wrote no results)"
teardown
say "build.sh $((t_build - t0)) s, npm run build $((t_dist - t_build)) s, control plane up $((t_up - t_dist)) s, tests $((t_end - t_up)) s, total $(($(date +%s) - t0)) s"
echo "e2e: $counts"
exit "$rc"
