#!/usr/bin/env bash
# The recommended deployment, tested: deploy/nginx/switchpoint.conf run by Debian's nginx on
# loopback, TLS with a certificate made here by openssl, proxying to `switchpoint serve`.
# Checks: TLS (1.2+ only, plain HTTP refused), the headers that must come through (CSP with
# frame-ancestors, HSTS), the body limit (Content-Length and chunked), the Host check of serve,
# slow clients (64 dribbling TLS connections do not delay /healthz; a slow header is cut off).
# Usage: deploy/nginx/test.sh [path/to/switchpoint]. Loopback only; everything in a temp dir.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/switchpoint}
for tool in nginx openssl curl python3; do
  command -v "$tool" >/dev/null || { echo "deploy test: $tool is missing (scripts/dev.sh installs it)"; exit 1; }
done
[ -x "$bin" ] || { echo "deploy test: $bin is not built"; exit 1; }

work=$(mktemp -d /tmp/switchpoint-proxy-XXXXXX)
serve_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "  ok   $1"; else echo "  FAIL $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A throw-away certificate for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# switchpoint serve on a free loopback port; the Host nginx passes ($host) is "localhost".
"$bin" serve --host 127.0.0.1 --port 0 --cds-dev-unsigned --audit-db "$work/audit.sqlite" \
  --allowed-host localhost --cors-origin https://sandbox.cds-hooks.org >"$work/serve.log" 2>&1 &
serve_pid=$!
upstream=""
for _ in $(seq 1 200); do
  upstream=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)
  [ -n "$upstream" ] && break
  sleep 0.05
done
[ -n "$upstream" ] || { echo "deploy test: serve did not start"; cat "$work/serve.log"; exit 1; }

# nginx with deploy/nginx/switchpoint.conf, only the addresses, port and paths changed.
port=$(free_port)
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$upstream;|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$port ssl;|" \
    -e "/listen \[::\]:443 ssl;/d" \
    -e "s|server_name cds.example.org;|server_name localhost;|" \
    -e "s|/etc/ssl/switchpoint/fullchain.pem|$work/cert.pem|" \
    -e "s|/etc/ssl/switchpoint/privkey.pem|$work/key.pem|" \
    "$here/switchpoint.conf" >"$work/nginx/switchpoint.conf"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"
cat >"$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log $work/nginx/logs/access.log;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  include $work/nginx/switchpoint.conf;
}
EOF
nginx -t -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx-t.log" || { cat "$work/nginx-t.log"; exit 1; }
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>>"$work/nginx/logs/error.log" &
nginx_pid=$!
base="https://localhost:$port"
curl_tls() { curl -sS --cacert "$work/cert.pem" --resolve "localhost:$port:127.0.0.1" "$@"; }
for _ in $(seq 1 100); do
  curl_tls -o /dev/null "$base/healthz" 2>/dev/null && break
  sleep 0.05
done

echo "deploy test: nginx on 127.0.0.1:$port (TLS) -> switchpoint serve on 127.0.0.1:$upstream"

# TLS
check "healthz over TLS" 200 "$(curl_tls -o /dev/null -w '%{http_code}' "$base/healthz")"
check "TLS 1.1 refused" fail "$(curl_tls --tlsv1.1 --tls-max 1.1 -o /dev/null "$base/healthz" 2>/dev/null && echo ok || echo fail)"
check "plain HTTP to the TLS port refused (400)" 400 \
  "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
check "certificate checked (unknown CA fails)" fail \
  "$(curl -sS --resolve "localhost:$port:127.0.0.1" -o /dev/null "$base/healthz" 2>/dev/null && echo ok || echo fail)"

# Headers from serve come through; nginx adds HSTS.
headers=$(curl_tls -D - -o /dev/null "$base/")
check "CSP frame-ancestors 'none' on the page" yes "$(grep -qi "^content-security-policy:.*frame-ancestors 'none'" <<<"$headers" && echo yes || echo no)"
check "X-Frame-Options DENY" yes "$(grep -qi '^x-frame-options: DENY' <<<"$headers" && echo yes || echo no)"
check "HSTS" yes "$(grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" && echo yes || echo no)"

# The body limit: 8 MiB at nginx (413 before serve sees it), by Content-Length and chunked.
head -c $((8 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$work/big.json"
# nginx answers (its HTML page), not serve behind it (whose own limit would answer JSON).
check "9 MiB body by Content-Length: 413 from nginx" 413 \
  "$(curl_tls -o "$work/413.html" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$work/big.json" \
       "$base/api/evaluate")"
check "  ... nginx's own answer" yes "$(grep -q '413 Request Entity Too Large' "$work/413.html" && echo yes || echo no)"
check "9 MiB body chunked: 413 from nginx" 413 \
  "$(curl_tls -o "$work/413c.html" -w '%{http_code}' -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
       --data-binary @"$work/big.json" "$base/api/evaluate")"
check "  ... nginx's own answer" yes "$(grep -q '413 Request Entity Too Large' "$work/413c.html" && echo yes || echo no)"
check "a record through the proxy: 200" 200 \
  "$(curl_tls -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
       --data-binary @"$here/../../examples/02-refractory-patient.json" "$base/api/evaluate")"

# CORS preflights pass through nginx and are answered by serve alone (docs/deployment.md).
preflight() {  # preflight ORIGIN: status and the number of Access-Control-Allow-Origin headers
  curl_tls -D - -o /dev/null -X OPTIONS -H "Origin: $1" -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: authorization, content-type' "$base/cds-services/switchpoint-patient-view" |
    awk 'NR == 1 { s = $2 } tolower($1) == "access-control-allow-origin:" { n++ } END { print s " " n + 0 }'
}
check "CORS preflight of an allowed origin through the proxy: 200, one Allow-Origin" "200 1" "$(preflight https://sandbox.cds-hooks.org)"
check "CORS preflight of another origin through the proxy: 403, no Allow-Origin" "403 0" "$(preflight https://evil.example)"

# The Host check of serve holds behind the proxy.
check "unknown Host: 421 from serve" 421 \
  "$(curl -sS --cacert "$work/cert.pem" --resolve "evil.example:$port:127.0.0.1" -k -o /dev/null -w '%{http_code}' \
       "https://evil.example:$port/healthz")"

# Slow clients: 64 TLS connections dribbling a header byte a second; /healthz answers within
# 1 s throughout (~5 s); a header still incomplete after client_header_timeout (5 s) is closed.
slow=$(python3 - "$port" "$work/cert.pem" <<'PY'
import socket, ssl, sys, time, subprocess
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
slow = []
for _ in range(64):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="localhost")
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    slow.append(s)
worst, checks, start = 0.0, 0, time.monotonic()
while time.monotonic() - start < 5:
    for s in slow:
        try: s.sendall(b"a")
        except OSError: pass
    t0 = time.monotonic()
    c = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=2), server_hostname="localhost")
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    answer = c.recv(100)
    c.close()
    took = time.monotonic() - t0
    if not answer.startswith(b"HTTP/1.1 200"): took = 99
    worst, checks = max(worst, took), checks + 1
    time.sleep(0.25)
# Stop dribbling: every slow connection must be closed within client_header_timeout.
closed = 0
deadline = time.monotonic() + 8
for s in slow:
    s.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        while s.recv(1000): pass
        closed += 1
    except (OSError, ssl.SSLError):
        closed += 1 if time.monotonic() < deadline else 0
print(f"{checks} {worst:.3f} {closed}")
PY
)
read -r checks worst closed <<<"$slow"
echo "  slow clients: $checks /healthz checks, slowest ${worst} s, $closed of 64 slow connections closed"
check "healthz within 1 s under 64 slow clients" yes "$(python3 -c "print('yes' if $checks >= 10 and $worst < 1.0 else 'no')")"
check "slow headers cut off" 64 "$closed"

if [ "$failures" -ne 0 ]; then
  echo "deploy test: $failures check(s) failed"
  tail -20 "$work/nginx/logs/error.log" || true
  exit 1
fi
echo "deploy test: every check passed"
