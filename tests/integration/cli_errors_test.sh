#!/usr/bin/env bash
# Bad input to `vigil decrypt` and `vigil encrypt`: each case must exit non-zero with exactly
# one line on standard error, and leave no output file behind. Usage: cli_errors_test.sh VIGIL
set -uo pipefail
vigil=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0

expect_failure() {  # NAME EXPECTED_SUBSTRING COMMAND...
  local name=$1 want=$2; shift 2
  rm -f out err
  if "$@" 2>err; then echo "FAIL $name: exit 0"; failed=$((failed + 1)); return; fi
  local lines; lines=$(wc -l < err)
  if [ "$lines" -ne 1 ]; then echo "FAIL $name: $lines lines on stderr"; cat err; failed=$((failed + 1)); return; fi
  if ! grep -q -- "$want" err; then echo "FAIL $name: stderr lacks '$want':"; cat err; failed=$((failed + 1)); return; fi
  if [ -e out ] || ls -A | grep -q '\.tmp-'; then echo "FAIL $name: output left behind"; failed=$((failed + 1)); return; fi
  passed=$((passed + 1))
}

# Changes one byte of FILE at OFFSET (its lowest bit), so the file always differs; writing a
# fixed letter left it unchanged whenever that letter was already there (1 run in 64).
flip() {  # FILE OFFSET
  local byte; byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "\\$(printf %03o $((byte ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

"$vigil" keygen -o key.txt 2>/dev/null
"$vigil" keygen -o other.txt 2>/dev/null
recipient=$("$vigil" keygen -y key.txt)
head -c 200000 /dev/urandom > plain
"$vigil" encrypt -r "$recipient" -o good.age plain
"$vigil" encrypt -a -r "$recipient" -o good.pem plain || { echo "setup failed"; exit 1; }
size=$(stat -c %s good.age)

expect_failure "wrong key" "no identity matched" "$vigil" decrypt -i other.txt -o out good.age
head -c $((size - 1000)) good.age > truncated.age
expect_failure "truncated" "damaged or altered data" "$vigil" decrypt -i key.txt -o out truncated.age
cp good.age header_flip.age; flip header_flip.age 40
cmp -s good.age header_flip.age && { echo "FAIL the header flip changed nothing"; failed=$((failed + 1)); }
expect_failure "flipped header byte" "" "$vigil" decrypt -i key.txt -o out header_flip.age
cp good.age payload_flip.age; flip payload_flip.age 150000
cmp -s good.age payload_flip.age && { echo "FAIL the payload flip changed nothing"; failed=$((failed + 1)); }
expect_failure "flipped payload byte" "damaged or altered data" "$vigil" decrypt -i key.txt -o out payload_flip.age
sed '3s/^./!/' good.pem > bad.pem
expect_failure "bad armor" "armored input is malformed" "$vigil" decrypt -i key.txt -o out bad.pem
: > empty.age
expect_failure "empty input" "empty input" "$vigil" decrypt -i key.txt -o out empty.age
{ printf 'age-encryption.org/v1\n-> '; head -c 10000 /dev/zero | tr '\0' 'a'; printf '\n'; } > longline.age
expect_failure "oversized header line" "not a valid age file" "$vigil" decrypt -i key.txt -o out longline.age
printf 'age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 23\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n' > wf.age
VIGIL_PASSPHRASE=x expect_failure "scrypt work factor over limit" "exceeds the limit" "$vigil" decrypt -o out wf.age
expect_failure "not an age file" "not a valid age file" "$vigil" decrypt -i key.txt -o out plain
printf 'AGE-SECRET-KEY-1BOGUS\n' > bad_key.txt
expect_failure "bad identity file" "line 1 is not a valid identity" "$vigil" decrypt -i bad_key.txt -o out good.age
expect_failure "missing identity file" "cannot open" "$vigil" decrypt -i nope.txt -o out good.age
expect_failure "bad recipient" "invalid recipient" "$vigil" encrypt -r age1bogus -o out plain
expect_failure "no recipient" "no recipients" "$vigil" encrypt -o out plain
expect_failure "passphrase mixed with recipient" "cannot be combined" env VIGIL_PASSPHRASE=x "$vigil" encrypt -p -r "$recipient" -o out plain
expect_failure "missing input" "cannot open" "$vigil" encrypt -r "$recipient" -o out missing.txt
# A good file still decrypts after all that.
"$vigil" decrypt -i key.txt -o out good.age && cmp -s out plain && passed=$((passed + 1)) || { echo "FAIL good file"; failed=$((failed + 1)); }
echo "cli errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
