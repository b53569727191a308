#!/usr/bin/env bash
# Regenerate the pinned wrapper module promtoolbuild/ (go.mod + go.sum) that build.sh builds promtool from.
# Run only to change the Prometheus version:  PV=v0.316.0 ./gen-gomod.sh
# (Prometheus 3.x is published to Go modules as v0.3xx.y: v0.316.0 is Prometheus 3.16.0.)
# A wrapper rather than `go install ...@v`: its go.sum is committed, so every build checks the same
# hashes of Prometheus and of each dependency (scripts/lib/go-wrapper-module.sh).
set -euo pipefail
PV=${PV:-v0.316.0}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib/go-wrapper-module.sh
. "$HERE/../../scripts/lib/go-wrapper-module.sh"
gen_wrapper_module "$HERE/promtoolbuild" github.com/prometheus/prometheus "$PV" \
  github.com/prometheus/prometheus/cmd/promtool
echo "regenerated promtoolbuild (prometheus $PV, go $GOV)"
