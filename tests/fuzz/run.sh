#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang into build-fuzz/ and runs each for SECONDS (default 60) with its
# seed corpus; exits non-zero when any harness finds something (a crash, a sanitizer report, a broken
# property, a timeout, a leak). README.md in this folder says what each harness covers.
#
#   tests/fuzz/run.sh [SECONDS [HARNESS...]]     HARNESS: asm hack sym vm jack tst heap debug tier dap program
#                                                memory_bench tier_equiv (default: all)
#
# Environment: HACK_FUZZ_BUILD (the build folder, default build-fuzz), HACK_N2T_DIR (the course's files, read
# as extra seeds when present, default ../shared/n2t), HACK_FUZZ_JOBS (harnesses run at once, default 1),
# CC (default clang).
# Seeds: the harness's own (tests/fuzz/seeds/NAME) and its saved findings (regressions/NAME), and the
# project's and the course's files of the harness's kind, linked (not copied) into BUILD/fuzz-seeds/NAME.
# New inputs that cover more go to BUILD/fuzz-corpus/NAME (kept between local runs); findings to
# BUILD/fuzz-findings/NAME, to be moved to tests/fuzz/regressions/NAME with the fix.
set -euo pipefail
seconds=${1:-60}
shift || true
all_harnesses="asm hack sym vm jack tst heap debug tier dap program memory_bench tier_equiv"
harnesses=${*:-$all_harnesses}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${HACK_FUZZ_BUILD:-$root/build-fuzz}
n2t=${HACK_N2T_DIR:-$root/../shared/n2t}

case "$seconds" in '' | *[!0-9]*) echo "usage: $0 [SECONDS [HARNESS...]]" >&2; exit 64 ;; esac
for name in $harnesses; do
    case " $all_harnesses " in *" $name "*) ;; *) echo "run.sh: no harness '$name' ($all_harnesses)" >&2; exit 64 ;; esac
done

echo "fuzz: building the harnesses in $build"
export HACK_N2T_DIR="$n2t" # (fuzz_tst copies the course's projects 4 to 8 into its folder when they are there)
# the run loop's portable switch: clang takes two minutes over the threaded loop with these sanitizers, 20 s
# over the switch (the unit tests check both dispatches against the reference step)
mkdir -p "$build"
CC=${CC:-clang} cmake -S "$root" -B "$build" -DHACK_FUZZ=ON -DHACK_BUILD_TESTS=OFF -DHACK_WITH_SDL=OFF \
    -DHACK_PORTABLE_DISPATCH=ON -DHACK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/fuzz-configure.log" 2>&1 || {
    cat "$build/fuzz-configure.log" >&2
    exit 1
}
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzzers

# what each harness reads: file name patterns, and the longest input it is given
declare -A patterns=([asm]="*.asm" [hack]="*.hack" [sym]="*.sym" [vm]="*.vm" [jack]="*.jack" [tst]="*.tst"
                     [heap]="" [debug]="" [tier]="" [dap]="" [program]="" [memory_bench]="Memory.jack" [tier_equiv]="")
declare -A max_len=([asm]=16384 [hack]=16384 [sym]=8192 [vm]=16384 [jack]=8192 [tst]=4096 [heap]=4096 [debug]=2048
                    [tier]=8192 [dap]=8192 [program]=16384 [memory_bench]=8192 [tier_equiv]=2048)
# the dictionaries of dict/ a harness takes, put together into BUILD/fuzz-NAME.dict (default: dict/NAME.dict)
declare -A dictionaries=([program]="jack program" [memory_bench]="jack memory_bench")

# fuzz_program's seeds: each folder of 1 to 3 classes (the project's Jack programs, the course's), its Main.jack
# first, the others after a NUL byte each, written into the seed folder (they are the build's, not the project's)
program_seeds() {
    local seeds=$1 count=0 dir main file
    local sources=("$root/jack_samples" "$root/tests/integration" "$root/tests/debug" "$root/tests/dap" "$root/os/tests"
                   "$root/tests/fixtures")
    [ -d "$n2t" ] && sources+=("$n2t")
    while IFS= read -r -d '' main; do
        dir=$(dirname "$main")
        local others=()
        while IFS= read -r -d '' file; do others+=("$file"); done < <(find "$dir" -maxdepth 1 -name "*.jack" ! -name Main.jack -type f -print0 | sort -z)
        [ "${#others[@]}" -le 2 ] || continue
        count=$((count + 1))
        {
            cat "$main"
            for file in "${others[@]}"; do printf '\0'; cat "$file"; done
        } >"$seeds/$count-$(basename "$dir").bin"
    done < <(find "${sources[@]}" -name Main.jack -type f -size -64k -print0 2>/dev/null | sort -z)
    echo "$count"
}

# Runs one harness; its summary line goes to BUILD/fuzz-NAME.result.
run_one() {
    local name=$1
    local seeds=$build/fuzz-seeds/$name corpus=$build/fuzz-corpus/$name findings=$build/fuzz-findings/$name
    local log=$build/fuzz-$name.log count=0 status=0 file extra
    if [ ! -x "$build/bin/fuzz_$name" ]; then # dap: built only with jansson (libjansson-dev)
        echo "fuzz: $name: SKIPPED (its harness was not built: see $build/fuzz-configure.log)"
        printf '%-12s %10s execs %8s exec/s %6s corpus  %s\n' "$name" - - - skipped >"$build/fuzz-$name.result"
        return
    fi
    rm -rf "$seeds"
    mkdir -p "$seeds" "$corpus" "$findings"
    if [ -n "${patterns[$name]}" ]; then
        local sources=("$root/tests/golden" "$root/tests/integration" "$root/tests/bench" "$root/jack_samples"
                       "$root/os/jack" "$root/tests/memory_bench")
        [ -d "$n2t" ] && sources+=("$n2t")
        while IFS= read -r -d '' file; do
            count=$((count + 1))
            ln -s "$file" "$seeds/$count-$(basename "$file")"
        done < <(find "${sources[@]}" -name "${patterns[$name]}" -type f -size -256k -print0 2>/dev/null | sort -z)
    fi
    [ "$name" = program ] && count=$(program_seeds "$seeds")
    local dirs=("$corpus" "$seeds")
    for extra in "$here/seeds/$name" "$here/regressions/$name"; do
        [ -d "$extra" ] && dirs+=("$extra")
    done
    local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$name]}"
                   -print_final_stats=1 -artifact_prefix="$findings/")
    local dict
    if [ -n "${dictionaries[$name]:-}" ]; then
        dict=$build/fuzz-$name.dict
        for file in ${dictionaries[$name]}; do cat "$here/dict/$file.dict"; done >"$dict"
        options+=(-dict="$dict")
    elif [ -f "$here/dict/$name.dict" ]; then
        options+=(-dict="$here/dict/$name.dict")
    fi
    echo "fuzz: $name for ${seconds}s ($count project and course files as seeds; log in $log)"
    "$build/bin/fuzz_$name" "${options[@]}" "${dirs[@]}" >"$log" 2>&1 || status=$?
    local execs rate units result=ok
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(find "$corpus" -type f | wc -l)
    if [ "$status" -ne 0 ]; then
        result=FINDING
        {
            echo "fuzz: $name FOUND SOMETHING (exit status $status):"
            grep -E "ERROR:|SUMMARY:|property violated|Test unit written" "$log" | head -20 || true
            grep -E "^ +#[0-9]+ " "$log" | grep -v -E "in (fuzzer::|__sanitizer|__asan|__ubsan|_start|main |__libc)" |
                head -25 || true
        } >&2
    fi
    printf '%-12s %10s execs %8s exec/s %6s corpus  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$units" "$result" \
        >"$build/fuzz-$name.result"
}

# HACK_FUZZ_JOBS harnesses at a time (default 1; CI runs 2, a core each)
jobs=${HACK_FUZZ_JOBS:-1}
running=0
for name in $harnesses; do
    rm -f "$build/fuzz-$name.result"
    if [ "$jobs" -gt 1 ]; then
        run_one "$name" &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
    else
        run_one "$name"
    fi
done
wait || true

echo "fuzz: summary (${seconds}s each)"
failed=""
passed=0
failures=0
for name in $harnesses; do
    if [ -f "$build/fuzz-$name.result" ]; then
        cat "$build/fuzz-$name.result"
        if grep -q FINDING "$build/fuzz-$name.result"; then
            failed="$failed $name"
            failures=$((failures + 1))
        else
            passed=$((passed + 1))
        fi
    else
        echo "$name: did not finish"
        failed="$failed $name"
        failures=$((failures + 1))
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (inputs in $build/fuzz-findings/)" >&2
fi
echo "fuzz: $passed passed, $failures failed"
[ -z "$failed" ]
