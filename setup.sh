#!/bin/sh
# Installs what the build needs (Debian packages) when it is missing, then configures and builds into build/.
# Extra arguments go to CMake, e.g. ./setup.sh -DHACK_WERROR=ON
set -eu
cd "$(dirname "$0")"
# (emscripten and node-acorn: the web page, build/web; libjansson-dev: JSON for hackemu --dap)
packages="cmake make gcc pkg-config libsdl2-dev libpng-dev check libedit-dev libjansson-dev emscripten node-acorn"
missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
cmake -S . -B build "$@"
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
