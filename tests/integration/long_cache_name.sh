#!/bin/sh
# An XDG_CACHE_HOME longer than the tier's cache path can hold: hackemu says so and makes no cache anywhere (it
# was cut, and the cache made in another folder). usage: long_cache_name.sh HACKEMU PROGRAM.asm WORKDIR
set -u
top=$(mktemp -d "$3/long-cache.XXXXXX")
trap 'rm -rf "$top"' EXIT
long="$top/$(printf '%0250d' 0 | tr 0 a)/$(printf '%0250d' 0 | tr 0 b)/$(printf '%0250d' 0 | tr 0 c)/$(printf '%0250d' 0 | tr 0 d)/eeee"
HACK_TIER=eager XDG_CACHE_HOME="$long" "$1" --headless "$2" || exit 1
if [ -n "$(ls -A "$top")" ]; then echo "FAIL: a cache was made: $(find "$top" | head -3)"; exit 1; fi
echo "no cache made"
