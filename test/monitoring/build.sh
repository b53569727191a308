#!/usr/bin/env bash
# Build promtool from Go modules (no prebuilt download) into a version-keyed cache outside the
# checkout, the way test/helm/build.sh builds helm:
#   ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/promtool-<version>-nosd/promtool
# The version comes from the committed wrapper module promtoolbuild/ (go.mod + go.sum pin Prometheus
# and every dependency; regenerate with gen-gomod.sh). Does nothing when the binary exists. The last
# stdout line is always the binary's path, so `PROMTOOL=$(test/monitoring/build.sh | tail -n1)`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

PV=$(sed -n 's#^[[:space:]]*github\.com/prometheus/prometheus \(v[^ ]*\).*#\1#p' "$HERE/promtoolbuild/go.mod" | head -1)
if [ -z "$PV" ]; then echo "build.sh: cannot read the prometheus version from promtoolbuild/go.mod" >&2; exit 1; fi

# shellcheck source=../../scripts/lib/go-build-cache.sh
. "$HERE/../../scripts/lib/go-build-cache.sh"

# Module v0.MMM.P is Prometheus release 3.MMM-300.P (v0.316.0 -> 3.16.0); stamped so `promtool --version` names it.
MINOR=$(echo "$PV" | cut -d. -f2) PATCH=$(echo "$PV" | cut -d. -f3)
RELEASE="3.$((10#$MINOR - 300)).$PATCH"

# remove_all_sd (Prometheus' own build tag) leaves out the cloud service-discovery plugins and their
# SDKs: promtool's rule commands need none of them, and the cold build is much smaller.
build_promtool() {
  (cd "$HERE/promtoolbuild" && go build -trimpath -tags remove_all_sd \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$RELEASE -X github.com/prometheus/common/version.Branch=module-$PV" \
    -o "$1" github.com/prometheus/prometheus/cmd/promtool) &&
    "$1" --version
}
go_build_cached "promtool-$PV-nosd" promtool build_promtool
