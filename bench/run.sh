#!/usr/bin/env bash
# `make bench`: every benchmark, each as a ratio against a baseline measured in the same run.
# Usage: bench/run.sh BUILD_DIR (a release build).
set -euo pipefail
build=$(realpath "${1:?usage: run.sh BUILD_DIR}")
root=$(cd "$(dirname "$0")/.." && pwd)
# The reports benchmark first: the others write gigabytes, after which this kind of shared disk
# takes a minute or more to recover its speed (a 64-thread fdatasync baseline measured 9,000/s
# right after the age benchmark, 13,000/s a minute later).
bash "$root/bench/reports_bench.sh" "$build"
for b in "$root"/bench/*_bench.sh; do
  [ "$(basename "$b")" = reports_bench.sh ] || bash "$b" "$build"
done
echo
"$build/bench/log_bench" "$build/log-bench.tmp" "${BENCH_LOG_APPEND:-1000000}" "${BENCH_LOG_VERIFY:-10000000}"
echo
echo "== ChaCha20-Poly1305, one 64 KiB chunk, one thread (bench/aead_bench.cc)"
"$build/bench/aead_bench" --benchmark_min_time=0.5 --benchmark_format=json 2>/dev/null > "$build/aead_bench.json"
python3 - "$build/aead_bench.json" <<'PY'
import json, sys
runs = {b["name"]: b["bytes_per_second"] / 1e6 for b in json.load(open(sys.argv[1]))["benchmarks"]}
for op in ("seal", "open"):
    o, s = runs[f"{op}/openssl"], runs[f"{op}/libsodium"]
    print(f"{op}: openssl {o:8.0f} MB/s   libsodium {s:8.0f} MB/s   openssl/libsodium = {o / s:.2f}x")
PY
