#!/usr/bin/env bash
# The HTTP contract and the server agree (DESIGN.md section 7): every route vigild serves is a
# path and method of docs/api/openapi.yaml, and every documented path and method is served.
# Path parameters are compared by position, not name ({id} and {path...} are both "{}").
set -euo pipefail
vigil=${1:?usage: openapi_routes_test.sh VIGIL VIGILD OPENAPI}
vigild=${2:?}
openapi=${3:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$vigil" init "$work/inst" --listen 127.0.0.1:0 > /dev/null
"$vigild" --config "$work/inst/vigil.conf" --list-routes |
  sed -E 's/\{[^}]*\}/{}/g' | sort -u > "$work/served"

# Paths are the two-space-indented keys under `paths:`; methods the four-space-indented keys
# under each path.
awk '
  /^paths:/ { in_paths = 1; next }
  /^[a-z]/ { in_paths = 0 }
  in_paths && /^  \/[^ ]*:$/ { path = $1; sub(/:$/, "", path); next }
  in_paths && /^    (get|put|post|delete|patch|head|options):/ {
    method = $1; sub(/:$/, "", method); print toupper(method) " " path
  }' "$openapi" | sed -E 's/\{[^}]*\}/{}/g' | sort -u > "$work/documented"

if [ "$(wc -l < "$work/served")" -lt 10 ]; then echo "too few routes listed"; exit 1; fi
if ! diff -u "$work/documented" "$work/served" > "$work/diff"; then
  echo "docs/api/openapi.yaml and vigild disagree ('-' documented only, '+' served only):"
  grep -E '^[-+][A-Z]' "$work/diff"
  exit 1
fi
echo "ok: $(wc -l < "$work/served") routes, all documented"
