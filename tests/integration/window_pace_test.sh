#!/bin/sh
# The window paces a program's own Sys.wait in real time and has speed keys, under a virtual X server.
# usage: window_pace_test.sh HACKEMU VM_DIR PROGRAMS_DIR WORK_DIR N2T_DIR
# 1. OwnWait (its own Sys.wait, a busy loop, called 4 times with 300) takes at least 1.2 s in the window even at
#    a target of 1 GHz, says so once on stderr, shows "Sys.wait" in the title (never "0 MHz") and ends with the
#    pixels of the headless run; --no-pace says nothing.
# 2. The course's Pong (when the course's files are there) runs at the clock its Sys.wait is tuned for: far
#    fewer instructions a second than flat out, and the same pixels as headless at a cycle.
# 3. Ctrl+Up, Ctrl+Down and Ctrl+0 change the target in the title.
# Exit 77 (skipped) without xvfb-run or xdotool.
hackemu=$1 vm=$2 programs=$3 work=$4 n2t=$5
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
    echo "xvfb-run or xdotool not found: window tests skipped (apt-get install xvfb xdotool)"
    exit 77
fi
mkdir -p "$work"
status=0
# displays from :250 on, clear of window_test.sh's (from :99), which ctest may run at the same time
xvfb() {
    xvfb-run -n 250 -a -s "-screen 0 1280x800x24" "$@"
}
now() {
    date +%s.%N
}

# 1. OwnWait: 4 x Sys.wait(300) at a target far above what its loop needs: the holds make the time.
rm -f "$work/pace-window.png" "$work/pace-headless.png"
xvfb sh -c "
    start=\$(date +%s.%N)
    timeout 30 '$hackemu' '$vm/OwnWait' --hz 1000000000 --cycles 100000000 --screenshot '$work/pace-window.png' \
        2> '$work/pace-err.txt' &
    window=\$(xdotool search --sync --name 'OwnWait' | head -n 1)
    : > '$work/pace-title.txt'
    for i in 1 2 3 4 5 6 7 8 9 10; do # the title is refreshed twice a second: look at it a few times
        sleep 0.25
        xdotool getwindowname \$window >> '$work/pace-title.txt' 2>/dev/null
    done
    wait
    echo \"\$start \$(date +%s.%N)\" > '$work/pace-time.txt'"
"$hackemu" --headless "$vm/OwnWait" --screenshot "$work/pace-headless.png" --scale 2 -q
elapsed=$(awk '{ printf "%.2f", $2 - $1 }' "$work/pace-time.txt")
if awk "BEGIN { exit !($elapsed >= 1.18) }"; then
    echo "ok: OwnWait's four Sys.wait(300) took $elapsed s in the window"
else
    echo "FAIL: OwnWait's four Sys.wait(300) took only $elapsed s in the window"
    status=1
fi
if [ "$(grep -c "note: pacing OwnWait's Sys.wait in real time" "$work/pace-err.txt")" = 1 ]; then
    echo "ok: the window says once that it paces OwnWait's Sys.wait"
else
    echo "FAIL: no note (or more than one) about pacing OwnWait's Sys.wait:"
    cat "$work/pace-err.txt"
    status=1
fi
title=$(grep -m 1 "Sys.wait" "$work/pace-title.txt")
if grep -qE " 0 MHz| 0 Hz|0 kHz" "$work/pace-title.txt"; then
    echo "FAIL: the title shows no speed while the program waits:"; cat "$work/pace-title.txt"; status=1
elif [ -n "$title" ]; then
    echo "ok: the title while it waits: $title"
else
    echo "FAIL: the title never says the program waits in Sys.wait:"; cat "$work/pace-title.txt"; status=1
fi
if cmp -s "$work/pace-window.png" "$work/pace-headless.png"; then
    echo "ok: paced, OwnWait ends with the pixels of the headless run"
else
    echo "FAIL: paced, OwnWait's window pixels differ from the headless run's"
    status=1
fi
xvfb timeout 30 "$hackemu" "$vm/OwnWait" --no-pace --cycles 100000000 --screenshot "$work/pace-flat.png" \
    2> "$work/pace-flat-err.txt"
if grep -q "note: pacing" "$work/pace-flat-err.txt"; then
    echo "FAIL: --no-pace still paces:"
    cat "$work/pace-flat-err.txt"
    status=1
else
    echo "ok: --no-pace runs OwnWait flat out, without the note"
fi

# 2. The course's Pong.
pong=$n2t/classic/projects/06/pong/Pong.asm
if [ -r "$pong" ]; then
    rm -f "$work/pong-window.png"
    start=$(now)
    xvfb timeout 30 "$hackemu" "$pong" --cycles 3000000 --screenshot "$work/pong-window.png" --stats -q \
        > "$work/pong-stats.txt" 2>&1
    elapsed=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
    "$hackemu" --headless "$pong" --cycles 3000000 --screenshot "$work/pong-headless.png" --scale 2 -q
    rate=$(sed -n 's/.*(\([0-9]*\) over the whole time).*/\1/p' "$work/pong-stats.txt")
    if [ -n "$rate" ] && [ "$rate" -le 10 ] && awk "BEGIN { exit !($elapsed >= 0.8) }" &&
        grep -q "note: pacing Pong's Sys.wait in real time, at 3" "$work/pong-stats.txt"; then
        echo "ok: Pong ran at $rate million instructions a second in the window (the clock its Sys.wait is" \
            "tuned for): its first 3 million cycles took $elapsed s"
    else
        echo "FAIL: Pong is not paced in the window ($elapsed s for 3 million cycles):"
        cat "$work/pong-stats.txt"
        status=1
    fi
    if cmp -s "$work/pong-window.png" "$work/pong-headless.png"; then
        echo "ok: paced, Pong shows the pixels of the headless run at cycle 3000000"
    else
        echo "FAIL: paced, Pong's window pixels differ from the headless run's at cycle 3000000"
        status=1
    fi
else
    echo "the course's Pong.asm is not in $n2t: its pacing is not checked"
fi

# 3. The speed keys: only Ctrl+ keys are the emulator's.
xvfb sh -c "
    timeout 30 '$hackemu' '$programs/forever.asm' --hz 2000000 --quit-after 12 2> /dev/null &
    window=\$(xdotool search --sync --name 'forever' | head -n 1)
    xdotool windowactivate --sync \$window 2>/dev/null || xdotool windowfocus --sync \$window
    sleep 0.6
    xdotool getwindowname \$window > '$work/speed-titles.txt'
    xdotool key ctrl+Up
    sleep 0.4
    xdotool getwindowname \$window >> '$work/speed-titles.txt'
    xdotool key ctrl+Down ctrl+Down
    sleep 0.4
    xdotool getwindowname \$window >> '$work/speed-titles.txt'
    xdotool key ctrl+0
    sleep 0.4
    xdotool getwindowname \$window >> '$work/speed-titles.txt'
    xdotool key ctrl+q
    wait"
line() {
    sed -n "$1p" "$work/speed-titles.txt"
}
if line 1 | grep -qF '(target 2 MHz)' && line 2 | grep -qF '(target 5 MHz)' && line 3 | grep -qF '(target 1 MHz)' &&
    line 4 | grep -q 'running at' && ! line 4 | grep -q target; then
    echo "ok: Ctrl+Up, Ctrl+Down and Ctrl+0 change the target in the title"
else
    echo "FAIL: the speed keys (titles seen):"
    cat "$work/speed-titles.txt"
    status=1
fi
exit $status
