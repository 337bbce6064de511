#!/bin/sh
# 200,000 labels and gotos in one function through hackvm: the label check must be linear (it scanned the program
# for each label: 80,000 took 13.8 s). usage: many_labels.sh HACKVM WORKDIR
set -e
dir=$(mktemp -d "$2/labels.XXXXXX")
trap 'rm -rf "$dir"' EXIT
{
    echo 'function Main.main 0'
    seq 0 199999 | awk '{ print "label L" $1; print "goto L" $1 }'
    echo 'push constant 0'
    echo 'return'
} > "$dir/Labels.vm"
"$1" "$dir/Labels.vm" -o "$dir/Labels.asm"
echo ok
