#!/bin/sh
# The core library (hackcore) stays what emulator/CMakeLists.txt says it is: no threads, processes, dlopen, clock
# or environment (those are the native tier's, hacktier), and its run loops only the core's two (plain, watched):
# the tier's two interpreter loops (profiled, to an entry) are hacktier's, so a program without the tier does not
# carry them. usage: core_is_pure.sh NM LIBHACKCORE.a LIBHACKTIER.a WITH_TIER(ON|OFF)
set -u
nm=$1 core=$2 tier=$3 with_tier=$4
fail() { echo "FAIL: $1"; exit 1; }
# (nm is asked first on its own: in a pipe its failure would go unseen, and every absence below would pass)
"$nm" "$core" > /dev/null || fail "cannot read $core with $nm"
"$nm" "$core" | grep -q ' T hack_machine_run$' || fail "$core does not define hack_machine_run: not the core?"
used=$("$nm" -u "$core" | awk '{ print $NF }' | sort -u)
for symbol in pthread_create pthread_join dlopen dlsym fork execvp posix_spawn kill waitpid getenv nanosleep \
              clock_gettime; do
    ! printf '%s\n' "$used" | grep -qx "$symbol" || fail "hackcore uses $symbol"
done
# (named with or without the compiler's suffixes, .constprop.0 and the like; a loop inlined away has no name at all,
# so only their absence is asked)
loops() { "$nm" "$1" | awk '$2 ~ /^[tT]$/ { sub(/\..*/, "", $3); print $3 }' | grep -E '^run_' | sort -u | tr '\n' ' '; }
core_loops=$(loops "$core")
case " $core_loops" in *" run_profiled "* | *" run_to_entry "*) fail "hackcore has the tier's loops: $core_loops" ;; esac
if [ "$with_tier" = ON ]; then
    "$nm" "$tier" > /dev/null || fail "cannot read $tier with $nm"
    tier_loops=$(loops "$tier")
    case " $tier_loops" in *" run_plain "* | *" run_watched "*) fail "hacktier has the core's loops: $tier_loops" ;; esac
fi
echo ok
