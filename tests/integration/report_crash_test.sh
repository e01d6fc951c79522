#!/usr/bin/env bash
# Crash test (issue 5): a load generator submits 10,000 reports while vigild is killed with
# SIGKILL several times and restarted; afterwards every report the generator saw acknowledged
# is found by its lookup id and decrypts with the organisation key, and `vigil log verify`
# passes over the instance's log with its blobs.
# Usage: report_crash_test.sh VIGIL VIGILD REPORT_LOAD [DATABASE]
set -uo pipefail
SECONDS=0
vigil=$(realpath "$1")
vigild=$(realpath "$2")
load=$(realpath "$3")
database=${4:-sqlite}
reports=${CRASH_REPORTS:-10000}
work=$(mktemp -d)
pid="" load_pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  [ -n "$load_pid" ] && kill -9 "$load_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

start() {
  : > out.txt
  "$vigild" --config inst/vigil.conf --set "database=$database" --set listen=127.0.0.1:$port \
    > out.txt 2>> err.txt &
  pid=$!
  for _ in $(seq 200); do grep -q listening out.txt && return 0; sleep 0.05; done
  echo "vigild did not start:"; tail -5 err.txt; exit 1
}

"$vigil" init inst --origin crash.example/vigil --listen 127.0.0.1:0 > init.txt || exit 1
key=$(sed -n 's/^Log verifier key: //p' init.txt)
"$vigil" keygen -o org.key 2> /dev/null || exit 1
org=$(sed -n 's/^# public key: //p' org.key)
# A fixed free port, so the load generator finds the server again after each restart.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start; echo "started at ${SECONDS}s"
"$load" --port "$port" --count "$reports" --concurrency 32 --acked acked.txt \
  --org-recipient "$org" --deadline-s 300 > load.txt &
load_pid=$!
acked_so_far() { (wc -l < acked.txt) 2> /dev/null || echo 0; }
kills=0
# Kills at points of progress rather than of time: on a fast disk the load once ended before a
# third kill on a timed schedule.
for at in 1500 3000 4500 6000 7500; do
  while kill -0 "$load_pid" 2> /dev/null && [ "$(acked_so_far)" -lt "$at" ]; do sleep 0.05; done
  kill -0 "$load_pid" 2> /dev/null || break
  kill -9 "$pid"; wait "$pid" 2> /dev/null; pid=""
  kills=$((kills + 1))
  sleep 0.2
  start
done
wait "$load_pid"; load_pid=""
cat load.txt; echo "at ${SECONDS}s"
acked=$(grep -c . acked.txt)
echo "crash: $kills SIGKILLs; $acked reports acknowledged"
[ "$kills" -ge 3 ] || { echo "FAIL: the load finished before 3 kills (raise CRASH_REPORTS)"; exit 1; }

kill -9 "$pid"; wait "$pid" 2> /dev/null; pid=""
start; echo "started at ${SECONDS}s"
failed=0
"$load" --port "$port" --check acked.txt --identity org.key || failed=1
kill -TERM "$pid"; wait "$pid" || { echo "FAIL: vigild did not stop cleanly"; failed=1; }
pid=""
"$vigil" log verify inst/log --key "$key" --blobs inst/blobs > verify.txt 2>&1 \
  || { echo "FAIL: log verify"; cat verify.txt; failed=1; }
tail -1 verify.txt; echo "at ${SECONDS}s"
[ "$failed" = 0 ] && echo "crash: every acknowledged report survived" 
exit "$failed"
