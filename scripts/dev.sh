#!/usr/bin/env bash
# switchpoint developer entry point. On a fresh Debian 12 machine:
#   bash scripts/dev.sh demo   installs what is missing, builds, runs `switchpoint demo`
#   bash scripts/dev.sh test   installs what is missing, builds, runs every test
#                              (unit + golden + CLI tests, then the unit tests again under
#                              AddressSanitizer + UndefinedBehaviorSanitizer)
#   bash scripts/dev.sh build  installs what is missing and builds build/switchpoint
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian 12 packages the build and tests need. Each is named for the job it does.
packages=(
  cmake ninja-build g++ ccache pkg-config   # build
  libsimdjson-dev                           # JSON parsing (records, FHIR)
  libcli11-dev                              # command line
  libfmt-dev                                # formatting, locale-independent
  libcpp-httplib-dev libssl-dev             # HTTP service (switchpoint serve); OpenSSL verifies CDS Hooks JWTs
  libsqlite3-dev                            # CDS Hooks audit log
  libcurl4-openssl-dev                      # CDS Hooks: fetches from an EHR's FHIR server, jku JWK Sets
  libgtest-dev libgmock-dev                 # unit tests
  libbenchmark-dev                          # benchmarks in bench/
  wrk                                       # CDS Hooks load benchmark (bench/cds_load)
  zlib1g-dev                                # gzip-compressed FHIR Bulk NDJSON (switchpoint cohort, synth --gzip)
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node + npm run the FHIR validator (tests/fhir-validate); a node already on PATH is kept.
  command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
  # Debian's chromium runs the browser tests (tests/browser); playwright-core downloads no browser.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "switchpoint: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {  # $1 build dir, rest: extra cmake args
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  fi
  cmake --build "$dir"
}


cmd=${1:-}
case "$cmd" in
  build)
    install_missing
    configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    ;;
  demo)
    install_missing
    configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    ./build/switchpoint demo
    ;;
  test)
    install_missing
    configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    (cd build && ctest --output-on-failure)
    echo "switchpoint: the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
    configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DSWITCHPOINT_SANITIZE=ON
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
       ctest --output-on-failure)
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test|build" >&2
    exit 2
    ;;
esac
