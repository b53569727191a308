#!/usr/bin/env bash
# `npm test`, RUNS times in a row (default 5), while LOADERS busy loops (default 2: one per core of
# the 2-core machine the tests must hold on) compete for the CPU. Shows that no test leans on
# wall-clock margins: a timing test that passes only on an idle machine fails here.
#
#   scripts/test-under-load.sh            # 5 runs, 2 loaders
#   RUNS=2 LOADERS=4 scripts/test-under-load.sh
#
# Prints one line per run and "N passed, M failed"; exits non-zero if any run failed. Each run's
# full output is kept in LOG_DIR (default: a new temp dir, printed); a failed run's failing tests
# are printed too. The loaders are killed on any exit, Ctrl-C included.
set -u
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
loaders=${LOADERS:-2}
log_dir=${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ais-guard-under-load.XXXXXX")}
mkdir -p "$log_dir"

loader_pids=()
stop_loaders() {
  for pid in "${loader_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${loader_pids[@]}"; do wait "$pid" 2>/dev/null; done
  loader_pids=()
}
trap stop_loaders EXIT
trap 'exit 130' INT TERM HUP

for _ in $(seq "$loaders"); do
  sh -c 'while :; do :; done' &
  loader_pids+=("$!")
done
echo "load: $loaders busy loops (pids ${loader_pids[*]}) on $(nproc) cores; logs in $log_dir"

passed=0
failed=0
for run in $(seq "$runs"); do
  log="$log_dir/run-$run.log"
  started=$SECONDS
  if npm test >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "run $run/$runs: pass ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    echo "run $run/$runs: FAIL ($((SECONDS - started)) s), see $log"
    # jest marks each failing test with ●; a lint failure has none, so show the log's tail then.
    grep -E '^\s+● ' "$log" | sort -u | sed 's/^/    /' | head -20
    grep -qE '^\s+● ' "$log" || tail -15 "$log" | sed 's/^/    /'
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
