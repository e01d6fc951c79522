#!/usr/bin/env bash
# Reports API throughput and latency (issue 5): durable small reports per second from 64
# concurrent clients, on SQLite and on a throwaway PostgreSQL cluster, and p50/p99 latency at
# a fixed 1,000 reports/s (open loop). Baseline, measured in the same run: 64 threads each
# writing a 1 KiB file and fdatasync-ing it, the rate of durable writes this disk allows.
# Targets: >= 5,000 reports/s on SQLite; p99 < 20 ms at 1,000/s.
# Run it on a quiet file system. On ext4 without a journal, inodes freed in the last 30 seconds
# are skipped one by one when files are made: just after deleting many files (a build, an earlier
# run's data) the same code measured a third slower (perf: recently_deleted in ext4_create).
set -euo pipefail
build=${1:?usage: reports_bench.sh BUILD_DIR}
count=${BENCH_REPORTS:-20000}
work=$(mktemp -d)  # not under the build tree: the PostgreSQL user must reach it
pid="" pg_started=""
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  [ -n "$pg_started" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

echo "== reports API: $count reports from 64 clients (three runs), then 1,000/s for 5 s, $(nproc) cores"
# Every measurement starts with nothing left to write back from earlier work (the benchmark
# before this one writes gigabytes): the server's log syncs the whole file system, and would
# otherwise wait for that too.
sync
python3 - "$work" <<'PY'
import os, sys, threading, time
d = sys.argv[1]; n = [0]; lock = threading.Lock(); stop = time.time() + 3
def run(t):
    i = 0
    while time.time() < stop:
        fd = os.open(f"{d}/b{t}-{i % 50}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, b"x" * 1024); os.fdatasync(fd); os.close(fd); i += 1
    with lock: n[0] += i
ts = [threading.Thread(target=run, args=(t,)) for t in range(64)]
[t.start() for t in ts]; [t.join() for t in ts]
print(f"baseline: {n[0] / 3:.0f} durable 1 KiB file writes/s (64 threads, fdatasync)")
open(f"{d}/baseline", "w").write(str(n[0] / 3))
PY
baseline=$(cat "$work/baseline")

start_server() {  # instance-dir database-setting; sets pid and port
  "$build/src/cli/vigil" init "$1" --origin bench.example/vigil --listen 127.0.0.1:0 > /dev/null
  "$build/src/server/vigild" --config "$1/vigil.conf" --set "database=$2" \
    > "$work/out.txt" 2> /dev/null &
  pid=$!
  for _ in $(seq 200); do grep -q listening "$work/out.txt" && break; sleep 0.05; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/out.txt")
}

run_engine() {  # name database-setting
  # Three bursts, each on a fresh instance, and their median: on this kind of shared disk one
  # run can differ from the next by a third. A directory per instance, all removed at the end:
  # see the note on deleted files above.
  local rates=() burst rate rss
  for r in 1 2 3; do
    start_server "$work/inst-$1-$r" "${2//RUN/$r}"  # PostgreSQL: a database per run
    sync
    burst=$("$build/bench/report_load" --port "$port" --count "$count" --concurrency 64)
    echo "$1: run $r: $burst"
    rates+=("$(echo "$burst" | sed -n 's/.*s: \([0-9]*\) reports\/s.*/\1/p')")
    if [ "$r" = 3 ]; then
      rate=$("$build/bench/report_load" --port "$port" --count 5000 --concurrency 64 \
        --rate 1000 --first 1000000)
      rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    fi
    kill -TERM "$pid"; wait "$pid" || true; pid=""
  done
  local per_s
  per_s=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
  echo "$1: at 1,000/s: ${rate#*reports/s; }"
  python3 -c "print(f'$1: median {$per_s} reports/s = {$per_s / $baseline:.2f}x the fdatasync baseline, {$per_s / 5000:.2f}x the 5,000/s target; server peak RSS {$rss / 1024:.0f} MiB')"
}

run_engine sqlite sqlite
if [ -x "$pgbin/initdb" ]; then
  mkdir -p "$work/pg" && chmod 777 "$work" "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  as_pg "$pgbin/initdb" -D "$work/pg" -U vigil -A trust > /dev/null
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $pgport -k $work/pg -c listen_addresses='' -c max_connections=200" start > /dev/null
  pg_started=1
  for r in 1 2 3; do as_pg "$pgbin/createdb" -h "$work/pg" -p "$pgport" -U vigil "bench$r"; done
  run_engine postgresql "postgresql://vigil@/benchRUN?host=$work/pg&port=$pgport"
fi
