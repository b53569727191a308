# The MAP stage's control plane, sourced by run-map.sh (which runs it) and scripts/build-tools.sh
# (which builds it ahead): one place for the version and the components it needs.
# MAP v1 is GA in 1.36. Both of its files need the apiserver alone (no StatefulSet controller, no
# scheduler: dry runs and admission), so a cold build skips the other two binaries.
export K8S_VERSION=${K8S_VERSION:-v1.36.3}
export K8S_COMPONENTS=kube-apiserver SKIP_KCM=1 SKIP_SCHEDULER=1
