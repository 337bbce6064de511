#!/bin/sh
# A class graded at once: N students' whole project 12 folders under hackemu --test-os on this machine's cores,
# and one student alone (median of 3). Each student is the project's Jack OS with one class (or none) replaced by
# a test student's (tests/os_bench: one planted bug each) and a Memory from tests/memory_bench, round robin, so
# every battery runs on Jack code, correct and broken.
# usage: grade_class.sh HACKEMU WORK_FOLDER [N]   (WORK_FOLDER is emptied and filled; default N 300)
set -eu
hackemu=$1
work=$2
n=${3:-300}
here=$(cd "$(dirname "$0")/.." && pwd)
os=$here/../os/jack
rm -rf "$work"
mkdir -p "$work/class"
set -- "$here"/os_bench/*/
buggy_count=$#
memories=$(ls -d "$here"/memory_bench/*/)
memory_count=$(echo "$memories" | wc -l)
i=0
while [ "$i" -lt "$n" ]; do
    s=$(printf '%s/class/s%03d' "$work" "$i")
    mkdir "$s"
    cp "$os"/*.jack "$s/"
    k=$((i % (buggy_count + 1)))
    if [ "$k" -gt 0 ]; then eval "cp \"\${$k}\"*.jack \"$s/\""; fi
    m=$(echo "$memories" | sed -n "$((i % memory_count + 1))p")
    cp "$m/Memory.jack" "$s/"
    i=$((i + 1))
done
cores=$(nproc)
start=$(date +%s.%N)
"$hackemu" --test-os -j "$cores" --no-reference --format=csv "$work"/class/*/ > "$work/class.csv" || true
end=$(date +%s.%N)
runs=$(($(wc -l < "$work/class.csv") - 1))
echo "$n students ($runs runs) on $cores cores: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
times=""
for r in 1 2 3; do
    start=$(date +%s.%N)
    "$hackemu" --test-os -j "$cores" --no-reference --format=csv "$work/class/s001" > /dev/null || true
    end=$(date +%s.%N)
    times="$times $(awk "BEGIN { printf \"%.1f\", $end - $start }")"
done
echo "one student:$times s (median $(echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | sed -n 2p) s)"
