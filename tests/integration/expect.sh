#!/bin/sh
# Runs a command and checks what a user would see.
# usage: expect.sh [--status N] [--expect REGEX]... [--once REGEX]... [--reject REGEX]... [--same FILE1 FILE2]...
#                  -- COMMAND [ARGS]
# --status: the exit status required (default 0); --expect: a line of the output (stdout and stderr together)
# must match; --once: exactly one line must match; --reject: no line may match; --same: after the command, the
# two files must be byte-identical.
status=0
expects=""
onces=""
rejects=""
sames=""
nl='
'
while [ $# -gt 0 ]; do
    case "$1" in
    --status) status=$2; shift 2 ;;
    --expect) expects="$expects$2$nl"; shift 2 ;;
    --once) onces="$onces$2$nl"; shift 2 ;;
    --reject) rejects="$rejects$2$nl"; shift 2 ;;
    --same) sames="$sames$2 $3$nl"; shift 3 ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
output=$("$@" 2>&1)
actual=$?
failed=0
if [ "$actual" != "$status" ]; then
    echo "FAIL: exit status $actual, expected $status"
    failed=1
fi
old_ifs=$IFS
IFS=$nl
for pattern in $expects; do
    if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
        echo "FAIL: no line matches: $pattern"
        failed=1
    fi
done
for pattern in $onces; do
    count=$(printf '%s\n' "$output" | grep -Ec -- "$pattern")
    if [ "$count" != 1 ]; then
        echo "FAIL: $count lines match, expected exactly one: $pattern"
        failed=1
    fi
done
for pattern in $rejects; do
    if printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
        echo "FAIL: a line matches what must not appear: $pattern"
        failed=1
    fi
done
for pair in $sames; do
    IFS=' '
    set -- $pair
    if ! cmp -s "$1" "$2"; then
        echo "FAIL: $1 differs from $2"
        failed=1
    fi
    IFS=$nl
done
IFS=$old_ifs
if [ $failed -ne 0 ]; then
    echo "--- command: $*"
    echo "--- output:"
    printf '%s\n' "$output"
    exit 1
fi
echo "ok"
exit 0
