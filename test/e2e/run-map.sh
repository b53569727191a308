#!/usr/bin/env bash
# The MutatingAdmissionPolicy e2e stage (issue 18): `ais-guard render --map` held to the engine on a
# real kube-apiserver v1.36 (MAP v1 is GA there; the default e2e stage runs v1.33, where file 14
# skips itself). Same harness as `npm run test:e2e` (run.sh), with the control plane map-cluster.sh
# names, from test/e2e/cluster/build.sh (its own cache dir; a cold build takes minutes, see
# cluster/NOTES.md).
# File 23 runs here too: 1.36 validates a StatefulSet's pod template, which 1.33 does not.
#   AIS_K8S_SOURCE=/path/to/ais-k8s test/e2e/run-map.sh
# Last line: "e2e: N passed, M failed" (run.sh's); exit code: jest's.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=map-cluster.sh
source "$HERE/map-cluster.sh"
exec "$HERE/run.sh" 14-map-agreement 23-daemon-pods "$@"
