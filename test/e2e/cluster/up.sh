#!/usr/bin/env bash
# Start a throwaway control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) on free 127.0.0.1 ports, all state under <statedir>.
#   up.sh <statedir>      then: . <statedir>/env ; kubectl --kubeconfig "$KUBECONFIG" ...
#   down.sh <statedir>    stops it (PIDs in <statedir>/pids, logs in <statedir>/logs)
# Env knobs:
#   K8S_BIN=dir          use these binaries instead of running build.sh
#   SKIP_KCM=1 / SKIP_SCHEDULER=1   don't start kube-controller-manager / kube-scheduler
#   KCM_CONTROLLERS=...  override the controller list below
#   APISERVER_EXTRA_ARGS="..."      extra kube-apiserver flags (word-split)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 <statedir>" >&2; exit 2; }
mkdir -p "$1"
S=$(cd "$1" && pwd)
PKI="$S/pki" LOGS="$S/logs"
mkdir -p "$PKI" "$LOGS"
if [ -s "$S/pids" ]; then echo "up.sh: $S/pids exists; run down.sh $S first" >&2; exit 1; fi

BIN=${K8S_BIN:-$("$HERE/build.sh" | tail -n1)}

# Nothing here may go through an HTTP proxy: everything is on loopback.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# If anything below fails, stop whatever was already started.
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then echo "up.sh: failed (rc=$rc), stopping" >&2; "$HERE/down.sh" "$S" >&2 || true; fi
}
trap on_exit EXIT

# --- free ports: bind port 0 for all of them at once so they are distinct ---
read -r ETCD_PORT PEER_PORT API_PORT < <(python3 - <<'PY'
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
PY
)

# --- PKI (openssl only): CA, apiserver serving cert, admin client cert, SA keys ---
# Our own serving cert signed by our CA (instead of the apiserver's self-signed
# cert-dir cert) so the kubeconfig / webhook tests can trust one ca.crt.
(
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=ais-guard-e2e-ca" 2>/dev/null
  sign() { # name subj ext
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%b' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out "$1.crt" -days 3650 -extfile "$1.ext" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  }
  sign apiserver "/CN=kube-apiserver" \
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc,IP:10.0.0.1\n"
  # O=system:masters: full admin without any RBAC bindings (as envtest's admin user).
  sign admin "/O=system:masters/CN=admin" \
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n"
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  chmod 600 ./*.key
)

: > "$S/pids"
# start <name> <cmd...>: detached (own session, stdin closed, output to logs/<name>.log).
# setsid does not fork here (a non-interactive shell's background child is not a
# process-group leader), so $! is the real binary's PID.
start() {
  local name=$1; shift
  setsid "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  echo "$name $!" >> "$S/pids"
}
alive() { kill -0 "$(awk -v n="$1" '$1==n{print $2}' "$S/pids")" 2>/dev/null; }
# wait_for <name> <seconds> <cmd...>: poll cmd until it succeeds; fail fast if <name> died.
wait_for() {
  local name=$1 secs=$2; shift 2
  local end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then echo "up.sh: $name exited; tail of its log:" >&2; tail -n 30 "$LOGS/$name.log" >&2; return 1; fi
    if [ "$(date +%s)" -ge "$end" ]; then echo "up.sh: $name not ready after ${secs}s; tail of its log:" >&2; tail -n 30 "$LOGS/$name.log" >&2; return 1; fi
    sleep 0.5
  done
}

# --- etcd ---
ETCD_URL="http://127.0.0.1:$ETCD_PORT"
start etcd "$BIN/etcd" --name=default --data-dir="$S/etcd" \
  --listen-client-urls="$ETCD_URL" --advertise-client-urls="$ETCD_URL" \
  --listen-peer-urls="http://127.0.0.1:$PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$PEER_PORT" \
  --initial-cluster="default=http://127.0.0.1:$PEER_PORT" \
  --unsafe-no-fsync --log-level=warn
etcd_healthy() { curl -sf --noproxy '*' "$ETCD_URL/health" | grep -q '"health":"true"'; }
wait_for etcd 30 etcd_healthy

# --- kube-apiserver (flags modelled on controller-runtime envtest) ---
APISERVER_URL="https://127.0.0.1:$API_PORT"
# shellcheck disable=SC2086
start kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers="$ETCD_URL" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --cert-dir="$PKI" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-account-issuer="$APISERVER_URL" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --authorization-mode=RBAC --allow-privileged=true \
  --disable-admission-plugins=ServiceAccount \
  ${APISERVER_EXTRA_ARGS:-}
api_ready() { [ "$(curl -s --noproxy '*' --cacert "$PKI/ca.crt" "$APISERVER_URL/readyz")" = ok ]; }
wait_for kube-apiserver 90 api_ready

# --- kubeconfig (admin, certs embedded so it is self-contained) ---
b64() { base64 -w0 < "$1"; }
KUBECONFIG_FILE="$S/kubeconfig"
cat > "$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$PKI/admin.crt")
    client-key-data: $(b64 "$PKI/admin.key")
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
EOF
chmod 600 "$KUBECONFIG_FILE"

# --- kube-controller-manager: only the controllers the tests need ---
# statefulset creates PVCs+Pods, garbage-collector cleans owned objects,
# pvc-protection removes the kubernetes.io/pvc-protection finalizer so PVC deletes
# finish, namespace lets deleted namespaces go away. --secure-port=0: no serving
# (so no authn/authz delegation setup needed).
if [ -z "${SKIP_KCM:-}" ]; then
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false --secure-port=0 \
    --controllers="${KCM_CONTROLLERS:-statefulset-controller,garbage-collector-controller,persistentvolumeclaim-protection-controller,namespace-controller}"
fi
# --- kube-scheduler: binds Pods to the Node objects tests create ---
if [ -z "${SKIP_SCHEDULER:-}" ]; then
  # A pod found unschedulable just before the event that frees it (its claim bound) can miss that
  # event and wait for the unschedulable queue's periodic flush, 5 min by default: seen on a loaded
  # machine (17-anti-affinity-scope, 12-blast-radius). 20 s keeps such a retry within the tests'
  # waits; outcomes do not change, only how soon a retry comes (deprecated flag, still in v1.33).
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false --secure-port=0 \
    --pod-max-in-unschedulable-pods-duration=20s
fi
# They have no health endpoint with --secure-port=0: just make sure they stay up.
sleep 2
for n in kube-controller-manager kube-scheduler; do
  if grep -q "^$n " "$S/pids" && ! alive "$n"; then
    echo "up.sh: $n exited; tail of its log:" >&2; tail -n 30 "$LOGS/$n.log" >&2; exit 1
  fi
done

cat > "$S/env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
APISERVER_URL=$APISERVER_URL
ETCD_URL=$ETCD_URL
CA_FILE=$PKI/ca.crt
K8S_BIN=$BIN
NO_PROXY=127.0.0.1,localhost
EOF
echo "up.sh: control plane up at $APISERVER_URL (state in $S)" >&2
echo "$S/env"
