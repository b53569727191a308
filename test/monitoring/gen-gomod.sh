#!/usr/bin/env bash
# Regenerate the pinned wrapper module promtoolbuild/ (go.mod + go.sum) that build.sh builds promtool from.
# Run only to change the Prometheus version:  PV=v0.316.0 ./gen-gomod.sh
# (Prometheus 3.x is published to Go modules as v0.3xx.y: v0.316.0 is Prometheus 3.16.0.)
# A wrapper rather than `go install ...@v`: its go.sum is committed, so every build checks the same
# hashes of Prometheus and of each dependency.
set -euo pipefail
PV=${PV:-v0.316.0}
HERE=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
D="$HERE/promtoolbuild"
mkdir -p "$D"
rm -f "$D/go.mod" "$D/go.sum"
cd "$D"
# Prometheus $PV's own go.mod asks for this language version.
GOV=$(go mod download -json "github.com/prometheus/prometheus@$PV" | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p' | xargs sed -n 's/^go \(.*\)/\1/p')
printf 'module local/promtoolbuild\n\ngo %s\n' "$GOV" >go.mod
go get -tool "github.com/prometheus/prometheus/cmd/promtool@$PV"
go mod tidy
echo "regenerated promtoolbuild (prometheus $PV, go $GOV)"
