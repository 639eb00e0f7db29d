#!/usr/bin/env bash
# Regenerates the seed corpora fuzz/corpus/<target>/ from the project's fixtures (fuzz/make_corpus.mjs;
# needs node). The seeds are committed: run this after changing the fixtures, then review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
node fuzz/make_corpus.mjs
