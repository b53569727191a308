#!/usr/bin/env bash
# `npm run test:oracle`: the differential test against the AIStore operator's own code.
#   1. test/oracle/build.sh builds the oracle inside a temporary copy of $AIS_K8S_SOURCE/operator
#      (cached by content hash under ~/.cache/ais-guard/oracle-*; minutes cold, instant warm)
#   2. jest -c jest.oracle.config.js with ORACLE_BIN set (ORACLE_SEED / ORACLE_RUNS pass through;
#      JEST_JSON names a results file, as for the other stages)
# Without the operator source it skips loudly (exit 0), except in CI (CI=true), where it fails:
# there AIS_K8S_SOURCE is always set and the oracle must run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ -z "${AIS_K8S_SOURCE:-}" ] || [ ! -f "$AIS_K8S_SOURCE/operator/go.mod" ]; then
  msg="AIS_K8S_SOURCE (${AIS_K8S_SOURCE:-unset}) holds no operator source: git clone --depth 1 --branch v3.4.0 https://github.com/NVIDIA/ais-k8s && export AIS_K8S_SOURCE=\$PWD/ais-k8s (docs/oracle.md)"
  if [ "${CI:-}" = true ]; then echo "oracle: FAIL: $msg" >&2; exit 1; fi
  printf '\n!!!!!!!!\noracle: SKIPPED, the differential test did not run: %s\n!!!!!!!!\n\n' "$msg" >&2
  exit 0
fi
t0=$(date +%s)
ORACLE_BIN=$(test/oracle/build.sh | tail -n1)
export ORACLE_BIN
t1=$(date +%s)
echo "oracle: build.sh $((t1 - t0)) s ($ORACLE_BIN)" >&2
rc=0
NODE_OPTIONS=--experimental-vm-modules node_modules/.bin/jest -c jest.oracle.config.js --runInBand \
  ${JEST_JSON:+--json --outputFile="$JEST_JSON"} "$@" || rc=$?
echo "oracle: tests $(($(date +%s) - t1)) s, exit $rc" >&2
exit "$rc"
