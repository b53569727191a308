#!/usr/bin/env bash
# Regenerates docs/rules.md and the README's rule table from the rule files (after `npm run build`).
set -euo pipefail
cd "$(dirname "$0")/.."
node dist/cli/main.js rules -o markdown > docs/rules.md
table=$(node dist/cli/main.js rules -o table)
TABLE="$table" node -e '
const fs = require("fs");
const readme = fs.readFileSync("README.md", "utf8");
const out = readme.replace(/(<!-- rules:start[^>]*-->\n)[\s\S]*?(\n<!-- rules:end -->)/, (_, a, b) => a + process.env.TABLE + b);
fs.writeFileSync("README.md", out);'
