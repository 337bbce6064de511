#!/bin/sh
# hackemu --test-os on the test students of tests/os_bench (each a class or two with one planted bug, written as
# students write): every failure as expected.txt states it (student class/program verdict; passes and the classes
# a student has not written left out), the Jack line named where it matters, the table's cells, exit status 7.
# usage: check.sh HACKEMU
set -u
hackemu=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(dirname "$hackemu")/../os-bench-check
rm -rf "$work" && mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
out=$work/out
fail() { echo "$1"; cat "$out"; exit 1; }
# test students made from the project's own Jack OS with one slip planted (the rest of the class as it is):
# whitepen: Output erases with Screen.setColor(false) and leaves the color white; leakyout: an Array per
# character never freed; shortline: readLine's line holds 50 characters; doubleline: readLine prints a newline
# after readChar has echoed the newline key; signtoggle: intValue takes every minus sign as a sign ("5-3" is -53)
os=$here/../../os/jack
derived=$work/derived
mkdir -p "$derived/whitepen" "$derived/leakyout" "$derived/shortline" "$derived/doubleline" "$derived/signtoggle"
awk '/function void drawChar/ { inside = 1 }
     inside && /^        return;$/ { print "        do Screen.setColor(false);"; print "        do Screen.drawPixel(0, 255);"; inside = 0 }
     { print }' "$os/Output.jack" > "$derived/whitepen/Output.jack"
sed -e 's/var Array map;/var Array map, copy;/' -e 's/^\( *\)let map = charMaps\[c\];$/&\n\1let copy = Array.new(11);/' \
    "$os/Output.jack" > "$derived/leakyout/Output.jack"
sed 's/String.new(80)/String.new(50)/' "$os/Keyboard.jack" > "$derived/shortline/Keyboard.jack"
awk '/function String readLine/ { inside = 1 }
     inside && /^        return line;$/ { print "        do Output.println();"; inside = 0 }
     { print }' "$os/Keyboard.jack" > "$derived/doubleline/Keyboard.jack"
sed '/method int intValue/,/^    }/s/^\( *\)let i = length;$/\1if (chars[i] = 45) { let negative = ~negative; let i = i + 1; } else { let i = length; }/' \
    "$os/String.jack" > "$derived/signtoggle/String.jack"
for d in whitepen leakyout shortline doubleline signtoggle; do
    cmp -s "$derived/$d/"*.jack "$os/$(basename "$derived/$d/"*.jack)" && fail "$d: the slip was not planted"
done
"$hackemu" --test-os --no-reference --format=csv -j 2 "$here"/*/ "$derived"/*/ > "$out"
status=$?
[ "$status" -eq 7 ] || fail "expected exit status 7, got $status"
tail -n +2 "$out" | awk -F'","' '{ n = split($1, p, "/"); f = p[n] == "" ? p[n-1] : p[n]; sub(/^"/, "", f);
    if ($3 != "pass" && $3 != "no such class") print f " " $2 " " $3 }' > "$work/got"
diff -u "$here/expected.txt" "$work/got" || fail "verdicts differ from expected.txt"
# the student's line: where the recursion ran away, where Sys.error came from, the write past the block
grep -q '/divloop/","Math/DivideByZero","stack overflow","[^"]*","Math.divpos (Math.jack:50)"' "$out" ||
    fail "divloop: the runaway recursion is not placed at Math.divpos (Math.jack:50)"
# a recursion in a helper of the student's own, deeper than a call stack's frames: placed at the class's call into it
mkdir -p "$work/deep" || exit 1
sed 's/^        var int sum, i;$/&\n        do MathDeep.down(0);/' "$os/Math.jack" > "$work/deep/Math.jack"
printf 'class MathDeep {\n    function void down(int n) {\n        do MathDeep.down(n + 1);\n        return;\n    }\n}\n' \
    > "$work/deep/MathDeep.jack"
"$hackemu" --test-os --no-reference --format=csv --program Math/Multiply "$work/deep" > "$work/deep.csv"
grep -q '/deep","Math/Multiply","stack overflow","[^"]*","Math.multiply (Math.jack:28)"' "$work/deep.csv" ||
    { cat "$work/deep.csv"; fail "deep: the runaway recursion in a helper is not placed at Math.multiply's call (Math.jack:28)"; }
grep -q '/nocheck/","Array/NewZero","wrong Sys.error","Sys.error(5)[^"]*(Sys.error(2) was due)","Array.new (Array.jack:4)"' "$out" ||
    fail "nocheck: not the wrong Sys.error at Array.new (Array.jack:4)"
grep -q '/nosign/","String/AppendPastMax","use of memory outside live blocks","[^"]*past the end of the block[^"]*","String.appendChar (String.jack:36)"' "$out" ||
    fail "nosign: the write past the block is not placed at String.appendChar (String.jack:36)"
grep -q '/sqrtwrap/","Math/Sqrt","wrong value","sqrt(16384) is 255, hackemu.s OS gives 128"' "$out" ||
    fail "sqrtwrap: not the wrong sqrt named by its value line"
grep -q '/nowait/","Sys/Wait","wrong result","Sys.wait(10) took [0-9]* cycles: it hardly waits' "$out" ||
    fail "nowait: Sys.wait's cycles not judged"
# a halt that loops calling Sys.wait halts all the same; Keyboard.init before Memory.init is harmless
for p in Sys/Halt Sys/Error Sys/Init; do
    grep -q "/busyhalt/\",\"$p\",\"pass\"" "$out" || fail "busyhalt: $p does not pass"
done
grep -q '/sloppysys/","Sys/Init","wrong result","Sys.init returned after Main.main: it must halt' "$out" ||
    fail "sloppysys: the Sys.init that returns is not named"
# heap run out by a leak in Output: the student's line that allocates, not the Sys.error it ended in
grep -q '/leakyout/","Output/ManyPrints","machine error","Memory.alloc(11): no free block[^"]*","Output.drawChar (Output.jack:[0-9]*)"' "$out" ||
    fail "leakyout: the leak is not placed in Output.drawChar"
# a Sys.init that forgets an init: named, at Sys.init
grep -q '/noinit/","Sys/Init","wrong result","Sys.init did not call Output.init before Main.main","Sys.init (Sys.jack:5)"' "$out" ||
    fail "noinit: the forgotten Output.init is not named"
# one class that does not compile fails only itself, said once; a helper class of the student's own is brought in
"$hackemu" --test-os -j 2 --no-reference "$here/helper" > "$work/helper"
grep -Eq '^helper +4/6 +BUILD( +missing){6} ' "$work/helper" || { cat "$work/helper"; fail "helper: not Math 4/6 and String BUILD"; }
grep -q "helper String: build error (its 11 programs): .*helper/String.jack:8: expected ';', found 'let'" "$work/helper" ||
    fail "helper: the build error is not said once, at String.jack:8"
grep -q "helper: note (not counted): with the student's MathUtil too (their Math calls MathUtil.twice)" "$work/helper" ||
    fail "helper: MathUtil brought in without a note"
# a class handed in as VM code: a comment that names a call is not one (no class of theirs brought in for it)
mkdir -p "$work/vmcomment" && cp "$os/Math.jack" "$here/helper/MathUtil.jack" "$work/vmcomment/" || exit 1
"$(dirname "$hackemu")/jackc" "$work/vmcomment/Math.jack" > /dev/null && rm "$work/vmcomment/Math.jack" || exit 1
{ echo "// call MathUtil.twice 1 (an older version)"; cat "$work/vmcomment/Math.vm"; } > "$work/vmcomment.vm" &&
    mv "$work/vmcomment.vm" "$work/vmcomment/Math.vm" || exit 1
"$hackemu" --test-os --no-reference --program Math/Multiply "$work/vmcomment" > "$work/vmcomment.out"
grep -Eq '^vmcomment +ok +1/1' "$work/vmcomment.out" || { cat "$work/vmcomment.out"; fail "vmcomment: Math.vm does not pass"; }
! grep -q "MathUtil" "$work/vmcomment.out" || { cat "$work/vmcomment.out"; fail "vmcomment: a call in a comment brought in MathUtil"; }
# a wrong pixel: the student's write that left it so, or the call that draws it on hackemu's OS with its source
grep -q '/colorless/","Screen/Color","wrong pixels","[^"]*is black where it should be white[^"]*: drawn by Screen.drawPixel (Screen.jack:43), called from Main.main (Main.jack:[0-9]*)[^"]*","Screen.drawPixel (Screen.jack:43)"' "$out" ||
    fail "colorless: the pixel left black is not blamed on its drawPixel line"
grep -q '/rightward/","Screen/Diagonals","wrong pixels","[^"]*is white where it should be black[^"]*: never drawn; hackemu.s OS draws it in Main.main (Main.jack:7): do Screen.drawLine(200, 50, 160, 10);","Main.main (Main.jack:7)"' "$out" ||
    fail "rightward: the pixel never drawn is not blamed on the test's call"
grep -q '/colorless/","Screen/Circle","pass"' "$out" || fail "colorless: a book-style circle (one pixel aside) is not forgiven"
# the table: a class's cell, a class not written, the reference rows passing everything
"$hackemu" --test-os -j 2 "$here/rightward" "$here/nosign" > "$out"
grep -Eq '^rightward +missing +missing +missing +missing +6/10 ' "$out" || fail "the table lacks rightward's Screen cell"
grep -Eq '^hackemu native( +ok){8} ' "$out" || fail "hackemu's native OS does not pass every battery"
grep -Eq '^hackemu OS in Jack( +ok){8} ' "$out" || fail "hackemu's Jack OS does not pass every battery"
grep -q "^.*rightward: no Math, String, Array, Output, Keyboard, Memory, Sys (.jack or .vm): not graded" "$out" ||
    fail "the classes not written are not named"
# a folder of folders: where the classes are, a folder further down
mkdir -p "$work/outer/deep/p12" && cp "$os/Math.jack" "$work/outer/deep/p12/" || exit 1
"$hackemu" --test-os -j 2 "$work/outer" > "$out"
grep -qxF "$work/outer: (there is one in $work/outer/deep/p12: grade that folder)" "$out" ||
    fail "a folder of folders: the folder that has the classes is not named"
# a rubric names a class ('Math 18': 3 points for each of its 6 counted programs), a program with its class (an
# optional one: counted then), a skipped class
printf 'Math 18\nskip Memory\nArray/NewZero 3\n' > "$work/rubric"
"$hackemu" --test-os -j 2 --rubric "$work/rubric" "$here/divloop" "$here/nocheck" > "$out"
grep -Eq '^divloop +5/6( +missing){5} +skipped +missing +5/45 +15/59$' "$out" || fail "--rubric: divloop's score is not 15/59"
grep -Eq '^nocheck +missing +missing +2/3( +missing){3} +skipped +missing +2/45 +2/59$' "$out" ||
    fail "--rubric: nocheck's score is not 2/59"
# Gradescope's results.json for one student: a test per program named with its class
"$hackemu" --test-os --format=gradescope "$here/divloop" > "$out"
grep -q '"name": "Math/DivideMin", "score": 0, "max_score": 1, "status": "failed"' "$out" ||
    fail "--format=gradescope: no failed Math/DivideMin test"
grep -q '"name": "Math/DivideByZero", "score": 0, "max_score": 0, "status": "failed"' "$out" ||
    fail "--format=gradescope: the optional Math/DivideByZero is not worth 0"
echo "os bench: every verdict as expected"
