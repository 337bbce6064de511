#!/bin/sh
# A Jack program's screen with the course's compiled OS, with the project's Jack OS (--os=jack) and with its
# native OS (the default) must be pixel-identical.
# usage: screens_match.sh HACKEMU JACKC COURSE_OS_DIR PROGRAM_DIR WORK_DIR CYCLES STATUS [HACKEMU_ARGS...]
# Every run must end by itself with exit status STATUS (0, or 5 when the program ends in Sys.error): the
# course's Sys.halt is an endless loop that hackemu sees as a halt; CYCLES bounds that run all the same.
# Each run's screen is left in WORK_DIR as a PNG.
hackemu=$1 jackc=$2 course_os=$3 program=$4 work=$5 cycles=$6 status=$7
shift 7
rm -rf "$work"
mkdir -p "$work/course"
cp "$program"/*.jack "$work/course/" || exit 1
"$jackc" "$work/course" || exit 1
rm "$work/course"/*.jack
cp "$course_os"/*.vm "$work/course/" || exit 1

course=$("$hackemu" --headless --no-output -q --cycles "$cycles" --screen-hash --screenshot "$work/course.png" "$@" \
    "$work/course")
code=$?
failed=0
if [ "$code" != "$status" ]; then # it halts in Sys.halt's endless loop (after Sys.error too)
    echo "FAIL: the course's OS: exit status $code, expected $status"
    failed=1
fi
for os in native jack; do
    hash=$("$hackemu" --headless --no-output -q --os=$os --cycles 2000000000 --screen-hash --screenshot "$work/$os.png" \
        "$@" "$program")
    code=$?
    if [ "$code" != "$status" ]; then
        echo "FAIL: --os=$os: exit status $code, expected $status"
        failed=1
    fi
    if [ "$hash" != "$course" ]; then
        echo "FAIL: --os=$os: $hash, the course's OS: $course (see $work/$os.png and $work/course.png)"
        failed=1
    fi
done
[ $failed = 0 ] && echo "ok: the course's OS, the Jack OS and the native OS: $course"
exit $failed
