#!/usr/bin/env bash
# Installs every Debian package the project needs, idempotently: packages already present are
# not touched, and apt-get runs only when something is missing; then the web client's npm
# packages (scripts/web.sh deps: npm ci when web/node_modules is missing or stale). Used by
# `make deps`. Chromium is Debian's, for the web client's end-to-end tests and benchmark.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git python3
  clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev
  libsodium-dev libssl-dev libsqlite3-dev libpq-dev libzip-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  age time argon2 tor libkainjow-mustache-dev openssl curl iso-codes
  postgresql postgresql-contrib
  chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "deps: all Debian packages present"
fi

"$(dirname "$0")/web.sh" deps
