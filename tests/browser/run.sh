#!/bin/sh
# ctest's browser test: the web page of `switchpoint serve` in Debian's chromium (e2e.test.mjs) and
# CORS for browser-based CDS clients (cors.test.mjs), run by tests/support/run_playwright.sh.
# Usage: run.sh SWITCHPOINT_BINARY [ARTIFACTS_DIR]
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../support/run_playwright.sh" browser "$here" 280 180000 "${1:-}" "${2:-}" e2e.test.mjs cors.test.mjs
