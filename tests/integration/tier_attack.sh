#!/bin/sh
# The native tier on a shared machine: each scenario attacks the cache or the compile as issue 21 found them
# (a planted entry, links, cut and wrong entries, two processes at once, a full or read-only cache, no compiler,
# CC with words, a compile running when hackemu ends or is killed) and checks that the run's results are the
# interpreter's, that nothing planted runs, that the note says the real reason, and that nothing is left.
# usage: tier_attack.sh SCENARIO HACKEMU TIER_FORGE PROGRAM OTHER_PROGRAM BIG_JACK_FOLDER WORK
# PROGRAM must end with cycles=156007208 and RAM[2]=-6784 (programs/long_loop.asm); OTHER_PROGRAM is another .asm;
# BIG_JACK_FOLDER a Jack program whose translation with the OS in Jack takes a second to compile. Exit 77: skipped.
set -u
scenario=$1 hackemu=$2 forge=$3 program=$4 other=$5 big=$6
work=$7/tier_attack/$scenario
chmod -R u+rwx "$work" 2>/dev/null
rm -rf "$work"
mkdir -p "$work" && chmod 700 "$work" || exit 1
out=$work/out

fail() {
    echo "FAIL ($scenario): $*"
    if [ -f "$out" ]; then echo "--- output:"; cat "$out"; fi
    exit 1
}
# run PARENT [NAME=VALUE...] [COMMAND...]: hackemu on PROGRAM with XDG_CACHE_HOME=PARENT, its output in $out
run() {
    parent=$1
    shift
    env XDG_CACHE_HOME="$parent" "$@" "$hackemu" --headless "$program" --count --ram R2 >"$out" 2>&1
    status=$?
}
correct() {
    [ "$status" = 0 ] && grep -q '^cycles=156007208$' "$out" && grep -q '^RAM\[2\]=-6784$' "$out" ||
        fail "the results are not the interpreter's (status $status)"
}
has() { grep -Eq -- "$1" "$out" || fail "no line matches: $1"; }
no_planted() { [ ! -e "$work/PLANTED" ] || fail "the planted object ran"; }
no_work_left() { ! ls -A "$1" 2>/dev/null | grep -q '^work-' || fail "a work folder was left in $1"; }
# a good cache in $work/good: the program compiled and its profile kept; $object is its entry's name
good_cache() {
    mkdir -p "$work/good" && chmod 700 "$work/good"
    run "$work/good" HACK_TIER=wait
    correct
    has "native tier: ran .* compiled in"
    # (the run may translate twice: its profile names the last, which a later run loads)
    object=$(ls -t "$work/good/hackemu" | grep '^tier-.*\.so$' | head -n 1)
    [ -n "$object" ] || fail "no entry was made"
    entries=$(ls "$work/good/hackemu" | grep -c '^tier-')
}
# a well-formed entry (the right trailer for $object's key) whose constructor leaves $work/PLANTED
forge_planted() {
    cat >"$work/planted.c" <<EOF
#include <stdio.h>
__attribute__((constructor)) static void planted(void) { FILE *f = fopen("$work/PLANTED", "w"); if (f) fclose(f); }
void hack_tier_run(void *state) { (void)state; }
EOF
    cc -shared -fPIC -o "$work/planted.so" "$work/planted.c" || fail "cannot build the planted object"
    "$forge" "$work/planted.so" "$object" "$1" || fail "cannot forge an entry"
    chmod 600 "$1"
}
# a compiler that records its process, descriptors and stdin, then sleeps
slow_compiler() {
    cat >"$work/slowcc" <<EOF
#!/bin/sh
[ -d /proc/\$\$/fd ] && ls -l /proc/\$\$/fd >"$work/compiler.fds.tmp" 2>&1 && mv "$work/compiler.fds.tmp" "$work/compiler.fds"
echo \$\$ >"$work/compiler.pid.tmp" && mv "$work/compiler.pid.tmp" "$work/compiler.pid"
exec sleep 30
EOF
    chmod 700 "$work/slowcc"
}
alive() { [ -d "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

case $scenario in
planted)
    good_cache
    forge_planted "$work/forged.so"
    # control: from the user's own folder, the forged entry is taken (so the refusals below are for where it lies)
    cp "$work/forged.so" "$work/good/hackemu/$object"
    run "$work/good" HACK_TIER=on
    [ -e "$work/PLANTED" ] || fail "control: the well-formed entry was not loaded from the user's own folder"
    rm -f "$work/PLANTED"
    # a folder others can write, a folder in a shared folder, someone else's folder
    mkdir -p "$work/open" "$work/shared"
    cp -a "$work/good/hackemu" "$work/open/hackemu" && chmod 777 "$work/open/hackemu"
    run "$work/open" HACK_TIER=on
    correct; no_planted; has "native tier: did not run: the cache folder .* can be written by others \(mode 0777\): not used"
    chmod 1777 "$work/shared"
    cp -a "$work/good/hackemu" "$work/shared/hackemu"
    run "$work/shared" HACK_TIER=on
    correct; no_planted; has "is in a folder others can write or own \(a shared folder\): not used"
    chmod 700 "$work/shared"
    # a group may write it: refused, unless the group is the user's private group (umask 002 makes such folders)
    me=$(id -un) group=$(id -gn)
    if [ "$me" = "$group" ] && ! getent group "$group" | cut -d: -f4 | grep -q .; then
        mkdir -p "$work/private" && chmod 770 "$work/private"
        cp -a "$work/good/hackemu" "$work/private/hackemu" && chmod 770 "$work/private/hackemu"
        cp "$work/good/hackemu/$object" "$work/private/hackemu/$object" # (the forged one: it is taken, as above)
        run "$work/private" HACK_TIER=on
        [ -e "$work/PLANTED" ] || fail "a folder only the user's private group can write was not used"
        rm -f "$work/PLANTED"
    fi
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$work/grouped" && chmod 700 "$work/grouped"
        cp -a "$work/good/hackemu" "$work/grouped/hackemu" && chgrp 65534 "$work/grouped/hackemu" &&
            chmod 770 "$work/grouped/hackemu"
        run "$work/grouped" HACK_TIER=on
        correct; no_planted; has "can be written by others \(mode 0770\): not used"
    fi
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$work/foreign"
        cp -a "$work/good/hackemu" "$work/foreign/hackemu" && chown -R 65534:65534 "$work/foreign/hackemu"
        run "$work/foreign" HACK_TIER=on
        correct; no_planted; has "the cache folder .* belongs to user 65534, not to you: not used"
    else
        echo "note: not root: someone else's folder is not made (the mode checks above ran)"
    fi
    # without HOME and XDG_CACHE_HOME (cron, env -i): no cache at all, never /tmp
    env -i PATH="$PATH" HACK_TIER=on "$hackemu" --headless "$program" --count --ram R2 >"$out" 2>&1
    status=$?
    correct; has "native tier: did not run: no cache folder"
    ;;
links)
    good_cache
    forge_planted "$work/outside.so"
    cp "$work/outside.so" "$work/outside.copy"
    ln -sf "$work/outside.so" "$work/good/hackemu/$object"
    run "$work/good" HACK_TIER=wait
    correct; no_planted
    has "cache entry .* was a symbolic link: removed"; has "native tier: ran .* compiled in"
    [ -f "$work/good/hackemu/$object" ] && [ ! -L "$work/good/hackemu/$object" ] || fail "the entry was not made again"
    cmp -s "$work/outside.so" "$work/outside.copy" || fail "the link's target was written"
    mkdir -p "$work/linked" && ln -s "$work/good/hackemu" "$work/linked/hackemu"
    run "$work/linked" HACK_TIER=on
    correct; has "the cache folder .*/linked/hackemu is a symbolic link: not used"
    no_work_left "$work/good/hackemu"
    ;;
damaged)
    good_cache
    entry=$work/good/hackemu/$object
    # cut: the run that finds it is not harmed (it was SIGBUS), and it is made again
    truncate -s 4096 "$entry"
    run "$work/good"
    correct
    truncate -s 4096 "$entry"
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .* was cut short.*: removed"; has "native tier: ran .* compiled in"
    : >"$entry"
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .* was empty: removed"; has "compiled in"
    size=$(wc -c <"$entry")
    printf '\377\377\377\377' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .* was damaged .*: removed"; has "compiled in"
    rm -f "$entry" && mkdir "$entry"
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .* was not a regular file: removed"; has "compiled in"
    # another program's object under this one's name
    mkdir -p "$work/other" && chmod 700 "$work/other"
    env XDG_CACHE_HOME="$work/other" HACK_TIER=wait "$hackemu" --headless "$other" --cycles 3000000 >/dev/null 2>&1
    other_object=$(ls "$work/other/hackemu" | grep '^tier-.*\.so$' | head -n 1)
    [ -n "$other_object" ] || fail "the other program made no entry"
    cp "$work/other/hackemu/$other_object" "$entry"
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .* was another translation's .*: removed"; has "compiled in"
    # a cut profile
    profile=$(ls "$work/good/hackemu" | grep '^prog-')
    truncate -s 10 "$work/good/hackemu/$profile"
    run "$work/good" HACK_TIER=wait
    correct; has "cache entry .*prog-.* was cut short or of another size: removed"
    run "$work/good" HACK_TIER=on
    correct; has "native tier: ran .* its code loaded from the cache"
    no_work_left "$work/good/hackemu"
    ;;
together)
    good_cache # what one run alone makes
    for round in 1 2 3; do
        rm -rf "$work/c" && mkdir -p "$work/c" && chmod 700 "$work/c"
        for i in 1 2; do
            env XDG_CACHE_HOME="$work/c" HACK_TIER=wait "$hackemu" --headless "$program" --count --ram R2 \
                >"$work/out$i" 2>&1 &
        done
        wait
        for i in 1 2; do
            grep -q '^cycles=156007208$' "$work/out$i" && grep -q '^RAM\[2\]=-6784$' "$work/out$i" ||
                { out=$work/out$i; fail "round $round: run $i's results are not the interpreter's"; }
        done
        [ "$(ls "$work/c/hackemu" | grep -c '^tier-')" = "$entries" ] || fail "round $round: not the entries of one run"
        no_work_left "$work/c/hackemu"
        run "$work/c" HACK_TIER=on
        correct; has "native tier: ran .* its code loaded from the cache"
    done
    ;;
full)
    mkdir -p "$work/c" && chmod 700 "$work/c"
    # as on a full disk: every write past 512 bytes fails (the file size limit; its signal ignored)
    (trap '' XFSZ; ulimit -f 1; run "$work/c" HACK_TIER=wait; exit $status)
    status=$?
    correct; has "native tier: did not run: cannot write in the cache folder.*: File too large"
    no_work_left "$work/c/hackemu"
    ;;
readonly)
    prefix=""
    if [ "$(id -u)" = 0 ]; then
        # root writes anywhere: in a user namespace of its own it is bound by the modes
        unshare --user true 2>/dev/null || { echo "skipped: root, and no user namespace to drop the privilege"; exit 77; }
        prefix="unshare --user"
    fi
    good_cache
    chmod 500 "$work/good/hackemu"
    run "$work/good" HACK_TIER=on $prefix
    correct; has "native tier: ran .* its code loaded from the cache"
    mkdir -p "$work/ro/hackemu" && chmod 700 "$work/ro" && chmod 500 "$work/ro/hackemu"
    run "$work/ro" HACK_TIER=wait $prefix
    correct; has "native tier: did not run: cannot write in the cache folder .*: Permission denied"
    chmod 700 "$work/good/hackemu" "$work/ro/hackemu"
    ;;
compilers)
    mkdir -p "$work/c" && chmod 700 "$work/c"
    run "$work/c" HACK_TIER=wait CC="$work/no-such-cc"
    correct; has "native tier: did not run: the compiler .*/no-such-cc was not found$"
    env -u CC XDG_CACHE_HOME="$work/c" HACK_TIER=wait PATH=/nonexistent "$hackemu" --headless "$program" --count \
        --ram R2 >"$out" 2>&1
    status=$?
    correct; has "native tier: did not run: the compiler cc was not found on PATH$"
    run "$work/c" HACK_TIER=wait CC="cc -fno-such-option"
    correct; has "native tier: did not run: the compiler \(cc\) failed: .*no-such-option"
    run "$work/c" HACK_TIER=wait CC="cc -O2 -DWORDS='1 2'"
    correct; has "native tier: ran .* compiled in"
    # a umask that lets the group write (Debian's user private groups), and SIGCHLD ignored by whoever started it
    rm -rf "$work/c/hackemu"
    (umask 002; run "$work/c" HACK_TIER=wait; exit $status)
    status=$?
    correct; has "native tier: ran .* compiled in"
    if env --ignore-signal=CHLD true 2>/dev/null; then
        rm -rf "$work/c/hackemu"
        run "$work/c" HACK_TIER=wait timeout 60 env --ignore-signal=CHLD
        correct; has "native tier: ran .* compiled in"
    fi
    no_work_left "$work/c/hackemu"
    ;;
nothing_left)
    mkdir -p "$work/c" && chmod 700 "$work/c"
    slow_compiler
    # hackemu ends while its compiler runs: the compiler's group is killed before hackemu exits
    run "$work/c" HACK_TIER=eager CC="$work/slowcc"
    correct
    has "native tier: did not run: the program ended after .* during the compile"
    ours=$(grep -l -- "$work/slowc[c]" /proc/[0-9]*/cmdline 2>/dev/null) # (the bracket: not grep itself)
    [ -z "$ours" ] || fail "the compiler still runs after hackemu ended: $ours"
    [ -f "$work/compiler.pid" ] && ! alive "$(cat "$work/compiler.pid")" || [ ! -f "$work/compiler.pid" ] ||
        fail "the compiler still runs after hackemu ended"
    no_work_left "$work/c/hackemu"
    # hackemu killed (SIGKILL) while compiling (a run of seconds): its watcher kills the compiler; the next run
    # removes the work folder. The compiler had nothing of hackemu's: stdin /dev/null, no descriptor but its log.
    rm -f "$work/compiler.pid"
    env XDG_CACHE_HOME="$work/c" HACK_TIER=eager CC="$work/slowcc" "$hackemu" --headless "$other" \
        --cycles 20000000000 >/dev/null 2>&1 &
    hackemu_pid=$!
    for i in $(seq 400); do [ -f "$work/compiler.pid" ] && break; sleep 0.05; done
    [ -f "$work/compiler.pid" ] || { kill -9 "$hackemu_pid"; fail "the compiler did not start within 20 s"; }
    sleep 0.2 # (its descriptors listed)
    kill -9 "$hackemu_pid"
    wait "$hackemu_pid" 2>/dev/null
    pid=$(cat "$work/compiler.pid")
    for i in $(seq 40); do alive "$pid" || break; sleep 0.05; done
    ! alive "$pid" || fail "the compiler ($pid) outlived a killed hackemu by 2 s"
    if [ "$(uname)" = Linux ]; then # (its watcher empties the work folder; elsewhere the next run does)
        for i in $(seq 40); do ls -A "$work/c/hackemu" | grep -q '^work-' || break; sleep 0.05; done
        no_work_left "$work/c/hackemu"
    fi
    if [ -f "$work/compiler.fds" ]; then
        grep -q ' 0 -> /dev/null$' "$work/compiler.fds" || fail "the compiler's stdin is not /dev/null: $(cat "$work/compiler.fds")"
        if grep -- '->' "$work/compiler.fds" | grep -v -e '-> /dev/null$' -e '/compiler.log$' -e "-> $work/slowcc\$" \
            -e "-> $work/compiler.fds.tmp\$" | grep -q .; then
            fail "the compiler held descriptors of hackemu's: $(cat "$work/compiler.fds")"
        fi
    fi
    run "$work/c" HACK_TIER=wait
    correct; has "compiled in"
    no_work_left "$work/c/hackemu"
    # SIGTERM (kill, timeout) mid-compile: the watcher removes what the compile wrote
    for signal in TERM INT; do
        rm -rf "$work/c/hackemu" "$work/compiler.pid"
        # (--default-signal: a background job of a script starts with SIGINT ignored, so SIGINT did nothing and the
        # run went on to its 20 billion cycles)
        env --default-signal=INT XDG_CACHE_HOME="$work/c" HACK_TIER=eager CC="$work/slowcc" "$hackemu" --headless \
            "$other" --cycles 20000000000 >/dev/null 2>&1 &
        hackemu_pid=$!
        for i in $(seq 400); do [ -f "$work/compiler.pid" ] && break; sleep 0.05; done
        [ -f "$work/compiler.pid" ] || { kill -9 "$hackemu_pid"; fail "the compiler did not start within 20 s"; }
        kill -s "$signal" "$hackemu_pid"
        wait "$hackemu_pid" 2>/dev/null
        pid=$(cat "$work/compiler.pid")
        for i in $(seq 40); do alive "$pid" || ls -A "$work/c/hackemu" | grep -q '^work-' || break; sleep 0.05; done
        ! alive "$pid" || fail "the compiler ($pid) outlived hackemu's SIG$signal by 2 s"
        no_work_left "$work/c/hackemu"
    done
    ;;
worth_it)
    # a run shorter than its compile would take starts no compile; one that starts, started late enough
    mkdir -p "$work/c" && chmod 700 "$work/c"
    slow_compiler
    env XDG_CACHE_HOME="$work/c" HACK_TIER=on CC="$work/slowcc" "$hackemu" --headless -q --os=jack \
        --cycles 60000000 "$big" >"$out" 2>&1
    status=$?
    [ "$status" = 2 ] || fail "status $status, expected 2 (the budget)"
    has "native tier: did not run: "
    # No compile started: right whatever the line says (under load the run may end before the tier had even
    # translated the program: "before its code was ready"). One that started (a slow build, such as the
    # sanitizers', runs long enough for it) started no earlier than the compile's expected time.
    if [ -f "$work/compiler.pid" ]; then
        has "native tier: did not run: the program ended after .*, during the compile \(started at .* s, about .* s expected\)"
        started=$(sed -n 's/.*started at \([0-9.]*\) s, about \([0-9.]*\) s expected.*/\1 \2/p' "$out")
        echo "$started" | awk '{ exit !($1 >= $2) }' || fail "the compile started before the run had lasted as long ($started)"
    fi
    no_work_left "$work/c/hackemu"
    ;;
*)
    echo "tier_attack.sh: unknown scenario $scenario" >&2
    exit 2
    ;;
esac
echo ok
