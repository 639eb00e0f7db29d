#!/bin/sh
# ctest's cds: installs the pinned checkers from package-lock.json when they are missing, then runs
# the node test files against the given switchpoint binary. Exit 77 (skipped) only when node is
# not installed at all; a missing npm or a failed install is a failure.
command -v node >/dev/null 2>&1 || { echo "cds: node is not installed; skipped"; exit 77; }
[ -n "$1" ] || { echo "usage: run.sh path/to/switchpoint"; exit 2; }
SWITCHPOINT_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export SWITCHPOINT_BIN
cd "$(dirname "$0")" || exit 1
if [ ! -f node_modules/fhirpath/package.json ] || [ ! -f node_modules/jose/package.json ]; then
  npm ci --no-audit --no-fund || { echo "cds: npm ci failed"; exit 1; }
fi
exec node --test --test-concurrency=1 test/
