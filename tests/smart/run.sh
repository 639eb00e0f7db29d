#!/bin/sh
# ctest's smart_launch test: the SMART App Launch of the web page (web/launch.html, web/smart.js)
# against a local FHIR server and a local authorization server (servers.mjs) on loopback, in
# Debian's chromium, run by tests/support/run_playwright.sh.
# Usage: run.sh SWITCHPOINT_BINARY [ARTIFACTS_DIR]
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../support/run_playwright.sh" smart_launch "$here" 280 240000 "${1:-}" "${2:-}" smart.test.mjs
