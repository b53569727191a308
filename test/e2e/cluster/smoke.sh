#!/usr/bin/env bash
# End-to-end check of build.sh/up.sh/down.sh (the proof recorded in NOTES.md):
# CRD apply, StatefulSet -> PVCs + Pods via KCM, scheduler binds a Pod to a fake Node,
# then teardown with no processes left. Exits non-zero on any failure.
#   smoke.sh [statedir]   (default: a fresh mktemp dir, removed afterwards)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
S=${1:-$(mktemp -d /tmp/ais-guard-smoke.XXXXXX)}
trap '"$HERE/down.sh" "$S" || true; [ -n "${1:-}" ] || rm -rf "$S"' EXIT

"$HERE/up.sh" "$S" >/dev/null
KUBECONFIG=$(sed -n 's/^KUBECONFIG=//p' "$S/env"); export KUBECONFIG
k() { kubectl "$@"; }
# poll <seconds> <cmd...>: retry until cmd succeeds.
poll() { local n=$(( $1 * 2 )); shift; until "$@"; do n=$((n-1)); [ $n -gt 0 ] || return 1; sleep 0.5; done; }

k get ns
# shared/ sits beside the checkout (also in CI's fresh clone).
k apply -f "${CRD:-$ROOT/../shared/crd/ais.nvidia.com_aistores.yaml}"
# (not `kubectl wait --for=condition=...`: it errors out if .status.conditions is still nil)
jp() { k "$@" 2>/dev/null; }
established() { [ "$(jp get crd aistores.ais.nvidia.com -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ]; }
poll 30 established

k create ns smoke
k apply -f - <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: smoke}
spec:
  serviceName: web
  replicas: 2
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: c, image: registry.invalid/pause:1, volumeMounts: [{name: data, mountPath: /data}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
EOF
count() { [ "$(k -n smoke get "$1" --no-headers 2>/dev/null | wc -l)" -eq "$2" ]; }
poll 30 count pvc 2 && poll 30 count pods 2
echo "smoke: StatefulSet created 2 PVCs and 2 Pods"

# A Node the scheduler can use: Ready + allocatable via the status subresource, and
# drop the not-ready taint TaintNodesByCondition adds on create (no node-lifecycle
# controller runs to remove it).
k create -f - <<'EOF'
apiVersion: v1
kind: Node
metadata: {name: fake-node-1}
EOF
k patch node fake-node-1 --subresource=status --type=merge -p '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"fake"}],"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"},"capacity":{"cpu":"4","memory":"8Gi","pods":"110"}}}'
k taint node fake-node-1 node.kubernetes.io/not-ready:NoSchedule-
k -n smoke run solo --image=registry.invalid/pause:1 --restart=Never
bound() { [ "$(jp -n smoke get pod solo -o jsonpath='{.spec.nodeName}')" = fake-node-1 ]; }
poll 30 bound
echo "smoke: scheduler bound pod/solo to fake-node-1"

mapfile -t pids < <(awk '{print $2}' "$S/pids")
"$HERE/down.sh" "$S"
for p in "${pids[@]}"; do
  # a zombie (awaiting reaping by init) is dead: only count threads not in state Z
  for t in /proc/"$p"/task/*/stat; do
    [ -r "$t" ] || continue
    case "$(sed 's/^.*) //' "$t" | cut -d' ' -f1)" in Z|X|x|"") ;; *) echo "smoke: pid $p still running" >&2; exit 1 ;; esac
  done
done
echo "smoke: down.sh left no processes"
echo "smoke: 3 passed, 0 failed"
