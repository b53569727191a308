# Sourced by the scripts that build a Go tool from the Go module proxy (helm, promtool, the
# control plane, the peers): one cache layout and one lock for all of them.
#
#   go_build_cached KEY BIN BUILD_FN
#
# The binary lives at ${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/KEY/BIN, built once per machine:
# when it exists, its path is printed at once; otherwise the build takes KEY's lock (two test runs
# at once build it once), calls `BUILD_FN <temporary output path>` with Go set for reproducible
# module builds, and moves the result into place only when BUILD_FN succeeded, so an interrupted
# build never leaves a binary behind. The path is always the last line on stdout. BUILD_FN runs as
# an `if` condition, where bash ignores `set -e`: chain its steps with && so a failed step fails it.

go_build_cached() {
  local key=$1 bin=$2 build=$3
  local dir="${AIS_GUARD_CACHE:-$HOME/.cache/ais-guard}/$key"
  local path="$dir/$bin"
  if [ ! -x "$path" ]; then
    mkdir -p "$dir"
    exec 9>"$dir/.lock"
    flock 9
    if [ ! -x "$path" ]; then
      # The local toolchain unless the caller set one; exactly what go.sum pins (readonly); no cgo;
      # no VCS stamping (wrappers sit in this repository); any go.work above is ignored.
      export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=${CGO_ENABLED:-0} GOWORK=off
      export GOFLAGS=${GOFLAGS:--mod=readonly -buildvcs=false}
      local start tmp="$path.tmp.$$"
      start=$(date +%s)
      echo "build: $key ($(go version | cut -d' ' -f3))" >&2
      if ! "$build" "$tmp" >&2; then
        rm -f "$tmp"
        echo "build: $key failed" >&2
        return 1
      fi
      mv "$tmp" "$path"
      echo "build: $key built in $(($(date +%s) - start)) s" >&2
    fi
    exec 9>&-
  fi
  echo "$path"
}
