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
  # The first administrator's link is printed once; keep it where the operator finds it again.
  "$vigil" init "$data" "${init_flags[@]}" | tee "$root/run/init.txt"
fi
local_url=http://127.0.0.1:8080
onion_url=
if grep -qx "onion = true" "$data/vigil.conf" && [ -f "$data/tor/onion_service/hostname" ]; then
  onion_url="http://$(cat "$data/tor/onion_service/hostname")"
fi
first_admin=$(sed -n 's/^First administrator.*: //p' "$root/run/init.txt" 2>/dev/null || true)
echo
echo "Vigil is starting."
echo "  reporters:         $local_url/   (the web client, encrypting in the browser)"
echo "                     $local_url/nojs/report   (the form that works without JavaScript)"
[ -n "$onion_url" ] && echo "    over Tor:        $onion_url/"
echo "  staff API:         $local_url/v1/   (sign-in: POST /v1/sessions; the pages arrive with issue 6)"
if [ -n "$first_admin" ]; then
  echo "  first admin link:  $first_admin"
  echo "                     (one use; if it is used or expired: $vigil invite $data --role admin, vigild stopped)"
fi
echo "  transparency log:  $local_url/checkpoint   (tiles under /tile/)"
[ -n "$onion_url" ] && echo "    over Tor:        $onion_url/checkpoint"
if grep -qx "onion = true" "$data/vigil.conf" && [ -z "$onion_url" ]; then
  echo "  over Tor:          a new onion address, which vigild prints below once tor has made it"
fi
echo "  health:            http://127.0.0.1:8080/healthz"
echo "  metrics:           http://127.0.0.1:8080/metrics"
echo "  verify the log:    $vigil log verify $data/log --key <the verifier key vigil init printed>"
echo
exec "$vigild" --config "$data/vigil.conf"
