#!/usr/bin/env bash
# Step 2 of action.yml: `ais-guard check -o sarif` over INPUT_PATHS, with INPUT_MODE, INPUT_STRICT,
# INPUT_NODES, INPUT_CONTEXT_PER_DIR and INPUT_BASE (INPUT_CATEGORY and INPUT_UPLOAD_SARIF: a warning
# when a category repeats in the job). Writes the SARIF file, annotations for the job log, the counts to
# $GITHUB_OUTPUT and a line to $GITHUB_STEP_SUMMARY, and exits 0 even on denials: the upload
# step runs first, verdict.sh fails the job after. AIS_GUARD overrides the command (tests).
set -uo pipefail
here=$(dirname "$0")
read -r -a guard <<<"${AIS_GUARD:-ais-guard}"
read -r -a paths <<<"$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
sarif=${INPUT_SARIF_FILE:-ais-guard.sarif}

flags=(--mode "${INPUT_MODE:-enforce}")
case "${INPUT_STRICT:-false}" in
  true) flags+=(--strict) ;;
  false | '') ;;
  *)
    echo "::error::strict: true or false (got \"$INPUT_STRICT\")"
    exit 2
    ;;
esac
if [ -n "${INPUT_NODES:-}" ]; then flags+=(--nodes "$INPUT_NODES"); fi
case "${INPUT_CONTEXT_PER_DIR:-false}" in
  true) flags+=(--context-per-dir) ;;
  false | '') ;;
  *)
    echo "::error::context-per-dir: true or false (got \"$INPUT_CONTEXT_PER_DIR\")"
    exit 2
    ;;
esac
# base: only in a pull request's run. On a push, a merge queue or a manual run GITHUB_BASE_REF is
# empty and a checkout of it is the commit under test: judged against itself, nothing could fail.
if [ -n "${INPUT_BASE:-}" ]; then
  if [ -n "${GITHUB_BASE_REF:-}" ]; then
    flags+=(--base "$INPUT_BASE")
  else
    echo "::notice::ais-guard: base ignored (not a pull request: GITHUB_BASE_REF is empty): every object is judged as a create"
  fi
fi

output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi; }

# What ais-guard prints here is text the manifests control: file names as found (a pull request may
# add `::stop-commands::x.yaml`, or `a##[warning]x.yaml` in any folder) and values its messages
# quote. The runner reads a line starting with "::", or holding "##[" anywhere (actions/runner
# ActionCommandManager.TryProcessCommand: ActionCommand.TryParseV2, then the legacy TryParse), as a
# workflow command. So it runs between `::stop-commands::TOKEN` and `::TOKEN::` ("Stopping and
# starting workflow commands" in GitHub's docs): no command is processed in between but the one that
# resumes with this token, which no input can know (16 random bytes). Commands resume before the
# annotations of sarif-summary.mjs, whose values are escaped as workflow commands want.
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
stop_commands() { echo "::stop-commands::$token"; }
resume_commands() { echo "::$token::"; }

# An unwritable sarif-file (under a file, in a read-only directory) is the workflow's input error:
# the failed redirect below would exit 1, which reads as "found denials".
if ! { mkdir -p "$(dirname "$sarif")" && : >"$sarif"; } 2>/dev/null; then
  echo "::error::ais-guard: cannot write sarif-file $(printf '%s' "$sarif" | tr -d '\r\n'): give a path in a writable directory"
  output exit-code 2
  output sarif-file ''
  exit 2
fi
stop_commands
"${guard[@]}" check -o sarif "${flags[@]}" -- "${paths[@]}" >"$sarif"
code=$?
output exit-code "$code"

if [ ! -s "$sarif" ]; then
  # A usage error (bad mode, unknown flag; ais-guard said which above): nothing judged, nothing
  # to upload.
  resume_commands
  rm -f "$sarif"
  output sarif-file ''
  output denials 0
  output warnings 0
  output input-errors 0
  exit 0
fi
output sarif-file "$sarif"
# Code scanning keeps one analysis per commit and category: a second upload under the same category
# (the action used twice in a job, say once per cluster folder) replaces the first one's alerts.
# RUNNER_TEMP is the job's own, emptied for each job; a matrix's jobs each need a category too.
category=${INPUT_CATEGORY:-}
if [ "${INPUT_UPLOAD_SARIF:-}" = true ] && [ -n "${RUNNER_TEMP:-}" ]; then
  seen=$RUNNER_TEMP/ais-guard/categories
  mkdir -p "$(dirname "$seen")"
  if [ -f "$seen" ] && grep -qxF -- "$category" "$seen"; then
    repeat=true
  else
    repeat=false
    printf '%s\n' "$category" >>"$seen"
  fi
fi
# Readable findings in the job log (same flags, so the same verdict), then annotations on the
# files (workflow commands) and the counts for the outputs and the summary.
"${guard[@]}" check "${flags[@]}" -- "${paths[@]}" 2>&1
resume_commands
if [ "${repeat:-false}" = true ]; then
  echo "::warning::ais-guard: category \"$(printf '%s' "$category" | tr -d '\r\n')\" was uploaded by an earlier use of this action in this job; code scanning keeps one analysis per category, so this upload replaces that one's alerts: give each use its own category"
fi
node "$here/sarif-summary.mjs" "$sarif" "${GITHUB_OUTPUT:-}" "${GITHUB_STEP_SUMMARY:-}"
exit 0
