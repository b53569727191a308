#!/usr/bin/env bash
# Reproduces the container image without Docker and checks that its default command serves:
# every Dockerfile stage is built in a temporary root, the final one runs as the image's user
# (uid 65532, setpriv) on a root-owned read-only tree with the Node 24 binary the image ships,
# until /readyz answers over HTTPS. The logic and what it can and cannot reproduce:
# scripts/image-stage.mjs. Needs root, setpriv (util-linux) and the npm registry. --keep keeps
# the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
node24_bin=$(scripts/node24.sh)
exec node scripts/image-stage.mjs --node "$node24_bin/node" "$@"
