#!/usr/bin/env bash
# Regenerate the pinned wrapper module helmbuild/ (go.mod + go.sum) that build.sh builds helm from.
# Run only to change the helm version:  HV=v4.3.1 ./gen-gomod.sh
# A wrapper rather than `go install helm.sh/helm/v4/cmd/helm@v`: its go.sum is committed, so every
# build checks the same hashes of helm and of each dependency (scripts/lib/go-wrapper-module.sh).
set -euo pipefail
HV=${HV:-v4.3.1}
MAJOR=$(echo "$HV" | cut -d. -f1)
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib/go-wrapper-module.sh
. "$HERE/../../scripts/lib/go-wrapper-module.sh"
gen_wrapper_module "$HERE/helmbuild" "helm.sh/helm/$MAJOR" "$HV" "helm.sh/helm/$MAJOR/cmd/helm"
echo "regenerated helmbuild (helm $HV, go $GOV)"
