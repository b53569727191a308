#!/usr/bin/env bash
# Build the helm CLI from Go modules (no prebuilt download) into a version-keyed cache outside the
# checkout, the way test/e2e/cluster/build.sh builds the control plane:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/helm-<version>/helm
# The version comes from the committed wrapper module helmbuild/ (go.mod + go.sum pin helm and
# every dependency; regenerate with gen-gomod.sh). Does nothing when the binary exists. The last
# stdout line is always the binary's path, so `HELM=$(test/helm/build.sh | tail -n1)`.
# Cold build on 2 busy cores: a few minutes (see docs/helm.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

HV=$(sed -n 's#^[[:space:]]*helm\.sh/helm/v[0-9]* \(v[^ ]*\).*#\1#p' "$HERE/helmbuild/go.mod" | head -1)
MAJOR=$(sed -n 's#^tool helm\.sh/helm/\(v[0-9]*\)/cmd/helm$#\1#p' "$HERE/helmbuild/go.mod")
if [ -z "$HV" ] || [ -z "$MAJOR" ]; then echo "build.sh: cannot read the helm version from helmbuild/go.mod" >&2; exit 1; fi

# shellcheck source=../../scripts/lib/go-build-cache.sh
. "$HERE/../../scripts/lib/go-build-cache.sh"

# Stamped as helm's own Makefile does for a release tag, so `helm version` names it.
build_helm() {
  (cd "$HERE/helmbuild" && go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/$MAJOR/internal/version.version=$HV -X helm.sh/helm/$MAJOR/internal/version.gitTreeState=clean" \
    -o "$1" "helm.sh/helm/$MAJOR/cmd/helm") &&
    "$1" version --short
}
go_build_cached "helm-$HV" helm build_helm
