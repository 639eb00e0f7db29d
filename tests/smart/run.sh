#!/bin/sh
# ctest's smart_launch test: the SMART App Launch of the web page (web/launch.html, web/smart.js)
# against a local FHIR server and a local authorization server (servers.mjs) on loopback, in
# Debian's chromium driven by the pinned playwright-core of package-lock.json (installed here when
# missing, as tests/browser does; it downloads no browser). Usage: run.sh SWITCHPOINT_BINARY [ARTIFACTS_DIR]
# Exit 77 (skipped) only when node or chromium is not installed; a failed install is a failure.
bin=${1:-$SWITCHPOINT_BIN}
artifacts=${2:-${SWITCHPOINT_ARTIFACTS:-}}
chromium=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || { echo "smart_launch: node is not installed; skipped"; exit 77; }
[ -x "$chromium" ] || { echo "smart_launch: chromium is not installed ($chromium); skipped"; exit 77; }
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || { echo "smart_launch: node $(node --version) is too old; playwright-core needs node >= 20"; exit 1; }
[ -n "$bin" ] && [ -x "$bin" ] || { echo "smart_launch: no switchpoint binary given (run.sh path/to/switchpoint)"; exit 1; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $artifacts in ''|/*) ;; *) artifacts=$(pwd)/$artifacts ;; esac
cd "$(dirname "$0")" || exit 1
if [ ! -f node_modules/playwright-core/package.json ]; then
  npm ci --no-audit --no-fund || { echo "smart_launch: npm ci failed"; exit 1; }
fi
SWITCHPOINT_BIN=$bin SWITCHPOINT_ARTIFACTS=$artifacts CHROMIUM=$chromium \
  SWITCHPOINT_SOURCE_DIR=$(cd ../.. && pwd) \
  exec timeout -k 5 280 node --test --test-timeout=240000 smart.test.mjs
