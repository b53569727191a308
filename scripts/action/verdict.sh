#!/usr/bin/env bash
# Step 4 of action.yml: fail the job as `ais-guard check` would have (after the SARIF upload).
set -euo pipefail
code=${INPUT_EXIT_CODE:-}
case "$code" in
  0) echo "ais-guard: no denials" ;;
  1)
    echo "::error::ais-guard found denials (or, with strict, warnings): see the findings above"
    exit 1
    ;;
  *)
    echo "::error::ais-guard could not check every input (exit ${code:-none}): see the errors above"
    exit 2
    ;;
esac
