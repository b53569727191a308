#!/usr/bin/env bash
# Stop everything up.sh started for <statedir>: TERM, then KILL after a grace period.
# Idempotent: missing pids file or already-dead processes are fine; exits 0.
# Leaves <statedir> (logs, etcd data) for inspection; rm -rf it yourself.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 <statedir>" >&2; exit 2; }
[ -d "$1" ] || exit 0
S=$(cd "$1" && pwd)
PIDS="$S/pids"
[ -s "$PIDS" ] || exit 0
GRACE=${DOWN_GRACE_SECONDS:-5}

# Only signal a PID if it is still one of ours: every process up.sh starts has
# <statedir> in its command line. This guards against PID reuse.
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF "$S/"; }
# stat fields after "pid (comm) ": state is 1st, starttime is 20th.
stat_of() { sed 's/^.*) //' "$1" 2>/dev/null; }
starttime() { stat_of "/proc/$1/stat" | cut -d' ' -f20; }
# Running = same process (same start time) with any thread not yet dead. Neither an
# empty cmdline (the leader thread may drop it before the other threads are gone)
# nor a reaped PID (init may reap zombies late) is the right test.
running() {
  local t
  [ "$(starttime "$1")" = "$2" ] || return 1
  for t in /proc/"$1"/task/*/stat; do
    case "$(stat_of "$t" | cut -d' ' -f1)" in Z|X|x|"") ;; *) return 0 ;; esac
  done
  return 1
}

# Reverse start order: clients (scheduler, KCM) first, etcd last.
mapfile -t pids < <(awk '{print $2}' "$PIDS" | tac)
live=()
for p in "${pids[@]}"; do
  if ours "$p"; then
    st=$(starttime "$p") || true
    kill -TERM "$p" 2>/dev/null || true
    live+=("$p:$st")
  fi
done

wait_gone() { # seconds
  local end=$(( $(date +%s) + $1 )) e left
  while :; do
    left=()
    for e in ${live[@]+"${live[@]}"}; do running "${e%%:*}" "${e##*:}" && left+=("$e"); done
    live=(${left[@]+"${left[@]}"})
    [ ${#live[@]} -eq 0 ] && return 0
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.2
  done
}
n=${#live[@]}
if ! wait_gone "$GRACE"; then
  for e in "${live[@]}"; do kill -KILL "${e%%:*}" 2>/dev/null || true; done
  wait_gone 5 || echo "down.sh: still running after KILL: ${live[*]}" >&2
fi
mv -f "$PIDS" "$PIDS.stopped"
echo "down.sh: stopped $n process(es) for $S" >&2
