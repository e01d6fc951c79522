#!/usr/bin/env bash
# Interoperability of `vigil` with the reference `age` tool (Debian package `age`), both ways:
# sizes around the 64 KiB chunk boundary, 1 MiB + 17 and one random size; binary and armored;
# X25519 recipients and passphrases. age reads passphrases only from a terminal, so `script`
# gives it one. Usage: age_interop_test.sh PATH_TO_VIGIL
set -euo pipefail
vigil=$(realpath "$1")
command -v age >/dev/null || { echo "age is not installed (make deps installs it)"; exit 1; }
command -v script >/dev/null || { echo "script (util-linux) is not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

seed=${VIGIL_TEST_SEED:-$RANDOM}
random_size=$(( (seed * 7919) % 400000 + 1 ))
echo "random size: $random_size (VIGIL_TEST_SEED=$seed)"
sizes=(0 1 65535 65536 65537 $((1048576 + 17)) "$random_size")
pass=interop-passphrase-7
passed=0 failed=0

# Runs a command that reads a passphrase from the terminal, typing it twice.
with_tty() {
  (sleep 0.3; printf '%s\n' "$pass"; sleep 0.3; printf '%s\n' "$pass") |
    timeout 60 script -qec "$1" /dev/null >/dev/null 2>&1
}

check() {  # NAME EXPECTED ACTUAL
  if cmp -s "$2" "$3"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}

age-keygen -o age_key.txt 2>/dev/null
age_recipient=$(age-keygen -y age_key.txt)
"$vigil" keygen -o vigil_key.txt 2>/dev/null
vigil_recipient=$("$vigil" keygen -y vigil_key.txt)

for size in "${sizes[@]}"; do
  head -c "$size" /dev/urandom > plain
  for armor in "" "-a"; do
    tag="size=$size armor=${armor:-no}"
    # vigil -> age, X25519
    "$vigil" encrypt $armor -r "$age_recipient" -o v.age plain
    rm -f out; age -d -i age_key.txt v.age > out || rm -f out
    check "vigil->age x25519 $tag" plain out
    # age -> vigil, X25519
    age $armor -r "$vigil_recipient" -o a.age plain
    rm -f out; "$vigil" decrypt -i vigil_key.txt -o out a.age || true
    check "age->vigil x25519 $tag" plain out
    # vigil -> age, passphrase
    VIGIL_PASSPHRASE=$pass "$vigil" encrypt -p --work-factor 14 $armor -o vp.age plain
    rm -f out; with_tty "age -d vp.age > out || rm -f out" || true
    check "vigil->age passphrase $tag" plain out
    # age -> vigil, passphrase
    rm -f ap.age; with_tty "age -p $armor -o ap.age plain" || true
    rm -f out; VIGIL_PASSPHRASE=$pass "$vigil" decrypt -o out ap.age || true
    check "age->vigil passphrase $tag" plain out
  done
done
echo "age interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
