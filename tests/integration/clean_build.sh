#!/bin/sh
# Programs that are right must build without a word from the tools: no error, no warning.
# usage: clean_build.sh jack JACKC WORK_DIR FOLDER...
#   each folder's .jack files compiled as a folder, then each file on its own (beside the others, as
#   `jackc File.jack` compiles it)
# usage: clean_build.sh asm HACKVM HACKASM WORK_DIR VM_FILE_OR_FOLDER...
#   each .vm file or folder translated (a folder of .jack compiled in memory, with the OS it calls), then the
#   assembly hackvm wrote assembled by hackasm, which must not warn (its warnings are for code people write)
# Prints every message; exit status 1 when there was one, or a tool failed.
mode=$1
shift
failed=0
check() { # label, then the command: its output must hold no error or warning
    label=$1
    shift
    output=$("$@" 2>&1)
    code=$?
    if [ "$code" != 0 ] || printf '%s\n' "$output" | grep -Eq ': (error|warning): '; then
        printf 'FAIL: %s (exit status %s)\n%s\n' "$label" "$code" "$output"
        failed=1
    fi
}
if [ "$mode" = jack ]; then
    jackc=$1 work=$2
    shift 2
    for folder in "$@"; do
        copy="$work/$(basename "$folder")"
        rm -rf "$copy" && mkdir -p "$copy" && cp "$folder"/*.jack "$copy/" || exit 1
        check "jackc $folder" "$jackc" "$copy"
        for file in "$copy"/*.jack; do
            check "jackc $file" "$jackc" "$file"
        done
        echo "checked $folder"
    done
else
    hackvm=$1 hackasm=$2 work=$3
    shift 3
    n=0
    for input in "$@"; do
        n=$((n + 1))
        if [ -d "$input" ]; then
            copy="$work/p$n/$(basename "$input")"
            rm -rf "$work/p$n" && mkdir -p "$copy" && cp "$input"/*.vm "$input"/*.jack "$copy/" 2>/dev/null
            asm="$copy/$(basename "$input").asm"
            with_os=
            ls "$copy"/*.jack > /dev/null 2>&1 && with_os=--with-os # a Jack program: with the OS it calls
            "$hackvm" $with_os "$copy" > /dev/null 2>&1 || { echo "FAIL: hackvm $input"; failed=1; continue; }
        else
            mkdir -p "$work/p$n"
            asm="$work/p$n/$(basename "$input" .vm).asm"
            "$hackvm" "$input" -o "$asm" > /dev/null 2>&1 || { echo "FAIL: hackvm $input"; failed=1; continue; }
        fi
        check "hackasm $asm (from $input)" "$hackasm" "$asm" -o "$work/p$n/out.hack"
        echo "checked $input"
    done
fi
exit $failed
