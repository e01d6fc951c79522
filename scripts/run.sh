#!/usr/bin/env bash
# `make run`: creates a local instance in run/data on first use (vigil init), then starts
# vigild on it in the foreground. Stop it with Ctrl-C (graceful shutdown).
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/run/data"
vigil="$build/src/cli/vigil"
vigild="$build/src/server/vigild"
if [ ! -f "$data/vigil.conf" ]; then
  mkdir -p "$root/run"
  "$vigil" init "$data" --origin vigil.localhost/log --listen 127.0.0.1:8080
fi
echo
echo "Vigil is starting. What runs today (the reporter and staff pages arrive with issues 5 and 6):"
echo "  transparency log:  http://127.0.0.1:8080/checkpoint   (tiles under /tile/)"
echo "  health:            http://127.0.0.1:8080/healthz"
echo "  metrics:           http://127.0.0.1:8080/metrics"
echo "  verify the log:    $vigil log verify $data/log --key <the verifier key vigil init printed>"
echo
exec "$vigild" --config "$data/vigil.conf"
