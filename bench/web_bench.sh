#!/usr/bin/env bash
# The reporter page over a slow network: its gzip size and time to interactive in headless
# Chromium at 400 kbit/s and 400 ms round trips (web/bench/page-load.mjs). Usage: web_bench.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:?usage: web_bench.sh BUILD_DIR}")
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== web client (web/bench/page-load.mjs)"
"$root/scripts/web.sh" build >/dev/null
"$root/scripts/web.sh" bench "$build"
# The coordinator's case list with 10,000 cases (web/bench/case-list.run.ts); target under 2 s.
echo "== case pages (web/bench/case-list.run.ts)"
(cd "$root/web" && VIGIL_CLI="$build/src/cli/vigil" VIGILD="$build/src/server/vigild" \
  NO_COLOR=1 npx vitest run --config bench/vitest.config.ts 2>&1 | grep -E '^(== |  [a-zJ]|setup: |run [0-9])')
