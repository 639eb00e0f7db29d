#!/usr/bin/env bash
# CDS Hooks load benchmark (not a test): wrk against `switchpoint serve` on loopback with a
# realistic patient-view request (a TACE-refractory patient, ~300 FHIR resources in the prefetch,
# ~165 KB), every request with a new hookInstance and — in the signed mode — a new ES384 JWT
# verified by the service. The audit log is on disk with synchronous=FULL, as in production.
#
#   bash bench/cds_load/run.sh [BUILD_DIR]        (default: build)
#
# Environment: MODE=signed|unsigned (signed), ALG=ES384|RS384 (ES384), DURATION=20 (seconds per
# run), RATE=1000 (target requests/s of the paced run), CONNECTIONS=8, PORT=18990,
# AUDIT_DIR (a temporary directory). Prints wrk's figures and the machine's.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
bin=$(cd "$build" && pwd)/switchpoint
MODE=${MODE:-signed}
ALG=${ALG:-ES384}
DURATION=${DURATION:-20}
RATE=${RATE:-1000}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18990}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)"; exit 1; }
command -v node >/dev/null || { echo "node is not installed"; exit 1; }
[ -x "$bin" ] || { echo "$bin: build it first (bash scripts/dev.sh build)"; exit 1; }

work=$(mktemp -d)
audit_dir=${AUDIT_DIR:-$work}
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

base="http://127.0.0.1:$PORT"
url="$base/cds-services/switchpoint-patient-view"
tokens=0
na=$(( 1500 * DURATION + 1000 )); nc=$(( 6 * RATE )); nb=$(( RATE * DURATION * 3 / 2 + 1000 ))
[ "$MODE" = signed ] && tokens=$(( na + nc + nb ))
echo "== making the load ($MODE${tokens:+, $tokens $ALG tokens})"
node "$root/bench/cds_load/make_load.mjs" "$work" "$base" "$tokens" "$ALG"

args=(serve --host 127.0.0.1 --port "$PORT" --audit-db "$audit_dir/audit.sqlite" --max-in-flight 64)
if [ "$MODE" = signed ]; then
  args+=(--cds-config "$work/cds.json")
  # Each run has its own tokens: a jti is accepted once.
  sed -n "1,${na}p" "$work/tokens.txt" > "$work/tokens-a.txt"
  sed -n "$(( na + 1 )),$(( na + nc ))p" "$work/tokens.txt" > "$work/tokens-c.txt"
  sed -n "$(( na + nc + 1 )),\$p" "$work/tokens.txt" > "$work/tokens-b.txt"
else
  args+=(--cds-dev-unsigned)
  : > "$work/tokens-a.txt"; : > "$work/tokens-b.txt"; : > "$work/tokens-c.txt"
fi
"$bin" "${args[@]}" > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

tok() { [ "$MODE" = signed ] && echo "$1" || echo -; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }  # the server's user + system time
run_wrk() {  # $1 label, $2 connections, $3 tokens file, $4 delay ms, $5 duration
  echo "== $1"
  local before after result n
  before=$(cpu_ticks)
  result=$(WRK_THREADS=1 wrk -t1 -c"$2" -d"$5"s --latency -s "$root/bench/cds_load/cds.lua" "$url" -- "$work/body.json" "$(tok "$3")" "$4" |
    grep RESULT)
  after=$(cpu_ticks)
  n=$(echo "$result" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  # CPU time the server spent per request, whatever else the machine was doing.
  echo "$result server_cpu_ms_per_request=$(awk -v t=$(( after - before )) -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "n/a" }')"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_wrk "saturation: $CONNECTIONS connections, as fast as they go" "$CONNECTIONS" "$work/tokens-a.txt" 0 "$DURATION"
# Paced: each connection waits between requests; the delay is set so that the connections
# together aim at RATE requests/s, corrected once by the latency seen in a short calibration.
paced=$(( CONNECTIONS * 2 ))
delay=$(( paced * 1000 / RATE ))
p50=$(run_wrk "calibration" "$paced" "$work/tokens-c.txt" "$delay" 3 | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
delay=$(awk -v d="$delay" -v l="${p50:-0}" 'BEGIN { x = d - l; if (x < 0) x = 0; printf "%d", x }')
run_wrk "paced: $paced connections, ${delay} ms between requests on each (aiming at $RATE requests/s)" "$paced" "$work/tokens-b.txt" "$delay" "$DURATION"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s "$base/metrics" | grep -E '^switchpoint_(http_requests_total\{route="cds_patient_view"|errors_total|audit_commits)' || true
