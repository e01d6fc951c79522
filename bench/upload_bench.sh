#!/usr/bin/env bash
# tus upload throughput and memory (issue 5): a 2 GiB evidence file (BENCH_UPLOAD_MIB to change),
# a real age file to two X25519 recipients, sent in one PATCH by curl to vigild on loopback, from
# the first byte to the 204 that says it is durable. Baseline, measured in the same run on the
# same disk: `dd if=/dev/zero bs=1M conv=fdatasync` of the same size. BENCH_RUNS (default 3)
# pairs, in alternating order with BENCH_PAUSE (5) seconds between, each pair printed with its
# ratio; the summary is the median pair ratio (a virtual disk's speed can change several times
# over between two runs, so best-of would pair unrelated conditions). Targets: upload >= 0.85x dd; vigild's peak RSS (VmHWM) the same after a
# 256 MiB upload and after the large one (constant memory). Also times a report that claims the
# large upload as its attachment (a rename, not a copy).
set -euo pipefail
build=$(realpath "${1:?usage: upload_bench.sh BUILD_DIR}")
mib=${BENCH_UPLOAD_MIB:-2048}
small_mib=256
runs=${BENCH_RUNS:-3}
pause=${BENCH_PAUSE:-5}
command -v curl > /dev/null || { echo "upload bench: curl is not installed, skipped"; exit 0; }
# On the build's disk, like the data directory inside it: the same disk for all three.
work=$(mktemp -d "$build/upload-bench.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== tus uploads: ${mib} MiB in one PATCH to vigild on loopback vs dd conv=fdatasync," \
  "$runs runs, $(nproc) cores"
age-keygen -o "$work/org.key" 2> /dev/null
age-keygen -o "$work/reporter.key" 2> /dev/null
org=$(age-keygen -y "$work/org.key")
reporter=$(age-keygen -y "$work/reporter.key")
encrypt() {  # MiB of zeros OUT: a valid age file, streamed
  head -c $(($1 * 1048576)) /dev/zero | age -r "$org" -r "$reporter" > "$2"
}
encrypt 4 "$work/warm.age"
encrypt "$small_mib" "$work/small.age"
encrypt "$mib" "$work/large.age"
# The inputs are on disk and in the page cache before anything is timed.
sync "$work/warm.age" "$work/small.age" "$work/large.age"
size=$(stat -c %s "$work/large.age")

"$build/src/cli/vigil" init "$work/inst" --origin bench.example/vigil --listen 127.0.0.1:0 \
  > /dev/null
"$build/src/server/vigild" --config "$work/inst/vigil.conf" --set "max_upload_bytes=$size" \
  > "$work/out.txt" 2> /dev/null &
pid=$!
for _ in $(seq 200); do grep -qs listening "$work/out.txt" && break; sleep 0.05; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/out.txt")
base="http://127.0.0.1:$port"
tus=(-H "Tus-Resumable: 1.0.0")

# Creates an upload of FILE and PATCHes it whole; prints "LOCATION SECONDS" (SECONDS: the PATCH).
upload() {
  local length location result
  length=$(stat -c %s "$1")
  location=$(curl -sS -D - -o /dev/null -X POST "${tus[@]}" -H "Upload-Length: $length" \
    "$base/v1/uploads" | tr -d '\r' | sed -n 's/^Location: //Ip')
  result=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -X PATCH "${tus[@]}" \
    -H "Content-Type: application/offset+octet-stream" -H "Upload-Offset: 0" -H "Expect:" \
    --upload-file "$1" "$base$location")
  [ "${result%% *}" = 204 ] || { echo "upload failed: HTTP $result" >&2; exit 1; }
  echo "$location ${result#* }"
}
hwm() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }

rss_start=$(hwm)
# Warm-up: until every thread of the blocking pool (64) has run upload work, peak RSS grows
# with the number of requests (thread stacks, allocator caches), not with their size.
for _ in $(seq 100); do
  read -r warm_location _ < <(upload "$work/warm.age")
  curl -sS -o /dev/null -X DELETE "${tus[@]}" "$base$warm_location"
done
rss_warm=$(hwm)
read -r small_location _ < <(upload "$work/small.age")
rss_small=$(hwm)
curl -sS -o /dev/null -X DELETE "${tus[@]}" "$base$small_location"
# Peak RSS after each large upload: it must not climb from run to run either.
rss_runs=""

dd_once() {  # prints seconds
  local start end
  start=$(date +%s.%N)
  dd if=/dev/zero of="$work/dd.bin" bs=1M count="$mib" conv=fdatasync status=none
  end=$(date +%s.%N)
  rm -f "$work/dd.bin"
  awk "BEGIN {print $end - $start}"
}
pairs=""
for run in $(seq "$runs"); do
  # A virtual disk may still be writing back the previous run's bytes behind its cache: pause,
  # and alternate which of the two goes first.
  sleep "$pause"
  if [ $((run % 2)) = 1 ]; then
    dd_s=$(dd_once)
    sleep "$pause"
    read -r location upload_s < <(upload "$work/large.age")
  else
    read -r location upload_s < <(upload "$work/large.age")
    sleep "$pause"
    dd_s=$(dd_once)
  fi
  pairs+="$dd_s,$upload_s "
  rss_runs+="$(hwm) "
  # Every run but the last frees its upload; the last one is claimed by a report below.
  if [ "$run" -lt "$runs" ]; then
    curl -sS -o /dev/null -X DELETE "${tus[@]}" "$base$location"
  fi
done

# A report that names the large upload: the claim renames it into the blob store.
note=$(printf 'see the attachment' | age -r "$org" -r "$reporter" | base64 -w0)
lookup=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
body="{\"lookup_id\":\"$lookup\",\"reporter_recipient\":\"$reporter\",\"ciphertext\":\"$note\","
body+="\"attachments\":[\"${location##*/}\"]}"
report=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -X POST \
  -H "Content-Type: application/json" --data-binary "$body" "$base/v1/reports")
[ "${report%% *}" = 201 ] || { echo "report failed: HTTP $report" >&2; exit 1; }
kill -TERM "$pid"; wait "$pid" || true; pid=""

python3 - "$size" "$mib" "$pairs" "$rss_start" "$rss_small" "$rss_runs" "$small_mib" \
  "${report#* }" "$rss_warm" <<'PY'
import sys
size, mib, pairs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split()
rss0, rss_s, rss_runs, small, report = (int(sys.argv[4]), int(sys.argv[5]),
                                         [int(x) for x in sys.argv[6].split()], int(sys.argv[7]),
                                         float(sys.argv[8]))
rss_w = int(sys.argv[9])
ratios = []
for i, pair in enumerate(pairs, 1):
    dd, up = (float(x) for x in pair.split(","))
    up_rate, dd_rate = size / up / 1e6, mib * 1048576 / dd / 1e6
    ratios.append((up_rate / dd_rate, up_rate, dd_rate))
    print(f"run {i}: upload {up:.2f} s = {up_rate:.0f} MB/s, dd {dd:.2f} s = {dd_rate:.0f} MB/s,"
          f" upload/dd = {up_rate / dd_rate:.2f}x")
ratio, up_rate, dd_rate = sorted(ratios)[len(ratios) // 2]
print(f"upload: {size / 1048576:.0f} MiB at {up_rate:.0f} MB/s against dd conv=fdatasync at"
      f" {dd_rate:.0f} MB/s: upload/dd = {ratio:.2f}x, median of {len(ratios)} (target >= 0.85)")
runs = ", ".join(f"{r / 1024:.1f}" for r in rss_runs)
print(f"vigild peak RSS: {rss0 / 1024:.1f} MiB at start, {rss_w / 1024:.1f} MiB after 100 warm-up"
      f" uploads of 4 MiB, {rss_s / 1024:.1f} MiB after {small} MiB, {runs} MiB after each {mib}"
      f" MiB upload (target: no growth with size)")
print(f"report claiming the {mib} MiB upload as its attachment: {report * 1000:.0f} ms")
PY
