#!/bin/sh
# ctest's openapi: installs the pinned validator of package-lock.json when it is missing, then
# validates docs/openapi.json (the description `switchpoint serve` publishes at /openapi.json).
# Exit 77 (skipped) only when node is not installed at all; a missing npm or a failed install is a
# failure. That the document and the server's routes agree is tests/server/openapi_test.cpp.
command -v node >/dev/null 2>&1 || { echo "openapi: node is not installed; skipped"; exit 77; }
cd "$(dirname "$0")" || exit 1
if [ ! -f node_modules/@apidevtools/swagger-parser/package.json ]; then
  npm ci --no-audit --no-fund || { echo "openapi: npm ci failed"; exit 1; }
fi
exec node validate.mjs "$@"
