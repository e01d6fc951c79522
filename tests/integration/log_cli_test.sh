#!/usr/bin/env bash
# `vigil log` from the command line: keygen, init, append, verify (also against an older
# checkpoint), prove, verify-receipt, witness; and tampering that `vigil log verify` must detect
# with a message naming what is wrong. Usage: log_cli_test.sh VIGIL
set -uo pipefail
vigil=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_verify_failure NAME SUBSTRING: verify must fail with exactly one line holding SUBSTRING.
expect_verify_failure() {
  if "$vigil" log verify copy --key "$key" ${3:-} > /dev/null 2> err.txt; then fail "$1: verify passed"; return; fi
  [ "$(wc -l < err.txt)" -eq 1 ] && grep -q -- "$2" err.txt && ok || { fail "$1"; cat err.txt; }
}
fresh_copy() { rm -rf copy; cp -r log copy; }
flip() {  # FILE OFFSET
  local b; b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $(( b ^ 1 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

key=$("$vigil" log keygen cli.example/log -o log.key) || exit 1
[ "$(stat -c %a log.key)" = 600 ] && ok || fail "signer key mode"
"$vigil" log init log --key log.key > /dev/null && ok || fail "init"
"$vigil" log init log --key log.key 2> err.txt && fail "second init" || { grep -q 'already holds a log' err.txt && ok || fail "second init message"; }
mkdir entries
for i in $(seq 0 599); do echo "entry $i" > "entries/$i"; done
"$vigil" log append log --key log.key $(seq -f 'entries/%g' 0 299) > idx.txt && [ "$(tail -1 idx.txt)" = 299 ] && ok || fail "append"
cp log/checkpoint old.cp
"$vigil" log append log --key log.key $(seq -f 'entries/%g' 300 599) > /dev/null || fail "append more"
"$vigil" log verify log --key "$key" --since old.cp | grep -q 'OK: cli.example/log, 600 entries' && ok || fail "verify"
"$vigil" log prove log --index 42 --key "$key" -o r.txt && "$vigil" log verify-receipt r.txt --key "$key" > /dev/null && ok || fail "prove"
sed 's/^entry .*/entry ZmFrZQ==/' r.txt > forged.txt
"$vigil" log verify-receipt forged.txt --key "$key" 2> err.txt && fail "forged receipt" || { grep -q 'receipt proof' err.txt && ok || fail "forged receipt message"; }

"$vigil" log keygen witness.example -o w.key > /dev/null
"$vigil" log witness log --log-key "$key" --key w.key --state w.state -o cosigned.txt && grep -q '^— witness.example ' cosigned.txt && ok || fail "witness"

fresh_copy; flip copy/tile/0/001 $((32 * 5))
expect_verify_failure "flipped tile byte" "does not match hash 5 of tile/0/001"
fresh_copy; flip copy/tile/entries/000 3
expect_verify_failure "flipped bundle byte" "tile/entries/000 does not match"
fresh_copy; flip copy/checkpoint 20
expect_verify_failure "flipped checkpoint byte" "checkpoint:"
fresh_copy; rm copy/tile/entries/001
expect_verify_failure "missing bundle" "tile/entries/001 is missing"
fresh_copy; head -c -10 log/tile/entries/000 > copy/tile/entries/000
expect_verify_failure "removed entry" "tile/entries/000"
# A fork: same key, same size, other entries.
mkdir fork && "$vigil" log init fork/log --key log.key > /dev/null
for i in $(seq 0 599); do echo "forged $i" > "entries/$i"; done
"$vigil" log append fork/log --key log.key $(seq -f 'entries/%g' 0 599) > /dev/null
rm -rf copy; cp -r fork/log copy
expect_verify_failure "fork" "does not extend the older checkpoint" "--since old.cp"
"$vigil" log witness fork/log --log-key "$key" --key w.key --state w.state 2> err.txt && fail "witness cosigned a fork" || { grep -q 'a fork' err.txt && ok || fail "witness fork message"; }

echo "log cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
