#!/usr/bin/env bash
# `npm run test:peers`: the side-by-side peers judge the shared verdict set as ais-guard does.
#   1. bench/peers/{opa,kyverno,gatekeeper}/build.sh build OPA, the Kyverno CLI (and its admission
#      controller) and gator from the Go module proxy (cached under ~/.cache/ais-guard/<tool>-<version>;
#      many minutes cold, instant warm)
#   2. npm run build (the Kyverno policy is generated from dist's render --vap)
#   3. jest -c jest.peers.config.js (JEST_JSON names a results file, as for the other stages)
# PEERS (default "opa kyverno gatekeeper") picks the peers to build and test; the others' tests skip.
# Prints one result line; fails on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
t0=$(date +%s)
export PEERS=${PEERS:-opa kyverno gatekeeper}
for peer in $PEERS; do
  bin=$("bench/peers/$peer/build.sh" | tail -n1)
  echo "peers: $peer: $bin" >&2
done
# Kyverno's admission controller too (test/peers/webhook.peers.test.ts), outside jest's time limits.
if [[ " $PEERS " == *" kyverno "* ]]; then
  echo "peers: kyverno controller: $(bench/peers/kyverno/build.sh controller | tail -n1)" >&2
fi
t1=$(date +%s)
npm run build --silent >&2
rc=0
NODE_OPTIONS=--experimental-vm-modules node_modules/.bin/jest -c jest.peers.config.js --runInBand \
  ${JEST_JSON:+--json --outputFile="$JEST_JSON"} "$@" || rc=$?
if [ "$rc" = 0 ]; then result=ok; else result=FAIL; fi
echo "peers: $result (builds $((t1 - t0)) s, tests $(($(date +%s) - t1)) s, exit $rc)" >&2
exit "$rc"
