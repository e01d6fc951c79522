#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/tests/fuzz for SECONDS each, two at a time, each
# starting from its seed corpus in tests/fuzz/corpus/<target>/. Fails if any target crashes.
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

targets=()
for t in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$t" ] && targets+=("$t")
done
if ((${#targets[@]} == 0)); then echo "fuzz: no targets in $build/tests/fuzz" >&2; exit 1; fi

run_one() {
  local t=$1 name corpus work
  name=$(basename "$t")
  corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
  work="$out/$name"
  mkdir -p "$work/corpus"
  [ -d "$corpus" ] && cp -r "$corpus/." "$work/corpus/"
  if "$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=0 \
        -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1; then
    echo "fuzz: $name ok ($(grep -c '' "$work/log") log lines, $seconds s)"
  else
    echo "fuzz: $name FAILED"; tail -40 "$work/log"; return 1
  fi
}

failed=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  if ((${#pids[@]} >= 2)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
if ((failed)); then echo "fuzz: failures"; exit 1; fi
echo "fuzz: all ${#targets[@]} targets ran without a crash"
