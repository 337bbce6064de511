#!/bin/sh
# The memory bench on the test allocators: every verdict as expected.txt states it (folder program verdict,
# one per line, passes included, hackemu's own reference Memories last), exit status 7 (some planted bugs),
# and 0 for the correct allocators alone; then where failures are placed (the student's line that did the
# damage), the policies the SeedPolicy column names, students named apart, the figures, course-style tests and
# the HTML report.
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

# Each failure at the line that did the damage, in the student's own code (CSV: folder,program,verdict,detail,place)
at() { # FOLDER PROGRAM VERDICT PLACE [DETAIL]: the record of FOLDER's PROGRAM has them
    grep "/$1\",\"$2\",\"$3\"," "$out" | grep -F "\"$4\"," | grep -qF "${5:-}" ||
        fail "$1 $2: expected $3 at $4${5:+ ($5)}"
}
"$hackemu" --test-memory --no-reference --format=csv --program Blocks --program Stress "$here/pokeheader" \
    "$here/arrayheader" "$here/nullprev" "$here/nullunlink" "$here/offbyone" "$here/nullroom" "$here/initarray" > "$out"
# the allocator's own Memory.poke into a live block: at its call in alloc, as its array twin at its line
at pokeheader Blocks "the allocator wrote into a live block" "Memory.alloc (Memory.jack:44)"
at arrayheader Blocks "the allocator wrote into a live block" "Memory.alloc (Memory.jack:43)"
# a write through a null pointer into RAM[1] (LCL): the write, not the return or wherever the frame breaks
at nullprev Blocks "use of memory outside live blocks" "Memory.deAlloc (Memory.jack:61)" "RAM[1] (LCL, the frame pointer)"
at nullunlink Stress "use of memory outside live blocks" "Memory.alloc (Memory.jack:40)" "RAM[1] (LCL"
# what alloc returned: at alloc's return, not at the OS's Array.new that called it
at offbyone Blocks "block outside the heap" "Memory.alloc (Memory.jack:36)"
at nullroom Blocks "returned 0/-1 with room left" "Memory.alloc (Memory.jack:44)" "returned -1, not a block"
# an alloc in Memory.init before the heap was set up: a note (CSV's note column), the verdicts bump's
at initarray Blocks "pass" "" "before the heap was set up: Memory.alloc(1) returned 0, not a block"
grep '/initarray","Blocks","pass",' "$out" | grep -qF ' at Memory.init (Memory.jack:10)",' || fail "initarray: the note's place"

# The policy an optional (policy) program finds: in the table's cell instead of WRONG*, in CSV and JSON; not counted
"$hackemu" --test-memory --no-reference --format=csv --program SeedPolicy "$here/firstfit" "$here/bestfit" \
    "$here/nextfit" "$here/nomerge" "$here/bump" "$here/implicit" > "$out"
for fp in "firstfit:first fit" "bestfit:best fit" "nextfit:next fit" "nomerge:seed LIFO" "bump:no reuse" \
    "implicit:first fit"; do
    grep "/${fp%%:*}\",\"SeedPolicy\"," "$out" | grep -qF ",yes,no,\"${fp#*:}\"," || fail "SeedPolicy: ${fp%%:*} not ${fp#*:}"
done
"$hackemu" --test-memory --no-reference --program SeedPolicy "$here/implicit" > "$out"
[ $? -eq 0 ] || fail "SeedPolicy: another policy counted as a failure"
grep -q "^implicit  *first fit  *0/0" "$out" || fail "SeedPolicy: the table's cell does not name the policy"
"$hackemu" --test-memory --no-reference --format=json --program SeedPolicy "$here/bestfit" > "$out"
grep -q '"policy": "best fit"' "$out" || fail "json: no policy"

# Two students whose folders end alike: named by the shortest ends of their paths that differ
mkdir -p "$work/a/alice/Memory" "$work/b/alice/Memory"
cp "$here/firstfit/Memory.jack" "$work/a/alice/Memory/" && cp "$here/bump/Memory.jack" "$work/b/alice/Memory/"
"$hackemu" --test-memory --no-reference --program Blocks "$work/a/alice/Memory/" "$work/b/alice/Memory" \
    "$here/firstfit" > "$out"
grep -q "^a/alice/Memory  *ok" "$out" && grep -q "^b/alice/Memory  *ok" "$out" && grep -q "^firstfit  *ok" "$out" ||
    fail "two folders that end alike: rows not named apart"

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
