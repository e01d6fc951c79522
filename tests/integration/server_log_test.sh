#!/usr/bin/env bash
# vigild end to end: `vigil init`, entries appended, the server on port 0 serving the log, which
# `vigil log verify`, `prove` and `verify-receipt` check over HTTP; /healthz and /metrics; entry
# bundles refused until made public; SIGTERM drains and exits 0; a bad configuration is refused
# with one line per problem. Usage: server_log_test.sh VIGIL VIGILD
set -uo pipefail
vigil=$(realpath "$1")
vigild=$(realpath "$2")
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

start() {  # extra vigild arguments
  "$vigild" --config inst/vigil.conf "$@" > out.txt 2> err.txt &
  pid=$!
  for _ in $(seq 100); do grep -q listening out.txt && break; sleep 0.05; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' out.txt)
  [ -n "$port" ] || { echo "vigild did not start:"; cat err.txt; exit 1; }
}
stop() {
  kill -TERM "$pid"
  wait "$pid"
  local rc=$?
  pid=""
  return $rc
}
# Raw GET with bash's /dev/tcp: prints the whole response.
get() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$1" >&3
  cat <&3
  exec 3<&-
}

"$vigil" init inst --origin it.example/log --listen 127.0.0.1:0 > init.txt || { echo "init failed"; exit 1; }
key=$(sed -n 's/^Log verifier key: //p' init.txt)
# Entry 0 is the first administrator's invitation (vigil init); then 300 more.
# Entries of the instance's format (docs/formats/entries.md): vigild indexes them at start-up.
# Type 8 (a staff login) carries no blob; the object id makes each one distinct.
for i in $(seq 1 300); do
  { printf '\x01\x08'; head -c 14 /dev/zero
    printf "\\x$(printf %02x $((i / 256)))\\x$(printf %02x $((i % 256)))"; head -c 60 /dev/zero; } > "e$i"
done
"$vigil" log append inst/log --key inst/keys/log.key $(seq -f 'e%g' 1 300) > /dev/null || fail "append"

start
get /healthz | grep -a -q '"log_size":301' && ok || fail "healthz"
get /metrics | grep -a -q '^vigil_log_checkpoint_size 301' && ok || fail "metrics"
# The tile is binary: keep the response in a file and search it as text (-a).
get /tile/0/000 > tile.http
grep -a -q 'Cache-Control: public, max-age=31536000, immutable' tile.http && ok || { fail "tile cache header"; head -c 600 tile.http | tr -c '[:print:]\n' '.'; }
grep -a -q 'Content-Security-Policy' tile.http && ok || fail "security headers on tiles"
get /checkpoint | grep -a -q '^it.example/log' && ok || fail "checkpoint"
get /tile/entries/000 | grep -a -q '403 Forbidden' && ok || fail "entry bundles not public by default"
get /tile/0/0001 | grep -a -q '404 Not Found' && ok || fail "non-canonical tile path"
"$vigil" log verify "http://127.0.0.1:$port" --key "$key" 2> verr.txt && fail "verify without entry access" || ok
stop && ok || fail "SIGTERM exit code"

start --set log_entries_public=true
"$vigil" log verify "http://127.0.0.1:$port" --key "$key" | grep -q 'OK: it.example/log, 301 entries' && ok || fail "verify over HTTP"
"$vigil" log prove "http://127.0.0.1:$port" --index 257 --key "$key" -o receipt.txt && ok || fail "prove over HTTP"
stop
"$vigil" log verify-receipt receipt.txt --key "$key" | grep -q 'entry 257 is in it.example/log' && ok || fail "verify-receipt offline"

printf 'listen = nowhere\nthreads = lots\n' >> inst/vigil.conf
"$vigild" --config inst/vigil.conf 2> bad.txt && fail "bad config accepted" || ok
[ "$(wc -l < bad.txt)" -eq 2 ] && grep -q 'vigil.conf:.*listen: expected host:port' bad.txt && ok || { fail "config errors"; cat bad.txt; }

echo "server log: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
