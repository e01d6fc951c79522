#!/usr/bin/env bash
# `make test`: every suite the project has, stopping at the first failure.
#  1. the ci build (release with -Werror): unit and integration tests;
#  2. the asan-ubsan build: the same tests under sanitizers;
#  3. the fuzz build: each libFuzzer target for FUZZ_SECONDS (default 60) under ASan/UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
start=$(date +%s)

step() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }

step "ci build"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
step "ci tests"
ctest --preset ci -j "$jobs"

step "asan-ubsan build"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
step "asan-ubsan tests"
ctest --preset asan-ubsan -j "$jobs"

step "fuzz build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
step "fuzz smoke"
scripts/fuzz.sh build/fuzz "${FUZZ_SECONDS:-60}"

step "all suites passed"
