#!/usr/bin/env bash
# The web client (web/): its npm packages, build, tests and benchmark, called by the Makefile,
# scripts/test.sh and bench/web_bench.sh.
#   scripts/web.sh deps                npm ci when web/node_modules is missing or older than the lock
#   scripts/web.sh build               type-check and build into web/dist (vigild's default web_root)
#   scripts/web.sh test  [BUILD_DIR]   unit tests, and age interop with BUILD_DIR's vigil (build/ci)
#   scripts/web.sh e2e   [BUILD_DIR]   end-to-end tests in headless Chromium against BUILD_DIR's vigild
#   scripts/web.sh bench [BUILD_DIR]   bundle size and time to interactive (bench/page-load.mjs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
web="$root/web"
build=$(realpath -m "${2:-$root/build/ci}")

need_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "web: node (>= 20.19) and npm are needed for the web client" >&2
    exit 1
  fi
  local version
  version=$(node -p 'process.versions.node')
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "web: node $version is too old (Vite needs 20.19 or later)" >&2
    exit 1
  fi
}

deps() {
  need_node
  # npm ci again whenever the lock file changed since the last install.
  local stamp="$web/node_modules/.vigil-lock-sha256"
  local want
  want=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "deps: web/node_modules up to date"
    return
  fi
  echo "deps: npm ci in web/"
  (cd "$web" && npm ci --no-audit --no-fund)
  echo "$want" > "$stamp"
}

export VIGIL_CLI="$build/src/cli/vigil" VIGILD="$build/src/server/vigild"
case "${1:-}" in
  deps) deps ;;
  build) deps; (cd "$web" && npm run --silent build) ;;
  test) deps; (cd "$web" && npx vitest run) ;;
  e2e) deps; (cd "$web" && npx vitest run --config e2e/vitest.config.ts) ;;
  bench) deps; (cd "$web" && node bench/page-load.mjs "$VIGIL_CLI" "$VIGILD") ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
