#!/bin/sh
# One browser test of the web page (page_test.mjs says what each checks), or a skip (exit 77) with the reason:
# no site (the build had no emscripten), no node, no puppeteer-core (npm ci in tests/web), no chromium.
# usage: run.sh SCENARIO SITE_DIR HACKEMU SAMPLES_DIR OUT_DIR TEST_PROGRAMS_DIR
here=$(cd "$(dirname "$0")" && pwd)
site=$2
if [ ! -f "$site/hack.wasm" ]; then
    echo "skipped: no site in $site (the build needs emscripten and node-acorn: apt-get install emscripten node-acorn)"
    exit 77
fi
if ! command -v node >/dev/null; then echo "skipped: no node (apt-get install nodejs)"; exit 77; fi
if [ ! -d "$here/node_modules/puppeteer-core" ]; then
    echo "skipped: no puppeteer-core (cd tests/web && npm ci)"
    exit 77
fi
exec node "$here/page_test.mjs" "$@"
