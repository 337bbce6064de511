#!/bin/sh
# Runs `hackemu --debug` on a program with the commands of a file on stdin and compares the transcript
# (stdout and stderr together, less the `note:` lines about what was compiled or added, and with cycle
# counts written as N) and the exit status with a golden file checked by hand.
# usage: debug_golden.sh HACKEMU CASE_DIR   (CASE_DIR has commands.txt, expected.txt, and args: hackemu's
# arguments, run in CASE_DIR's parent folder)
hackemu=$1
case_dir=$2
name=$(basename "$case_dir")
parent=$(dirname "$case_dir")
args=$(cat "$case_dir/args")
output=$(cd "$parent" && "$hackemu" $args < "$case_dir/commands.txt" 2>&1; echo "exit status $?")
filtered=$(printf '%s\n' "$output" | grep -v -e '^note: ' -e ': note: ' | sed -e 's/cycles=[0-9][0-9]*/cycles=N/')
if [ "$filtered" != "$(cat "$case_dir/expected.txt")" ]; then
    echo "FAIL: $name: the transcript differs from $case_dir/expected.txt:"
    printf '%s\n' "$filtered" | diff "$case_dir/expected.txt" -
    exit 1
fi
echo "ok"
