#!/bin/sh
# The node-driven browser suites (tests/browser, tests/smart): Debian's chromium driven by the
# pinned playwright-core of the suite's package-lock.json (installed with `npm ci` when missing; it
# downloads no browser). Exit 77 (skipped) only when node or chromium is not installed; a failed
# install is a failure.
# Usage: run_playwright.sh NAME SUITE_DIR SECONDS TEST_TIMEOUT_MS SWITCHPOINT_BINARY ARTIFACTS_DIR TEST_FILE...
name=$1 suite=$2 seconds=$3 test_timeout=$4
bin=${5:-$SWITCHPOINT_BIN}
artifacts=${6:-${SWITCHPOINT_ARTIFACTS:-}}
shift 6
chromium=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || { echo "$name: node is not installed; skipped"; exit 77; }
[ -x "$chromium" ] || { echo "$name: chromium is not installed ($chromium); skipped"; exit 77; }
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || { echo "$name: node $(node --version) is too old; playwright-core needs node >= 20"; exit 1; }
[ -n "$bin" ] && [ -x "$bin" ] || { echo "$name: no switchpoint binary given (run.sh path/to/switchpoint)"; exit 1; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $artifacts in ''|/*) ;; *) artifacts=$(pwd)/$artifacts ;; esac
cd "$suite" || exit 1
if [ ! -f node_modules/playwright-core/package.json ]; then
  npm ci --no-audit --no-fund || { echo "$name: npm ci failed"; exit 1; }
fi
SWITCHPOINT_BIN=$bin SWITCHPOINT_ARTIFACTS=$artifacts CHROMIUM=$chromium \
  SWITCHPOINT_SOURCE_DIR=$(cd ../.. && pwd) \
  exec timeout -k 5 "$seconds" node --test --test-timeout="$test_timeout" "$@"
