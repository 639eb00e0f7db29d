#!/usr/bin/env bash
# switchpoint developer entry point. On a fresh Debian 12 machine:
#   bash scripts/dev.sh demo   installs what the program needs, builds it, runs `switchpoint demo`
#   bash scripts/dev.sh test   installs what is missing, builds, runs every test
#                              (build/: every test; build-asan/: every test again under
#                              AddressSanitizer + UndefinedBehaviorSanitizer, but the two Chromium
#                              suites, and the fuzz targets briefly). About 23 minutes on 2 cores
#                              from nothing; CI (.ci/run) then runs `tsan` and `lint` below.
#   bash scripts/dev.sh build  installs what the program needs and builds build/switchpoint (no tests)
#   bash scripts/dev.sh fuzz [SECONDS]
#                              builds the libFuzzer targets of fuzz/ with clang-14 (build-asan) and
#                              runs each for SECONDS (default 600), two at a time, over a writable
#                              copy of its seed corpus; prints the execs of each (docs/hardening.md)
#   bash scripts/dev.sh tsan   the cohort, server and hostile tests under ThreadSanitizer (build-tsan; in CI)
#   bash scripts/dev.sh lint   clang-format (.clang-format) and clang-tidy (.clang-tidy) over the C++ of
#                              the project; the format check also runs in `test`, clang-tidy in CI
#   bash scripts/dev.sh format rewrites every C++ file with clang-format
#   bash scripts/dev.sh proxy  the recommended deployment (deploy/nginx): nginx on loopback with TLS
#                              and limits in front of build/switchpoint serve (part of `test`)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian 12 packages, each named for the job it does. `demo` and `build` install only what the
# program needs (build_packages); `test`, `fuzz`, `tsan` and `proxy` also install what only the
# tests need (test_packages, node and Chromium).
build_packages=(
  cmake ninja-build g++ ccache pkg-config   # build
  libsimdjson-dev                           # JSON parsing (records, FHIR)
  libcli11-dev                              # command line
  libfmt-dev                                # formatting, locale-independent
  libcpp-httplib-dev libssl-dev             # HTTP service (switchpoint serve); OpenSSL verifies CDS Hooks JWTs
  libsqlite3-dev                            # CDS Hooks audit log
  libcurl4-openssl-dev                      # CDS Hooks: fetches from an EHR's FHIR server, jku JWK Sets
  libeigen3-dev                             # linear algebra of the Cox models (switchpoint cohort --analysis)
  zlib1g-dev                                # gzip-compressed FHIR Bulk NDJSON (switchpoint cohort, synth --gzip)
  libjemalloc-dev                           # the program's allocator (many small allocations: cohort, CDS)
)
test_packages=(
  libgtest-dev libgmock-dev                 # unit tests
  libbenchmark-dev                          # benchmarks in bench/
  wrk                                       # CDS Hooks load benchmark (bench/cds_load)
  r-base-core r-cran-survival               # the referee of the analysis: R's survival package (tests/cohort/referee)
  clang-format clang-tidy                   # format and lint gates (.clang-format, .clang-tidy; dev.sh lint)
  clang-14 libclang-rt-14-dev               # fuzzing: libFuzzer with AddressSanitizer + UBSan (fuzz/)
  nginx-light openssl curl python3          # deployment test (deploy/nginx/test.sh): TLS reverse proxy, its certificate, clients
  python3-pandas                            # researcher scripts scripts/research/headline.{R,py} (with r-base-core above) and tests/research
)

install_missing() {  # $1: "build" (the program only) or "test" (the program and every test)
  local wanted=("${build_packages[@]}")
  [ "${1:-test}" = test ] && wanted+=("${test_packages[@]}")
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${1:-test}" = test ]; then
    # node + npm run the FHIR validator (tests/fhir-validate); a node already on PATH is kept.
    command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
    # Debian's chromium runs the browser tests (tests/browser); playwright-core downloads no browser.
    [ -x /usr/bin/chromium ] || missing+=(chromium)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "switchpoint: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build/ (the demo's and the tests' build, g++): RelWithDebInfo with line tables only (-g1):
# backtraces, perf and sanitizer reports keep file:line, and the build takes about a quarter less
# time than with CMake's default full debug info (-g).
release=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# Configures (or re-configures: the options of this script always reach an existing build dir's
# cache, so that a changed flag never leaves a stale build behind) and builds.
configure_and_build() {  # $1 build dir, rest: extra cmake args
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir"
}

# ---- fuzzing (fuzz/, docs/hardening.md) ---------------------------------------------------------
fuzz_targets=(native_json_fuzz fhir_bundle_fuzz evaluate_fuzz ndjson_line_fuzz csv_dtsdhcc_fuzz cds_request_fuzz jwt_fuzz)
fuzz_flags=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

# build-asan: one clang-14 build for the sanitizer pass and the fuzz targets. Everything is compiled
# with AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer's coverage instrumentation
# (SWITCHPOINT_FUZZ; the tests link without libFuzzer's main, its hooks are no-ops there), -O1 and
# line tables only: one library compile instead of two, and fast enough to fuzz with.
sanitized_configure() {
  # A build-asan configured by an older dev.sh with g++ is replaced.
  if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang' build-asan/CMakeCache.txt; then
    rm -rf build-asan
  fi
  CXX=clang++-14 cmake -S "$root" -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DSWITCHPOINT_FUZZ=ON >/dev/null
}
build_fuzz() {
  sanitized_configure
  cmake --build build-asan --target fuzz_targets
}

# fuzz_run TARGET WORKDIR ARGS...: runs TARGET over a fresh writable copy of its seeds (WORKDIR/corpus;
# the repository is never written), crashes to WORKDIR/artifacts/; the log is WORKDIR/log.
fuzz_run() {
  local t=$1 dir=$2; shift 2
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  cp fuzz/corpus/"$t"/* "$dir/corpus/"
  "build-asan/fuzz/$t" "${fuzz_flags[@]}" -artifact_prefix="$dir/artifacts/" "$@" "$dir/corpus" >"$dir/log" 2>&1
}

# The outcome of a run of fuzz_run: execs, execs/s, corpus size, crashes.
fuzz_report() {
  local t=$1 dir=$2 status=$3 execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  printf '  %-18s %10s execs  %6s execs/s  corpus %4s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
    "$(find "$dir/corpus" -type f | wc -l)" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status): $dir/log")"
}

# Runs "fuzz_run TARGET build-asan/run/TARGET ARGS..." for every target, two at a time (2 cores).
# Returns non-zero when a target found a crash, a leak, a timeout or a broken invariant.
fuzz_all() {
  local failed=0 pids=() names=() i
  for t in "${fuzz_targets[@]}"; do
    fuzz_run "$t" "build-asan/run/$t" "$@" &
    pids+=($!) names+=("$t")
    if [ ${#pids[@]} -eq 2 ]; then
      for i in 0 1; do
        local st=0; wait "${pids[$i]}" || st=$?
        fuzz_report "${names[$i]}" "build-asan/run/${names[$i]}" $st; [ $st -eq 0 ] || failed=1
      done
      pids=() names=()
    fi
  done
  for i in "${!pids[@]}"; do
    local st=0; wait "${pids[$i]}" || st=$?
    fuzz_report "${names[$i]}" "build-asan/run/${names[$i]}" $st; [ $st -eq 0 ] || failed=1
  done
  return $failed
}

# Every input of fuzz/regressions/TARGET/ once: each was a crash before its fix.
fuzz_regressions() {
  local failed=0 n
  for t in "${fuzz_targets[@]}"; do
    [ -d fuzz/regressions/"$t" ] || continue
    n=$(find fuzz/regressions/"$t" -type f | wc -l)
    [ "$n" -gt 0 ] || continue
    if "build-asan/fuzz/$t" "${fuzz_flags[@]}" fuzz/regressions/"$t"/* >"build-asan/regressions-$t.log" 2>&1; then
      printf '  %-18s %3d regression inputs ok\n' "$t" "$n"
    else
      printf '  %-18s FAILED: build-asan/regressions-%s.log\n' "$t" "$t"; failed=1
    fi
  done
  return $failed
}

# ---- ThreadSanitizer: the cohort (worker threads) and the server (thread pool, in-flight
# limits, audit log) tests, built with -fsanitize=thread (CMake option SWITCHPOINT_TSAN) -------------
# (and the hostile catalogue: the cohort command on 2 threads, the HTTP server's thread pool). The
# SIGKILL durability test is left out here: it needs a few hundred requests a second from a server
# that ThreadSanitizer slows tenfold; it runs in the other builds. No suppressions: every report was
# fixed (docs/hardening.md).
run_tsan() {
  configure_and_build_targets build-tsan "cohort_tests server_tests hostile_tests switchpoint" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DSWITCHPOINT_TSAN=ON
  (cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" GTEST_FILTER='-CdsAuditKill.*' \
     ctest -j2 --output-on-failure -R '^(cohort|server|hostile)$')
}

configure_and_build_targets() {  # $1 build dir, $2 targets (space separated), rest: extra cmake args
  local dir=$1 targets=$2; shift 2
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  # shellcheck disable=SC2086
  cmake --build "$dir" --target $targets
}

# The C++ files of the project (not the npm trees of the node-driven tests).
cxx_files() {
  find src tests bench fuzz \( -name node_modules -prune \) -o \( -name '*.cpp' -o -name '*.h' \) -print | LC_ALL=C sort
}
format_check() {
  # --dry-run -Werror: a file that clang-format would change fails, with the lines it would change.
  cxx_files | xargs clang-format --dry-run -Werror
  echo "switchpoint: every C++ file is formatted (.clang-format)"
}
tidy_check() {
  # clang-tidy over every translation unit of src/ with the build's compile commands (build/).
  configure_and_build build "${release[@]}" -DSWITCHPOINT_TESTS=ON
  run-clang-tidy -p build -quiet -j "$(nproc)" "$root/src/" > build/clang-tidy.log 2>&1 || {
    grep -E "(warning|error):" build/clang-tidy.log | sort -u; echo "switchpoint: clang-tidy found the above (.clang-tidy)"; return 1; }
  echo "switchpoint: clang-tidy found nothing (.clang-tidy)"
}

# Minutes and seconds since the script started (progress lines of the test command only).
elapsed() { printf '%d:%02d' $((SECONDS / 60)) $((SECONDS % 60)); }

cmd=${1:-}
case "$cmd" in
  build)
    install_missing build
    configure_and_build build "${release[@]}" -DSWITCHPOINT_TESTS=OFF
    ;;
  demo)
    install_missing build
    configure_and_build build "${release[@]}" -DSWITCHPOINT_TESTS=OFF
    ./build/switchpoint demo
    ;;
  test)
    install_missing
    echo "switchpoint: [$(elapsed)] the format gate (clang-format --dry-run over every C++ file)"
    format_check
    echo "switchpoint: [$(elapsed)] building build/ (g++) and running every test"
    configure_and_build build "${release[@]}" -DSWITCHPOINT_TESTS=ON
    # Two at a time (2 cores; each test has its own loopback ports and temporary folders; the two
    # Chromium suites share a RESOURCE_LOCK and never run together).
    (cd build && ctest -j2 --output-on-failure)
    echo "switchpoint: [$(elapsed)] the nginx deployment (deploy/nginx/test.sh: TLS, limits, slow clients)"
    bash deploy/nginx/test.sh build/switchpoint
    echo "switchpoint: [$(elapsed)] every test again under AddressSanitizer + UndefinedBehaviorSanitizer (clang-14, build-asan)"
    sanitized_configure
    cmake --build build-asan
    # The two Chromium suites (browser, smart_launch) test the web page's JavaScript: their C++ side
    # (the routes they call) is run under the sanitizers by the server, openapi, fhir_validate and
    # cds tests; Chromium under a sanitized server adds a minute and a half and nothing else.
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
       ctest -j2 --output-on-failure -E '^(browser|smart_launch)$')
    echo "switchpoint: [$(elapsed)] the fuzz targets briefly (every regression input, then 20000 runs or 20 s each over the seeds)"
    fuzz_regressions
    fuzz_all -runs=20000 -max_total_time=20
    echo "switchpoint: [$(elapsed)] every test passed (CI also runs: dev.sh tsan, dev.sh lint)"
    ;;
  fuzz)
    seconds=${2:-600}
    install_missing
    build_fuzz
    echo "switchpoint: every fuzz target for ${seconds} s, two at a time (corpora and crashes under build-asan/run/)"
    fuzz_regressions
    fuzz_all -max_total_time="$seconds"
    ;;
  proxy)
    install_missing
    configure_and_build build "${release[@]}" -DSWITCHPOINT_TESTS=ON
    bash deploy/nginx/test.sh build/switchpoint
    ;;
  tsan)
    install_missing
    run_tsan
    ;;
  lint)
    install_missing
    format_check
    tidy_check
    ;;
  format)
    install_missing
    cxx_files | xargs clang-format -i
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test|build|fuzz [SECONDS]|tsan|proxy|lint|format" >&2
    exit 2
    ;;
esac
