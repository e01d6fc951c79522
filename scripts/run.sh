#!/usr/bin/env bash
# `make run`: creates a local instance in run/data on first use (vigil init; with ONION=1, with
# an onion service), then starts vigild on it in the foreground. Stop it with Ctrl-C (graceful
# shutdown; vigild stops tor too).
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/run/data"
vigil="$build/src/cli/vigil"
vigild="$build/src/server/vigild"
if [ ! -f "$data/vigil.conf" ]; then
  mkdir -p "$root/run"
  init_flags=(--origin vigil.localhost/log --listen 127.0.0.1:8080)
  [ -n "${ONION:-}" ] && init_flags+=(--onion)
  "$vigil" init "$data" "${init_flags[@]}"
fi
echo
echo "Vigil is starting. What runs today (the reporter and staff pages arrive with issues 5 and 6):"
echo "  transparency log:  http://127.0.0.1:8080/checkpoint   (tiles under /tile/)"
if grep -qx "onion = true" "$data/vigil.conf"; then
  hostname_file="$data/tor/onion_service/hostname"
  if [ -f "$hostname_file" ]; then
    echo "  over Tor:          http://$(cat "$hostname_file")/checkpoint"
  else
    echo "  over Tor:          a new onion address, which vigild prints below once tor has made it"
  fi
fi
echo "  health:            http://127.0.0.1:8080/healthz"
echo "  metrics:           http://127.0.0.1:8080/metrics"
echo "  verify the log:    $vigil log verify $data/log --key <the verifier key vigil init printed>"
echo
exec "$vigild" --config "$data/vigil.conf"
