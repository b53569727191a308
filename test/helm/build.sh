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

CACHE=${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}
OUT="$CACHE/helm-$HV"
HELM="$OUT/helm"
if [ -x "$HELM" ]; then echo "$HELM"; exit 0; fi

mkdir -p "$OUT"
# Serialise concurrent builds of the same version (two test runs at once).
exec 9>"$OUT/.lock"
flock 9
if [ -x "$HELM" ]; then echo "$HELM"; exit 0; fi

# Local toolchain only; exactly what go.sum pins (readonly); the wrapper sits in the project's git
# repository, whose state must not leak into the build (buildvcs=false); ignore any go.work above.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"

start=$(date +%s)
echo "build.sh: building helm $HV" >&2
TMP="$OUT/helm.tmp.$$"
trap 'rm -f "$TMP"' EXIT
# Stamped as helm's own Makefile does for a release tag, so `helm version` names it.
(cd "$HERE/helmbuild" && go build -trimpath \
  -ldflags "-s -w -X helm.sh/helm/$MAJOR/internal/version.version=$HV -X helm.sh/helm/$MAJOR/internal/version.gitTreeState=clean" \
  -o "$TMP" "helm.sh/helm/$MAJOR/cmd/helm") >&2
"$TMP" version --short >&2
mv "$TMP" "$HELM"
echo "build.sh: helm $HV built in $(($(date +%s) - start)) s" >&2
echo "$HELM"
