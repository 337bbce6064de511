#!/bin/sh
# Ctrl+C in `hackemu --debug`: SIGINT while the program runs an endless loop (commands over a pipe) stops it
# and brings the prompt back, and later commands still work; a second one does the same after `continue`.
# The transcript is compared with expected.txt (checked by hand).
# usage: interrupt.sh HACKEMU   (run in this folder's parent: ../Spin is the program)
hackemu=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
pid=
cleanup() {
    exec 3>&- 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/in" || exit 1
(cd "$here/.." && exec "$hackemu" --debug Spin) < "$work/in" > "$work/out" 2>&1 &
pid=$!
exec 3> "$work/in"

# waits (up to 10 s) until the transcript has COUNT lines matching PATTERN
wait_for() {
    tries=0
    while [ "$(grep -c -e "$2" "$work/out")" -lt "$1" ]; do
        tries=$((tries + 1))
        [ $tries -gt 100 ] && return 1
        sleep 0.1
    done
}
# sends SIGINT until the COUNTth interruption is told (one sent before the run looks is not for it)
interrupt() {
    tries=0
    while [ "$(grep -c -e '^Interrupted' "$work/out")" -lt "$1" ]; do
        tries=$((tries + 1))
        [ $tries -gt 20 ] && return 1
        kill -INT "$pid" 2>/dev/null || return 1
        sleep 0.5
    done
}
fail() {
    echo "FAIL: $1; the transcript:"
    cat "$work/out"
    exit 1
}

echo run >&3
wait_for 1 '^(hackdb) run' || fail "no run"
interrupt 1 || fail "SIGINT did not interrupt the run"
printf 'bt\nlist\ncontinue\n' >&3
wait_for 1 '^(hackdb) continue' || fail "no prompt after the interruption"
interrupt 2 || fail "SIGINT did not interrupt continue"
echo quit >&3
exec 3>&-
tries=0
while kill -0 "$pid" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -gt 100 ] && fail "quit did not end the session"
    sleep 0.1
done
wait "$pid"
echo "exit status $?" >> "$work/out"
pid=
filtered=$(grep -v -e '^note: ' -e ': note: ' "$work/out")
if [ "$filtered" != "$(cat "$here/expected.txt")" ]; then
    echo "FAIL: the transcript differs from $here/expected.txt:"
    printf '%s\n' "$filtered" | diff "$here/expected.txt" -
    exit 1
fi
echo ok
