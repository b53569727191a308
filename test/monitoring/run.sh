#!/usr/bin/env bash
# The monitoring pack's CI stage (.ci/run): promtool, built from Go modules by build.sh (Prometheus
# v0.316.0 = 3.16.0, cached in ~/.cache/ais-guard/promtool-v0.316.0-nosd/), checks the alert rules and
# runs their unit tests (rules.test.yaml: each alert firing and not firing); then the chart, with
# helm built from Go modules (test/helm/build.sh), renders the same ServiceMonitor, PrometheusRule
# and dashboard as deploy/overlays/monitoring, and promtool checks the rules as the chart renders them.
# Which metrics the queries may use is checked by `npm test` (test/monitoring/pack.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
RULES=deploy/helm/ais-guard/files/prometheus-rules.yaml
PROMTOOL=${PROMTOOL:-$(test/monitoring/build.sh | tail -n1)}
HELM=${HELM:-$(test/helm/build.sh | tail -n1)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-monitoring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
step() {
  echo "--- $1"
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $*"; fi
}

"$PROMTOOL" --version | head -1
step "promtool check rules $RULES" "$PROMTOOL" check rules "$RULES"
step "promtool test rules test/monitoring/rules.test.yaml" "$PROMTOOL" test rules test/monitoring/rules.test.yaml
chart() {
  "$HELM" template ais-guard deploy/helm/ais-guard --namespace ais-guard \
    --set serviceMonitor.enabled=true --set prometheusRule.enabled=true --set grafanaDashboard.enabled=true |
    node test/monitoring/chart-parity.mjs "$tmp/chart-rules.yaml"
}
step "helm template (pack on) = deploy/overlays/monitoring" chart
step "promtool check rules on the chart's PrometheusRule" "$PROMTOOL" check rules "$tmp/chart-rules.yaml"
echo "monitoring: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
