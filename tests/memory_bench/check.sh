#!/bin/sh
# The memory bench on the test allocators: every verdict as expected.txt states it (folder program verdict,
# one per line, passes included), exit status 7 (some planted bugs), and 0 for the correct allocators alone.
# usage: check.sh HACKEMU
set -u
hackemu=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out" "$out.got"' EXIT
"$hackemu" --test-memory -j 2 --format=csv "$here"/*/ > "$out"
status=$?
if [ "$status" -ne 7 ]; then echo "expected exit status 7, got $status"; exit 1; fi
# "…/tests/memory_bench/firstfit/","Blocks","pass",… -> firstfit Blocks pass
tail -n +2 "$out" | awk -F'","' '{ n = split($1, p, "/"); f = p[n] == "" ? p[n-1] : p[n]; print f " " $2 " " $3 }' > "$out.got"
if ! diff -u "$here/expected.txt" "$out.got"; then echo "verdicts differ from expected.txt"; exit 1; fi
"$hackemu" --test-memory "$here/firstfit" "$here/bestfit" "$here/implicit" > "$out"
status=$?
if [ "$status" -ne 0 ]; then echo "the correct allocators: expected exit status 0, got $status"; cat "$out"; exit 1; fi
grep -q "^firstfit .*9/9" "$out" || { echo "the table lacks firstfit 9/9"; cat "$out"; exit 1; }
"$hackemu" --test-memory --format=json --program SizeZero "$here/zerofull" > "$out"
grep -q '"verdict": "pass"' "$out" || { echo "json: no pass record"; cat "$out"; exit 1; }
echo "memory bench: every verdict as expected"
