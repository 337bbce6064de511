#!/bin/sh
# The memory bench on the test allocators: every verdict as expected.txt states it (folder program verdict,
# one per line, passes included, hackemu's own reference Memories last), exit status 7 (some planted bugs),
# and 0 for the correct allocators alone; then the figures, course-style tests and the HTML report.
# usage: check.sh HACKEMU
set -u
hackemu=$1
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures/bench_programs
bump=$here/../integration/jack/StudentHeap # a bump allocator with a 1-word header
out=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$out" "$out.got" "$work"' EXIT
fail() { echo "$1"; cat "$out"; exit 1; }
"$hackemu" --test-memory -j 2 --format=csv "$here"/*/ > "$out"
status=$?
if [ "$status" -ne 7 ]; then echo "expected exit status 7, got $status"; exit 1; fi
# "…/tests/memory_bench/firstfit/","Blocks","pass",… -> firstfit Blocks pass
tail -n +2 "$out" | awk -F'","' '{ n = split($1, p, "/"); f = p[n] == "" ? p[n-1] : p[n]; sub(/^"/, "", f); print f " " $2 " " $3 }' > "$out.got"
if ! diff -u "$here/expected.txt" "$out.got"; then echo "verdicts differ from expected.txt"; exit 1; fi
"$hackemu" --test-memory "$here/firstfit" "$here/bestfit" "$here/implicit" > "$out"
status=$?
[ "$status" -eq 0 ] || fail "the correct allocators: expected exit status 0, got $status"
grep -q "^firstfit .*9/9" "$out" || fail "the table lacks firstfit 9/9"
grep -q "^hackemu native .* native  *native " "$out" || fail "the native row shows no 'native' figures"
"$hackemu" --test-memory --format=json --program SizeZero "$here/zerofull" > "$out"
grep -q '"verdict": "pass"' "$out" || fail "json: no pass record"

# Fragmentation: the largest request at Main.probe. With the bump allocator, a block of n words at `next`
# fits while next + 1 + n <= 16384, and the program prints the address of its last 1-word block (next - 1).
mkdir "$work/probe" && cp "$fixtures/Probe/Main.jack" "$bump/Memory.jack" "$work/probe/"
last=$("$hackemu" --headless "$work/probe" 2>/dev/null | head -1)
expected=$((16384 - (last + 1) - 1))
"$hackemu" --test-memory --no-reference --format=csv --programs "$fixtures" --program Probe "$bump" > "$out"
got=$(tail -n 1 "$out" | awk -F, '{ print $NF }')
[ "$got" = "$expected" ] || fail "Probe: largest request $got, expected $expected (last block at $last)"

# A course-style test (Main.jack, X.tst, X.cmp): the RAM words its .cmp names, '*' and cut names included
"$hackemu" --test-memory --no-reference --format=csv --programs "$fixtures" --program RamCheck \
    --program RamCheckWrong "$here/firstfit" > "$out"
grep -q '"RamCheck","pass"' "$out" || fail "RamCheck does not pass"
grep -q '"RamCheckWrong","wrong result","FAIL RAM\[8001\] is 5, RamCheckWrong.cmp expects 999"' "$out" ||
    fail "RamCheckWrong: not the wrong result expected"
# --add-program: one more test folder, beside the project's
"$hackemu" --test-memory --no-reference --program Blocks --add-program "$fixtures/RamCheck" "$here/firstfit" > "$out"
grep -q "^firstfit  *ok  *ok  *2/2" "$out" || fail "--add-program: no second column"

# The HTML report: one self-contained file, failures with their Jack lines, the heap over time
"$hackemu" --test-memory -j 2 --report "$work/report.html" "$here/firstfit" "$here/loopfull" > "$out"
[ $? -eq 7 ] || fail "--report: expected exit status 7"
grep -q 'src="data:image/png;base64,iVBORw0KGgo' "$work/report.html" || fail "the report has no heap timeline image"
# loopfull's endless loop is its lines 29..50: the line named is where most samples fell
grep -Eq 'it spins in Memory.alloc \(Memory.jack:(29|[34][0-9]|50)\)' "$work/report.html" ||
    fail "the report lacks loopfull's Jack line"
grep -q '<h2 id="row1">loopfull</h2>' "$work/report.html" || fail "the report lacks a section per student"
grep -Eq '\(Memory.jack:(29|[34][0-9]|50)\)</code>: <code class="src">[^<]+</code>' "$work/report.html" ||
    fail "the report lacks the student's source line"
if grep -q 'src="http\|href="http' "$work/report.html"; then echo "the report is not self-contained"; exit 1; fi
echo "memory bench: every verdict as expected"
