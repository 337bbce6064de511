#!/bin/sh
# The memory bench on the test allocators: every verdict as expected.txt states it (folder program verdict,
# one per line, passes included, hackemu's own reference Memories last), exit status 7 (some planted bugs),
# and 0 for the correct allocators alone; then where failures are placed (the student's line that did the
# damage), the policies the SeedPolicy column names, students named apart, the figures, course-style tests and
# the HTML report; then the teacher's view: the hints where their patterns are (and nowhere else), the class
# summary against counts made here from expected.txt, a rubric's scores and errors, Gradescope's and JUnit's
# formats, the progress line.
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
# The hints (the CSV's last column): the planted bugs whose pattern is recognised, each failure of them, and
# nothing anywhere else
head -n 1 "$out" | grep -q ',group,points,max_points,score,max_score,hint$' || fail "the CSV header lacks the grading's columns"
hints() { grep -c "$1" "$out"; }
[ "$(hints '^"[^"]*/offsets/",.*,"alloc returned 1, far below the heap (2048..16383): an offset')" = 10 ] ||
    fail "offsets: not 10 hints of an offset"
[ "$(hints '^"[^"]*/precedence/",.*,"Memory.jack:32: `seg\[0\] > size + 3` is read as `(seg\[0\] > size) + 3`')" = 2 ] ||
    fail "precedence: not 2 hints of its line 32"
[ "$(hints '^"[^"]*/clobber/",.*,"the allocator wrote into word 0 of a block it had handed out')" = 10 ] ||
    fail "clobber: not 10 hints of a header in the block"
[ "$(hints '^"[^"]*/offbyone/",.*,"the block ends at 16384, one word past')" = 10 ] || fail "offbyone: not 10 hints"
[ "$(tail -n +2 "$out" | grep -vc ',""$')" = 32 ] || fail "hints where no pattern is"
"$hackemu" --test-memory "$here/firstfit" "$here/bestfit" "$here/implicit" > "$out"
status=$?
[ "$status" -eq 0 ] || fail "the correct allocators: expected exit status 0, got $status"
grep -q "^firstfit .*7/7" "$out" || fail "the table lacks firstfit 7/7"
grep -q "^hackemu native .* native  *native " "$out" || fail "the native row shows no 'native' figures"
grep -q "^student .*  passed  score  Mcycles" "$out" || fail "the table has no score column"
grep -q "^firstfit  *\(ok  *\|first fit  *\)*7/7  *7/7 " "$out" || fail "the table lacks firstfit's score 7/7"
grep -q "^class summary: 3 students, 10 programs$" "$out" || fail "no class summary after the table"
grep -q "^no failures of counted programs$" "$out" || fail "the summary of three correct allocators"
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
column=$(head -n 1 "$out" | tr , '\n' | grep -n '^largest_request$' | cut -d: -f1)
got=$(tail -n 1 "$out" | cut -d, -f"$column")
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
"$hackemu" --test-memory -j 2 --report "$work/report.html" "$here/firstfit" "$here/loopfull" "$here/precedence" \
    > "$out" 2> "$out.err"
[ $? -eq 7 ] || fail "--report: expected exit status 7"
# (no terminal: no progress line)
[ ! -s "$out.err" ] || { cat "$out.err"; fail "stderr is not a terminal, yet something was written there"; }
grep -q 'src="data:image/png;base64,iVBORw0KGgo' "$work/report.html" || fail "the report has no heap timeline image"
# loopfull's endless loop is its lines 29..50: the line named is where most samples fell
grep -Eq 'it spins in Memory.alloc \(Memory.jack:(29|[34][0-9]|50)\)' "$work/report.html" ||
    fail "the report lacks loopfull's Jack line"
grep -q '<h2 id="row1">loopfull</h2>' "$work/report.html" || fail "the report lacks a section per student"
grep -Eq '\(Memory.jack:(29|[34][0-9]|50)\)</code>: <code class="src">[^<]+</code>' "$work/report.html" ||
    fail "the report lacks the student's source line"
if grep -q 'src="http\|href="http' "$work/report.html"; then echo "the report is not self-contained"; exit 1; fi
grep -q '^<section id="summary">' "$work/report.html" || fail "the report has no class summary"
grep -q '<li><b>no progress</b> (1 student): <a href="#row1">loopfull</a></li>' "$work/report.html" ||
    fail "the report's summary lacks loopfull's failure"
grep -q '<th>passed</th><th>score</th>' "$work/report.html" || fail "the report has no score column"
grep -q '<div class="hint">hint: Memory.jack:32: `seg\[0\] &gt; size + 3` is read as' "$work/report.html" ||
    fail "the report lacks precedence's hint"

# The class summary (--summary alone): per program the students who pass, counted here from expected.txt
"$hackemu" --test-memory -j 2 --no-reference --summary "$here"/*/ > "$out"
[ $? -eq 7 ] || fail "--summary: expected exit status 7"
students=$(ls -d "$here"/*/ | wc -l)
grep -q "^class summary: $students students, 10 programs$" "$out" || fail "--summary: not $students students"
grep -q "^student " "$out" && fail "--summary printed the table too"
grep -v '^hackemu ' "$here/expected.txt" | awk '$NF == "pass" { n[$2]++ } { all[$2] = 1 } END { for (p in all) print p, n[p] + 0 }' |
while read -r program passed; do
    grep -Eq "^  Memory\.$program +$passed/$students +pass" "$out" || { echo "--summary: $program is not $passed/$students"; exit 1; }
done || fail "--summary: pass counts differ from expected.txt"
grep -Eq "^  OUTSIDE +block outside the heap +4: offbyone, offsets, pastend, precedence$" "$out" ||
    fail "--summary: the students with blocks outside the heap"
"$hackemu" --test-memory --no-reference --summary --format=csv --program Blocks "$here/offsets" "$here/firstfit" > "$out"
grep -q '^"program","Blocks","Memory",1,2,""$' "$out" || fail "--summary --format=csv: Blocks 1/2"
grep -q '^"failure","block outside the heap","",1,2,"offsets"$' "$out" || fail "--summary --format=csv: the failure"

# A rubric: Blocks its own 4 of the group's 10, Merge the other 6, Stress skipped, SeedPolicy optional (not
# counted); Reuse exists but is not run this time (no error)
printf '# a rubric\nMemory 10   # the whole class\nBlocks 4\nskip Stress\nReuse 3\ndefault 2\n' > "$work/rubric"
"$hackemu" --test-memory -j 2 --no-reference --rubric "$work/rubric" --program Blocks --program Merge \
    --program Stress --program SeedPolicy "$here/bump" "$here/firstfit" > "$out"
[ $? -eq 7 ] || fail "--rubric: expected exit status 7 (bump fails Merge)"
grep -q "^bump  *ok  *NOMERGE  *no reuse  *NOROOM\*  *1/2  *4/10 " "$out" || fail "--rubric: bump's score is not 4/10"
grep -q "^firstfit .* 2/2  *10/10 " "$out" || fail "--rubric: firstfit's score is not 10/10"
grep -q "^  Memory.Merge .*(6 points)$" "$out" || fail "--rubric: Merge is not worth 6"
grep -q "^  Memory.Stress .*(skipped)$" "$out" || fail "--rubric: Stress not skipped"
printf 'skip Merge\n' > "$work/rubric"
"$hackemu" --test-memory --no-reference --rubric "$work/rubric" --program Merge --program Blocks "$here/bump" > "$out"
[ $? -eq 0 ] || fail "--rubric: a skipped failure still fails"
# its errors: FILE:LINE:COLUMN, exit status 1, nothing run
printf 'Blocks 2\nBlokcs 3\n' > "$work/rubric"
"$hackemu" --test-memory --rubric "$work/rubric" "$here/bump" > "$out" 2>&1
[ $? -eq 1 ] || fail "--rubric with a misspelt name: expected exit status 1"
grep -q "^$work/rubric:2:1: error: no test program or group is named 'Blokcs' (did you mean 'Blocks'?)$" "$out" ||
    fail "--rubric: no FILE:LINE:COLUMN message for a misspelt name"
printf 'Blocks x2\n' > "$work/rubric"
"$hackemu" --test-memory --rubric "$work/rubric" "$here/bump" > "$out" 2>&1
[ $? -eq 1 ] || fail "--rubric with a bad number: expected exit status 1"
grep -q "^$work/rubric:1:8: error: 'x2' is not a number of points" "$out" || fail "--rubric: no message for a bad number"
"$hackemu" --test-memory --rubric "$work/none" "$here/bump" > "$out" 2>&1
[ $? -eq 1 ] || fail "--rubric with no file: expected exit status 1"
"$hackemu" --test-memory "$here/bump" --rubric > "$out" 2>&1
[ $? -eq 64 ] || fail "--rubric without its file: expected exit status 64"

# Gradescope: one student, results.json on stdout (no reference rows run); several, one file each in --out-dir
"$hackemu" --test-memory --format=gradescope --program Blocks --program FullHeap "$here/zerofull" > "$out"
[ $? -eq 7 ] || fail "gradescope: expected exit status 7"
grep -q '^{"score": 1, "output": "1 of 2 test programs pass: 1 of 2 points.",$' "$out" || fail "gradescope: the score"
grep -q '{"name": "Memory.FullHeap", "score": 0, "max_score": 1, "status": "failed", "output": "0 or garbage on a full heap: ' "$out" ||
    fail "gradescope: the failed test"
if command -v python3 > /dev/null; then
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["score"] == sum(t["score"] for t in r["tests"])' "$out" ||
        fail "gradescope: not JSON, or the score is not the tests' sum"
fi
"$hackemu" --test-memory --format=gradescope --out-dir "$work/gs" --program Blocks "$here/zerofull" "$here/offsets" > "$out"
[ $? -eq 7 ] || fail "gradescope --out-dir: expected exit status 7"
[ ! -s "$out" ] || fail "gradescope --out-dir: something on stdout"
grep -q '"score": 1,' "$work/gs/zerofull/results.json" && grep -q '"score": 0,' "$work/gs/offsets/results.json" ||
    fail "gradescope --out-dir: no results.json per student"
mkdir -p "$work/again/offsets" && cp "$here/offsets/Memory.jack" "$work/again/offsets/"
"$hackemu" --test-memory --format=gradescope --out-dir "$work/gs" "$here/offsets" "$work/again/offsets" > "$out" 2>&1
[ $? -eq 64 ] || fail "gradescope --out-dir: two students of one name, expected exit status 64"
"$hackemu" --test-memory --out-dir "$work/gs" "$here/offsets" > "$out" 2>&1
[ $? -eq 64 ] || fail "--out-dir without --format=gradescope: expected exit status 64"

# JUnit: a testsuite per student, a testcase per program; failures of counted programs, optional ones skipped
"$hackemu" --test-memory --format=junit --program Blocks --program SeedPolicy "$here/bump" "$here/offsets" > "$out"
[ $? -eq 7 ] || fail "junit: expected exit status 7"
[ "$(grep -c '<testcase ' "$out")" = 4 ] || fail "junit: not 4 testcases"
[ "$(grep -c '<failure message="block outside the heap" type="OUTSIDE">' "$out")" = 1 ] || fail "junit: not 1 failure"
[ "$(grep -c '<skipped message="optional (not counted): ' "$out")" = 2 ] || fail "junit: not 2 skipped"
grep -q '<testsuites name="hackemu grading" tests="4" failures="1" errors="0" skipped="2">' "$out" || fail "junit: the counts"
if command -v xmllint > /dev/null; then xmllint --noout "$out" || fail "junit: not well-formed XML"; fi
"$hackemu" --test-memory --format=junit --summary "$here/bump" > "$out" 2>&1
[ $? -eq 64 ] || fail "--summary with junit: expected exit status 64"

# The progress line, on a terminal (a pseudo-terminal of script(1), where there is one): shown, then cleared
if command -v script > /dev/null && script -qec true /dev/null > /dev/null 2>&1; then
    script -qec "'$hackemu' --test-memory -j 1 --no-reference --program Blocks --program Merge '$here/firstfit' > /dev/null" \
        "$work/typescript" > /dev/null 2>&1
    grep -q 'graded [0-2]/2 runs' "$work/typescript" || fail "no progress line on a terminal"
    # (after the last count, spaces over it)
    tr '\r' '\n' < "$work/typescript" | grep -A1 'graded [0-2]/2 runs' | tail -n 1 | grep -q '^  *$' ||
        fail "the progress line is not cleared"
fi
echo "memory bench: every verdict as expected"
