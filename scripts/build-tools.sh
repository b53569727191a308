#!/usr/bin/env bash
# Build (or install) every tool the CI stages use, one after another, in the order .ci/run's stages
# first need them, each through its own script: those cache the result under
# ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard} and take a per-tool lock, so a stage that needs a tool
# this script is still building waits for that build instead of starting its own.
#
# Why: on a machine whose cache is empty the builds take ~45 min of the CI's time when each stage
# builds its tools as it reaches them, with the CPU idle while a stage waits on a server or the
# network. .ci/run starts this in the background at nice 19 so the builds take the CPU the tests
# leave. On a warm machine every step returns at once. Also useful by hand before a first
# `test/e2e/run.sh` or `npm run test:peers`.
#
# The operator oracle is built only when AIS_K8S_SOURCE names the operator's source (as the oracle
# and e2e stages need it). Prints one line per tool; exits non-zero when any step failed (the stage
# that needs the tool then builds it again and fails with the build's own message).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

failed=0
step() {
  local name=$1 start=$SECONDS out
  shift
  if out=$("$@" 2>&1); then
    echo "build-tools: $name ready in $((SECONDS - start)) s: $(tail -n1 <<<"$out")"
  else
    failed=1
    echo "build-tools: $name FAILED after $((SECONDS - start)) s; its last lines:"
    tail -n 20 <<<"$out" | sed 's/^/  /'
  fi
}

step helm test/helm/build.sh
step promtool test/monitoring/build.sh
step "node 24" scripts/node24.sh
step "control plane (e2e)" test/e2e/cluster/build.sh
if [ -d "${AIS_K8S_SOURCE:-}/operator" ]; then
  step "operator oracle" test/oracle/build.sh
fi
step "control plane (MAP)" bash -c 'source test/e2e/map-cluster.sh && exec test/e2e/cluster/build.sh'
step "kubectl's YAML reader" test/yaml-oracle/build.sh
step opa bench/peers/opa/build.sh
step "kyverno CLI" bench/peers/kyverno/build.sh
step gator bench/peers/gatekeeper/build.sh
step "kyverno controller" bench/peers/kyverno/build.sh controller
step pepr bench/peers/pepr/install.sh
exit "$failed"
