#!/bin/sh
# Window tests under a virtual X server. usage: window_test.sh HACKEMU SAMPLES_DIR PROGRAMS_DIR WORK_DIR
# 1. The window's pixels at a cycle equal the headless screenshot at that cycle (Snake and Drawing).
# 2. The heap map shown in the window equals the headless --heap-map picture at that cycle.
# 3. Keys sent to the window with xdotool reach the program (KeyboardEcho prints what was typed), letters as
#    capitals with or without Shift, as the course's CPU emulator gives them.
# 4. The heap check reports in the window as headless.
# 5. Ctrl+R restarts a program as a fresh start would: its statics and heap from zero (Restart counts runs).
# 6. The debug view (--debug-view, its text on stdout with --print-view): stopped at a breakpoint, the source
#    pane marks the line and the breakpoint, the call stack names the function; n steps to the next line,
#    b sets a breakpoint there; Ctrl+S writes a new hackemu-N.png each time, in every session.
# 7. The view is made again when c runs to the next stop; a function's breakpoint stops where --debug stops.
# 8. An error that stops the program is said in the window (what it means, the Jack line); Ctrl+D and Ctrl+P
#    then show the debug view where it stopped, in the program's own frame.
# 9. A pause lands in the program's own frame (not Sys.wait), and a function's frame shows no `this`.
# 10. A command typed in the view goes to the debugger (print, delete, watch), and a watchpoint stops the run.
# Exit 77 (skipped) without xvfb-run or xdotool.
hackemu=$1 samples=$2 programs=$3 work=$4
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
    echo "xvfb-run or xdotool not found: window tests skipped (apt-get install xvfb xdotool)"
    exit 77
fi
mkdir -p "$work"
status=0
for case in "Snake 340000" "Drawing 200000"; do # (Snake waits for a key from cycle 345,052 on)
    set -- $case
    rm -f "$work/window-$1.png" "$work/headless-$1.png"
    timeout 30 xvfb-run -a -s "-screen 0 1280x800x24" "$hackemu" "$samples/$1" --cycles "$2" --screenshot "$work/window-$1.png" \
        --no-output -q
    "$hackemu" --headless "$samples/$1" --cycles "$2" --screenshot "$work/headless-$1.png" --scale 2 --no-output -q
    if cmp -s "$work/window-$1.png" "$work/headless-$1.png"; then
        echo "ok: the window shows $1 as headless does at cycle $2"
    else
        echo "FAIL: the window's pixels of $1 differ from the headless screenshot at cycle $2"
        status=1
    fi
done
# A program an error stopped: the window says so over its screen, but its screenshot is the screen alone (ERR3)
rm -f "$work/window-error.png" "$work/headless-error.png"
timeout 30 xvfb-run -a -s "-screen 0 1280x800x24" "$hackemu" "$programs/ErrorCodes" --set 8000=3 --cycles 5000000 \
    --screenshot "$work/window-error.png" --no-output -q 2>/dev/null
"$hackemu" --headless "$programs/ErrorCodes" --set 8000=3 --cycles 5000000 --screenshot "$work/headless-error.png" \
    --scale 2 --no-output -q 2>/dev/null
if [ -s "$work/window-error.png" ] && cmp -s "$work/window-error.png" "$work/headless-error.png"; then
    echo "ok: the screenshot of a program stopped by an error is its screen, without the message over it"
else
    echo "FAIL: the window's screenshot of ErrorCodes (Sys.error 3) differs from the headless one"
    status=1
fi
# The heap map in the window (shown from the start) is the headless --heap-map picture at the same cycle.
rm -f "$work/window-heapmap.png" "$work/headless-heapmap.png"
timeout 30 xvfb-run -a -s "-screen 0 1280x800x24" "$hackemu" "$samples/HeapFragments" --show-heap-map --cycles 500000 \
    --screenshot "$work/window-heapmap.png" --no-output -q
"$hackemu" --headless "$samples/HeapFragments" --cycles 500000 --heap-map "$work/headless-heapmap.png" --no-output -q \
    > /dev/null
if [ -s "$work/window-heapmap.png" ] && cmp -s "$work/window-heapmap.png" "$work/headless-heapmap.png"; then
    echo "ok: the window's heap map is the headless heap map at cycle 500000"
else
    echo "FAIL: the window's heap map differs from the headless one at cycle 500000"
    status=1
fi
# Typing into the window: the program echoes the line and doubles the number.
out="$work/window-keys.txt"
xvfb-run -a -s "-screen 0 1280x800x24" sh -c "
    timeout 30 '$hackemu' '$programs/KeyboardEcho' --quit-after 12 > '$out' 2>&1 &
    window=\$(xdotool search --sync --name 'KeyboardEcho' | head -n 1)
    xdotool windowactivate --sync \$window 2>/dev/null || xdotool windowfocus --sync \$window
    sleep 1
    xdotool type --delay 150 'Bob'
    xdotool key --delay 150 Return
    xdotool type --delay 150 '21'
    xdotool key --delay 150 Return
    wait"
if grep -q '^hello BOB$' "$out" && grep -q '^42$' "$out"; then
    echo "ok: keys typed into the window reached the program"
else
    echo "FAIL: the program did not get the typed keys:"
    cat "$out"
    status=1
fi
# The heap check in the window: the same report as headless, and exit status 6.
out="$work/window-check.txt"
# hackemu's own exit status goes through a file: xvfb-run's may be its own (it can fail to clean up its
# temporary folder on a loaded machine, and then says so and exits 5 whatever the program did)
rm -f "$work/window-check.code"
timeout 30 xvfb-run -a -s "-screen 0 1280x800x24" sh -c "'$hackemu' --check-heap '$samples/bugs/UseAfterFree' \
    --quit-after 3; echo \$? > '$work/window-check.code'" > "$out" 2>&1
code=$(cat "$work/window-check.code" 2>/dev/null)
if [ "$code" = 6 ] && grep -q '^heap check: use after free' "$out"; then
    echo "ok: the heap check reports in the window too"
else
    echo "FAIL: the heap check in the window (exit $code):"
    cat "$out"
    status=1
fi
# Restart: the program prints "run 1 1" (a static and a heap word it counts in), waits for a key; Ctrl+R.
out="$work/window-restart.txt"
xvfb-run -a -s "-screen 0 1280x800x24" sh -c "
    timeout 30 '$hackemu' '$programs/Restart' --quit-after 6 > '$out' 2>&1 &
    window=\$(xdotool search --sync --name 'Restart' | head -n 1)
    xdotool windowactivate --sync \$window 2>/dev/null || xdotool windowfocus --sync \$window
    sleep 1.5
    xdotool key ctrl+r
    sleep 1.5
    xdotool key ctrl+r
    wait"
if [ "$(grep -c '^run 1 1$' "$out")" = 3 ] && ! grep -q '^run [2-9]' "$out"; then
    echo "ok: Ctrl+R restarts the program as a fresh start (statics and heap cleared)"
else
    echo "FAIL: Ctrl+R did not restart the program afresh:"
    cat "$out"
    status=1
fi
# The debug view at a breakpoint in Snake, a step, a breakpoint set with b, screenshots.
out="$work/window-debug.txt"
rm -rf "$work/shots" && mkdir -p "$work/shots" && touch "$work/shots/hackemu-1.png"
xvfb-run -a -s "-screen 0 1280x800x24" sh -c "
    cd '$work/shots'
    timeout 30 '$hackemu' '$samples/Snake' --debug-view --break Game.jack:24 --print-view --quit-after 6 > '$out' 2>&1 &
    window=\$(xdotool search --sync --name 'Snake' | head -n 1)
    xdotool windowactivate --sync \$window 2>/dev/null || xdotool windowfocus --sync \$window
    sleep 1.5
    xdotool key ctrl+s
    sleep 0.3
    xdotool key n
    sleep 0.3
    xdotool key b
    sleep 0.3
    xdotool key ctrl+s
    wait"
check() {
    if grep -qF -- "$2" "$out"; then
        echo "ok: $1"
    else
        echo "FAIL: $1: no line '$2' in:"
        cat "$out"
        status=1
    fi
}
check "the view at the breakpoint marks its line" 'view source| >* 24          do grow(12, 12);'
check "the view shows the line before" 'view source|    23          do grow(11, 12);'
check "the call stack at the breakpoint, its frame chosen" 'view stack|> #0  Game.new (Game.jack:24)'
check "the caller in the call stack" 'view stack| #1  Main.main (Main.jack:10)'
check "the object's fields" 'view stack|   this = (Game) '
check "next goes to the next line" 'view source| >  25          let dx = 1;'
check "b sets a breakpoint on the cursor's line" 'Breakpoint 2 at ROM'
check "the breakpoint is marked after b" 'view source| >* 25          let dx = 1;'
# The view's pixels at the breakpoint, compared with the picture checked by eye (the window grown to 1280 x 800
# for it, text at twice the font's size; Game.jack:24 highlighted, the Hack screen, the registers wrapped between
# numbers, Game.new's frame with `this`, the messages, the command field, the keys): a change of layout, font,
# or of the code jackc makes (PC, addresses) changes it; look at the new picture (Ctrl+Shift+S under xvfb-run)
# before taking its hash here.
check "the view's pixels at the breakpoint are the picture checked by eye" 'view pixels| 1280x800 fa124d3868d12bf4'
if [ -s "$work/shots/hackemu-2.png" ] && [ -s "$work/shots/hackemu-3.png" ]; then
    echo "ok: Ctrl+S wrote hackemu-2.png and hackemu-3.png beside an older hackemu-1.png"
else
    echo "FAIL: Ctrl+S did not write new files:"
    ls -l "$work/shots"
    status=1
fi
# A session of the window under a virtual X server: session NAME WINDOW_TITLE "HACKEMU ARGS" "XDOTOOL STEPS";
# what hackemu prints goes to $work/window-NAME.txt (then $out, for check).
session() {
    out="$work/window-$1.txt"
    xvfb-run -a -s "-screen 0 1280x800x24" sh -c "
        timeout 30 '$hackemu' $3 --print-view --quit-after 5 > '$out' 2>&1 &
        window=\$(timeout 20 xdotool search --sync --name '$2' | head -n 1)
        xdotool windowactivate --sync \$window 2>/dev/null || xdotool windowfocus --sync \$window
        sleep 1.5
        $4
        wait"
}
reject() {
    if grep -qE -- "$2" "$out"; then
        echo "FAIL: $1: a line matches '$2' in:"
        cat "$out"
        status=1
    else
        echo "ok: $1"
    fi
}
recursion="$(dirname "$samples")/tests/debug/Recursion"
session continue Recursion "'$recursion' --debug-view --break Main.fact" "xdotool key c; sleep 0.5"
check "the view at the first stop" 'view stack|> #0  Main.fact (Main.jack:4) n=5'
check "c runs to the next stop, and the view is made again there" 'view stack|> #0  Main.fact (Main.jack:4) n=4'
session function_break BrokenAllocator "'$samples/bugs/BrokenAllocator' --debug-view --break Memory.alloc" "sleep 0.2"
check "a function's breakpoint stops at its first statement, as --debug does" 'Breakpoint 1, Memory.alloc (Memory.jack:24)'
# a machine error: said over the screen, then the view at the fault with Ctrl+D
session machine_error Errors "'$(dirname "$recursion")/Errors'" "xdotool key ctrl+d; sleep 0.5"
check "the window says what the machine error was" 'window message| '"$(dirname "$recursion")"'/Errors: machine error at cycle'
check "the window gives the Jack line" 'window message|   in Main.poke (Main.jack:14)'
check "Ctrl+D after the error: the view at the fault" 'view stack|> #0  Main.poke (Main.jack:14) address=30000'
check "the source pane at the fault" 'view source| >  14          let a[0] = 1;'
# Sys.error (the OS's ERR3 on the screen): said over the screen; Ctrl+P shows the view in the program's frame
session sys_error ErrorCodes "'$programs/ErrorCodes' --set 8000=3" "xdotool key ctrl+p; sleep 0.5"
check "the window says what Sys.error's code means" 'window message| Sys.error(3): Math.divide by zero'
check "the window gives the Jack line of the call" 'window message|   called from Main.main (Main.jack:10)'
check "Ctrl+P after the error: the view, in the program's own frame" 'view stack|> #2  Main.main (Main.jack:10)'
# a pause while Snake runs: in the program's own frame (it spends its time in Sys.wait), no `this` for a function
session pause Snake "'$samples/Snake'" "xdotool key space; sleep 1; xdotool key ctrl+p; sleep 0.5"
if grep -qE '^view stack\|> #[0-9]+  (Game|Main|Segment)\.' "$out"; then
    echo "ok: a pause selects the innermost frame of the program's own code"
else
    echo "FAIL: a pause selected no frame of the program's own code:"
    cat "$out"
    status=1
fi
reject "a function's frame shows no this" '^view stack\| *this = \((Sys|Keyboard|Output|Main)\)'
# commands typed in the view: print, delete, watch, and the watchpoint's stop
session commands Recursion "'$recursion' --debug-view --break Main.fact" "xdotool key Return; xdotool type --delay 40 'print n'; \
    xdotool key Return; sleep 0.2; xdotool type ':'; xdotool type --delay 40 'delete'; xdotool key Return; sleep 0.2; \
    xdotool key Return; xdotool type --delay 40 'watch Main.count'; xdotool key Return; sleep 0.2; xdotool key c; sleep 0.5"
check "a command typed in the view is run" '(hackdb) print n'
check "its answer" 'n = 5'
check "a watchpoint set in the view" 'Watchpoint 2: Main.count (RAM[16])'
check "the watchpoint stops the run where the count changes" 'New value = 1'
check "the view is made again at the watchpoint's stop" 'view stack|> #0  Main.fact (Main.jack:5) n=5'
exit $status
