#!/usr/bin/env bash
# `make test`: every suite the project has, stopping at the first failure.
#  1. the ci build (release with -Werror) and the web client's build; unit and integration tests;
#  2. the web client (web/): unit and age interop tests (vitest), and the end-to-end
#     tests in Debian's headless Chromium against the ci build's vigild (a few minutes);
#  3. the asan-ubsan build: the same tests under sanitizers;
#  4. the fuzz build: each libFuzzer target for FUZZ_SECONDS (default 10; `make fuzz` runs 60)
#     under ASan/UBSan, so that 23 targets on 2 cores stay within the CI budget.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
start=$(date +%s)

step() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }

step "ci build"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Counts the tests a ctest run passed, from its summary line.
count_passed() { sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1; }
# Counts the tests a vitest run passed, from its "Tests  N passed (N)" line.
count_vitest() {
  local n
  n=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n 's/^ *Tests *\([0-9]*\) passed.*/\1/p' | tail -1)
  echo "${n:-0}"
}
total=0

# The web client first: vigild in the integration tests serves it.
step "web client build"
scripts/web.sh build

step "ci tests"
ctest --preset ci -j "$jobs" | tee "$log"
total=$((total + $(count_passed)))

step "web unit and interop tests"
scripts/web.sh test build/ci | tee "$log"
total=$((total + $(count_vitest)))
step "web end-to-end tests (Chromium)"
scripts/web.sh e2e build/ci | tee "$log"
total=$((total + $(count_vitest)))

step "asan-ubsan build"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
step "asan-ubsan tests"
ctest --preset asan-ubsan -j "$jobs" | tee "$log"
total=$((total + $(count_passed)))

step "fuzz build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target fuzzers
step "fuzz smoke"
scripts/fuzz.sh build/fuzz "${FUZZ_SECONDS:-10}" | tee "$log"
total=$((total + $(ls build/fuzz/tests/fuzz/fuzz_* | wc -l)))

step "all suites passed"
echo "make test: $total passed, 0 failed"
