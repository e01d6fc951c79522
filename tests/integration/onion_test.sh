#!/usr/bin/env bash
# The onion service (issue 5): `vigil init --onion` and vigild with onion = true run Debian's tor
# as vigild's child. This machine may have no network, so tor cannot publish the service; what
# is checked is what runs here: the torrc, that tor starts and writes a v3 hostname, that
# vigild prints it next to its local address, that the service forwards to the address vigild
# serves, that the address survives a restart, that tor stops with vigild, and that a tor that
# cannot start stops vigild at start-up with one line. Skips (77) only when /usr/bin/tor is
# absent. Usage: onion_test.sh VIGIL VIGILD
set -uo pipefail
if [ ! -x /usr/bin/tor ]; then
  echo "SKIP: no tor at /usr/bin/tor (Debian: apt-get install tor)"
  exit 77
fi
vigil=$(realpath "$1")
vigild=$(realpath "$2")
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
failed=0
fail() { failed=1; echo "FAIL: $*"; }
start() {
  : > out.txt
  "$vigild" --config inst/vigil.conf > out.txt 2>> err.txt &
  pid=$!
  for _ in $(seq 400); do grep -q "onion service" out.txt && break; sleep 0.05; done
  port=$(sed -n 's/^vigild: listening on .*:\([0-9]*\)$/\1/p' out.txt)
  address=$(sed -n 's|^vigild: onion service http://\(.*\)$|\1|p' out.txt)
  [ -n "$address" ] || { echo "vigild printed no onion address:"; cat out.txt; tail -3 err.txt; exit 1; }
}

"$vigil" init inst --onion --origin onion.example/vigil --listen 127.0.0.1:0 > init.txt || exit 1
grep -q "^onion = true$" inst/vigil.conf || fail "vigil.conf lacks onion = true"
[ "$(stat -c %a inst/tor)" = 700 ] || fail "tor/ has mode $(stat -c %a inst/tor)"

start
echo "$address" | grep -Eq '^[a-z2-7]{55}d\.onion$' || fail "not a v3 address: $address"
[ "$(cat inst/tor/onion_service/hostname)" = "$address" ] || fail "printed and stored addresses differ"
grep -q "listening on http://127.0.0.1:$port" out.txt || fail "local address: $(cat out.txt)"
torrc=inst/tor/torrc
grep -qx "HiddenServicePort 80 127.0.0.1:$port" "$torrc" || fail "HiddenServicePort: $(cat "$torrc")"
grep -qx "DataDirectory \"$PWD/inst/tor/data\"" "$torrc" || fail "DataDirectory: $(cat "$torrc")"
grep -qx "HiddenServiceDir \"$PWD/inst/tor/onion_service\"" "$torrc" || fail "HiddenServiceDir"
grep -qx "SocksPort 0" "$torrc" || fail "SocksPort"
[ "$(stat -c %a inst/tor/onion_service/hs_ed25519_secret_key)" = 600 ] || fail "key file mode"
tor_pid=$(ps -o pid= --ppid "$pid" | tr -d ' ')
[ -n "$tor_pid" ] && grep -q "tor" "/proc/$tor_pid/comm" || fail "no tor child of vigild"
grep -q "\[notice\]" inst/tor/tor.log || fail "tor.log holds no notice"
# What the service forwards to is vigild itself: the same pages as on the local address.
python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
  "http://127.0.0.1:$port/healthz" | grep -q '"status":"ok"' || fail "healthz at the target"
# A backup holds neither the onion service's key nor anything of tor/; a restore prepares tor/
# and says the keys are the operator's to put back.
"$vigil" backup inst backup > /dev/null || fail "backup of an onion instance"
[ -e backup/tor ] && fail "the backup holds tor/"
python3 - inst/tor/onion_service/hs_ed25519_secret_key backup << 'EOF' || fail "the onion key is in the backup"
import os, sys
secret = open(sys.argv[1], "rb").read()[32:]  # after the 32-byte file header
for root, _, files in os.walk(sys.argv[2]):
    for name in files:
        if secret in open(os.path.join(root, name), "rb").read():
            sys.exit(1)
EOF
"$vigil" restore backup restored --no-log-key > restore.txt || fail "restore"
grep -q "onion service's keys" restore.txt || fail "restore says nothing of the onion keys"
[ "$(stat -c %a restored/tor)" = 700 ] || fail "restored tor/ mode"
[ -e restored/tor/onion_service ] && fail "a restore made onion keys"
kill -TERM "$pid"; wait "$pid" || fail "vigild did not stop cleanly"; pid=""
sleep 0.2
[ -n "$tor_pid" ] && kill -0 "$tor_pid" 2> /dev/null && fail "tor outlived vigild"

# The key stays in tor/onion_service: the same address after a restart.
first=$address
start
[ "$address" = "$first" ] || fail "the address changed over a restart: $address"
kill -TERM "$pid"; wait "$pid"; pid=""

# A tor that cannot start stops vigild at start-up, with one line naming the reason.
rm -rf inst/tor/onion_service
echo "not a directory" > inst/tor/onion_service
if "$vigild" --config inst/vigil.conf > out2.txt 2> err2.txt; then fail "vigild started"; fi
# (Without a built web client vigild also notes that it serves the API alone: not an error.)
grep -v "^vigild: no web client" err2.txt > reason.txt
[ "$(wc -l < reason.txt)" = 1 ] || fail "$(wc -l < reason.txt) lines on stderr: $(cat err2.txt)"
grep -q "^vigild: cannot start the onion service: tor stopped at start-up" err2.txt \
  || fail "start-up failure: $(cat err2.txt)"
grep -q "is not a directory" err2.txt || fail "tor's reason: $(cat err2.txt)"

[ "$failed" = 0 ] && echo "onion: tor starts with vigild, $first"
exit "$failed"
