#!/bin/sh
# Runs a command in a folder and compares what it prints (stdout and stderr together, less the `note:` lines
# about what was compiled or added) with a golden file, line for line. Cycle counts and PCs, which any change to
# the OS's code moves, are written as N: "machine error at cycle N: PC N (0xE308 M=D)".
# usage: report_golden.sh STATUS GOLDEN DIR -- COMMAND [ARGS]
status=$1
golden=$2
dir=$3
shift 3
[ "$1" = "--" ] && shift
output=$(cd "$dir" && "$@" 2>&1)
actual=$?
filtered=$(printf '%s\n' "$output" | grep -v -e '^note: ' -e ': note: ' |
    sed -e 's/at cycle [0-9][0-9]*/at cycle N/' -e 's/: PC [0-9][0-9]* /: PC N /')
failed=0
if [ "$actual" != "$status" ]; then
    echo "FAIL: exit status $actual, expected $status"
    failed=1
fi
if [ "$filtered" != "$(cat "$golden")" ]; then
    echo "FAIL: the output differs from $golden:"
    printf '%s\n' "$filtered" | diff "$golden" - 
    failed=1
fi
if [ $failed -ne 0 ]; then
    echo "--- command (in $dir): $*"
    echo "--- output:"
    printf '%s\n' "$output"
    exit 1
fi
echo "ok"
