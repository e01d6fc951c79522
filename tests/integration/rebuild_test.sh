#!/usr/bin/env bash
# `vigil rebuild` (issue 5): an instance filled through the API loses its database; the rebuild
# recreates it from the log and the blobs, and every acknowledged report is found and decrypts
# as before. Also: rebuild refuses while vigild holds the log.
# Usage: rebuild_test.sh VIGIL VIGILD REPORT_LOAD
set -uo pipefail
vigil=$(realpath "$1")
vigild=$(realpath "$2")
load=$(realpath "$3")
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
  for _ in $(seq 200); do grep -q listening out.txt && break; sleep 0.05; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' out.txt)
  [ -n "$port" ] || { echo "vigild did not start"; tail -3 err.txt; exit 1; }
}

"$vigil" init inst --origin rebuild.example/vigil --listen 127.0.0.1:0 > /dev/null || exit 1
"$vigil" keygen -o org.key 2> /dev/null || exit 1
org=$(sed -n 's/^# public key: //p' org.key)
start
"$load" --port "$port" --count 300 --concurrency 8 --acked acked.txt --org-recipient "$org" \
  > /dev/null || fail "load"
"$vigil" rebuild inst > busy.txt 2>&1 && fail "rebuild ran while vigild held the log"
grep -q "stop vigild first" busy.txt || fail "busy message: $(cat busy.txt)"
kill -TERM "$pid"; wait "$pid"; pid=""

rm -f inst/vigil.db inst/vigil.db-wal inst/vigil.db-shm
"$vigil" rebuild inst > rebuilt.txt || fail "rebuild"
grep -q "301 entries" rebuilt.txt || fail "rebuild count: $(cat rebuilt.txt)"
start
"$load" --port "$port" --check acked.txt --identity org.key | grep -q "checked 300 acknowledged reports: 0 missing" \
  || fail "reports after rebuild"
kill -TERM "$pid"; wait "$pid"; pid=""

# A second rebuild moves the current database aside and finds the same.
"$vigil" rebuild inst > again.txt || fail "second rebuild"
grep -q "moved the old database aside" again.txt || fail "old database kept"
ls inst | grep -q "vigil.db.before-rebuild-" || fail "moved-aside file"
[ "$failed" = 0 ] && echo "rebuild: every report is back"
exit "$failed"
