#!/usr/bin/env bash
# `npm run test:yaml-oracle`: check's YAML reading against kubectl's own reader. build.sh builds the
# reader (Go, from the module proxy; cached), then jest runs kubectl-reading.oracle.test.ts with
# KUBECTL_YAML_BIN set (YAML_ORACLE_SEED / YAML_ORACLE_RUNS pass through; JEST_JSON names a results
# file, as for the other stages). Needs only Go and the module proxy, nothing beside the project.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
KUBECTL_YAML_BIN=$(test/yaml-oracle/build.sh | tail -n1)
export KUBECTL_YAML_BIN
NODE_OPTIONS=--experimental-vm-modules node_modules/.bin/jest -c jest.oracle.config.js \
  --roots '<rootDir>/test/yaml-oracle' --runInBand ${JEST_JSON:+--json --outputFile="$JEST_JSON"} "$@"
