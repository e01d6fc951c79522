#!/usr/bin/env bash
# The reporter page over a slow network: its gzip size and time to interactive in headless
# Chromium at 400 kbit/s and 400 ms round trips (web/bench/page-load.mjs). Usage: web_bench.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:?usage: web_bench.sh BUILD_DIR}")
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== web client (web/bench/page-load.mjs)"
"$root/scripts/web.sh" build >/dev/null
"$root/scripts/web.sh" bench "$build"
