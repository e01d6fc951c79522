# Vigil's front door. `make help` lists the targets.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
PRESET ?= ci
# make run ONION=1: a new run/data instance gets an onion service (vigil init --onion).
ONION ?=

.PHONY: help deps build run test test-unit test-asan fuzz fuzz-build bench fmt lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

deps: ## Install every Debian (and npm) package the project needs; idempotent
	@scripts/deps.sh

build: deps ## Configure and build the ci preset (release with -Werror), and the web client
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)
	@scripts/web.sh build

run: build ## Build and start Vigil locally (ONION=1: with an onion service)
	@ONION=$(ONION) scripts/run.sh build/$(PRESET)

test: deps ## The whole suite: unit, integration, web (Chromium), sanitizers, fuzz smoke
	@scripts/test.sh

test-unit: build ## Unit and integration tests on the ci build only
	ctest --preset $(PRESET) -j $(JOBS)

test-asan: deps ## Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan -j $(JOBS)

fuzz-build: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzzers

fuzz: fuzz-build ## Run every fuzz target for FUZZ_SECONDS each (default 60)
	@scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

bench: deps ## Benchmarks against their baselines, printed as ratios
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	@bench/run.sh build/release

fmt: ## Format C++ sources in place
	@git ls-files "*.cc" "*.h" | xargs clang-format -i

lint: ## Check formatting and run clang-tidy on changed files
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run 2>&1 | head -50

clean: ## Remove build outputs
	rm -rf build
