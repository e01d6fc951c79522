#!/usr/bin/env bash
# age throughput and memory: `vigil` against the reference `age` tool on a generated 1 GiB file
# (BENCH_AGE_MIB to change), encrypt and decrypt, best of BENCH_RUNS (default 2) runs each, and
# peak RSS of each. Targets (issue 3): vigil ≥ 2× age both ways; vigil peak RSS < 32 MiB,
# independent of file size (also measured on a 64 MiB file). Input comes from the page cache and
# output goes to /dev/null, so the figures measure the tools, not this machine's disk (with a
# file output both are disk-bound, and vigil also syncs the file before renaming it).
set -euo pipefail
build=${1:?usage: age_bench.sh BUILD_DIR}
vigil="$build/src/cli/vigil"
mib=${BENCH_AGE_MIB:-1024}
runs=${BENCH_RUNS:-2}
work=$(mktemp -d "$build/age-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== age format: vigil vs age $(age --version), ${mib} MiB, best of $runs, $(nproc) cores"
head -c $((mib * 1048576)) /dev/urandom > "$work/plain"
head -c $((64 * 1048576)) /dev/urandom > "$work/small"
age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/key.txt")

# best SECONDS and its peak RSS (KiB) of a command, over $runs runs
measure() {
  local best="" rss=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
    read -r t m < "$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    if [ -z "$rss" ] || [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
  echo "$best $rss"
}

# Ciphertexts for the decrypt runs (each tool decrypts the other's), and a correctness check.
"$vigil" encrypt -r "$recipient" -o "$work/v.age" "$work/plain"
age -r "$recipient" -o "$work/a.age" "$work/plain"
"$vigil" decrypt -i "$work/key.txt" "$work/a.age" | cmp -s - "$work/plain" || { echo "vigil failed to open age's file"; exit 1; }
age -d -i "$work/key.txt" "$work/v.age" | cmp -s - "$work/plain" || { echo "age failed to open vigil's file"; exit 1; }
cat "$work/plain" "$work/v.age" "$work/a.age" > /dev/null

read -r ve vem < <(measure "$vigil" encrypt -r "$recipient" "$work/plain")
read -r ae aem < <(measure age -r "$recipient" "$work/plain")
read -r vd vdm < <(measure "$vigil" decrypt -i "$work/key.txt" "$work/a.age")
read -r ad adm < <(measure age -d -i "$work/key.txt" "$work/v.age")
"$vigil" encrypt -r "$recipient" -o "$work/s.age" "$work/small"
read -r _ vsm < <(measure "$vigil" encrypt -r "$recipient" "$work/small")
read -r _ vsdm < <(measure "$vigil" decrypt -i "$work/key.txt" "$work/s.age")

awk -v mib="$mib" -v ve="$ve" -v ae="$ae" -v vd="$vd" -v ad="$ad" \
    -v vem="$vem" -v aem="$aem" -v vdm="$vdm" -v adm="$adm" -v vsm="$vsm" -v vsdm="$vsdm" 'BEGIN {
  printf "encrypt: vigil %7.0f MiB/s  age %7.0f MiB/s  ratio %.2fx (target >= 2)  peak RSS vigil %.1f MiB, age %.1f MiB\n", mib/ve, mib/ae, ae/ve, vem/1024, aem/1024
  printf "decrypt: vigil %7.0f MiB/s  age %7.0f MiB/s  ratio %.2fx (target >= 2)  peak RSS vigil %.1f MiB, age %.1f MiB\n", mib/vd, mib/ad, ad/vd, vdm/1024, adm/1024
  printf "vigil peak RSS on 64 MiB: encrypt %.1f MiB, decrypt %.1f MiB (target < 32 MiB at any size)\n", vsm/1024, vsdm/1024
}'
