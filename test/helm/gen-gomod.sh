#!/usr/bin/env bash
# Regenerate the pinned wrapper module helmbuild/ (go.mod + go.sum) that build.sh builds helm from.
# Run only to change the helm version:  HV=v4.3.1 ./gen-gomod.sh
# A wrapper rather than `go install helm.sh/helm/v4/cmd/helm@v`: its go.sum is committed, so every
# build checks the same hashes of helm and of each dependency.
set -euo pipefail
HV=${HV:-v4.3.1}
MAJOR=$(echo "$HV" | cut -d. -f1)
HERE=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
D="$HERE/helmbuild"
mkdir -p "$D"
rm -f "$D/go.mod" "$D/go.sum"
cd "$D"
# helm $HV's own go.mod asks for this language version.
GOV=$(go mod download -json "helm.sh/helm/$MAJOR@$HV" | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p' | xargs sed -n 's/^go \(.*\)/\1/p')
printf 'module local/helmbuild\n\ngo %s\n' "$GOV" >go.mod
go get -tool "helm.sh/helm/$MAJOR/cmd/helm@$HV"
go mod tidy
echo "regenerated helmbuild (helm $HV, go $GOV)"
