#pragma once
// `switchpoint serve`: the HTTP service on cpp-httplib (Debian's libcpp-httplib), loopback by
// default — REST (/api/evaluate), the web page, CDS Hooks 2.0 (/cds-services…, docs/cds-hooks.md),
// /healthz and /metrics. Request bodies, records, tokens and JWTs are never logged (they carry
// patient data or credentials): the access log has the method, the path and the status only.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/cds_auth.h"
#include "server/cds_fetch.h"

namespace httplib {
class Server;
}

namespace switchpoint {

class AuditLog;
class MetricsRegistry;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::size_t max_body_bytes = 8 * 1024 * 1024;  // 413 beyond
  // Request bytes held at once, over every connection: bodies being received and complete
  // requests waiting for a worker. Beyond it the request that would add more gets 503 + close, so
  // many clients each sending a body just under --max-body cannot exhaust memory together.
  std::size_t max_buffered_bytes = 64 * 1024 * 1024;
  int read_timeout_s = 10;           // one read may wait this long
  int write_timeout_s = 10;          // one write may wait this long
  int request_deadline_s = 15;       // the whole request (line, headers, body) must arrive within this
  int header_deadline_s = 5;         // the request line and headers must arrive within this (slowloris)
  int keep_alive_timeout_s = 5;      // an idle connection is closed after this
  int keep_alive_max = 100;          // requests per connection
  int threads = 16;                  // requests handled at once (complete requests wait for a thread)
  int max_connections = 512;         // open connections; 503 + close beyond (slow ones hold no thread)
  int max_connections_per_ip = 128;  // open connections from one client address; 503 + close beyond
  // Host header values accepted besides localhost, 127.0.0.1, [::1] and the bound address with
  // the bound port, and the public base URL's host: NAME (any port) or NAME:PORT. Others: 421.
  std::vector<std::string> allowed_hosts;
  // Who may frame the pages (CSP frame-ancestors): 'none' by default; an EHR that embeds the
  // page is named here, e.g. "https://ehr.example.org".
  std::string frame_ancestors = "'none'";
  // Browser origins (scheme://host[:port]) whose pages may call the CDS Hooks endpoints with
  // fetch() (CORS, docs/cds-hooks.md): none by default. Exact match on the serialized origin; no
  // wildcard. Preflights (OPTIONS) from these get the Access-Control-* answer without a JWT; the
  // actual calls still need one.
  std::vector<std::string> cors_origins;
  int max_in_flight = 8;          // evaluations at once (POST, reports); 503 with Retry-After beyond
  std::string cds_config;         // --cds-config FILE (docs/cds-hooks.md); empty: no issuer is trusted
  bool cds_dev_unsigned = false;  // accept CDS requests without a JWT: loopback only
  std::string audit_db = "switchpoint-audit.sqlite";
};

// A route the server registers: the method and the path pattern (an ECMAScript regex matched
// against the whole path, as cpp-httplib does). docs/openapi.json must describe every one, and
// nothing else (tests/server/openapi_test.cpp).
struct RegisteredRoute {
  std::string method;
  std::string pattern;
};

// Installs the REST and web routes on `server` (also used on their own by the API tests and the
// hostile catalogue's http channel). On a plain httplib::Server they have httplib's framing and
// limits only; `serve` runs them inside Service, whose event loop frames every request itself.
// Each route installed is appended to *table when given.
void install_routes(httplib::Server& server, const ServerOptions& options, std::ostream* access_log,
                    std::vector<RegisteredRoute>* table = nullptr);

bool is_loopback_host(const std::string& host);

// "" when `sources` is a usable CSP frame-ancestors list ('none', 'self', or scheme://host[:port]
// sources separated by spaces), else what is wrong with it.
std::string check_frame_ancestors(const std::string& sources);
// "" and *normalized set (the origin as a browser serializes it: lower case, no default port)
// when `origin` is a usable --cors-origin value (http or https, a host, an optional port, no
// path), else what is wrong with it.
std::string check_cors_origin(const std::string& origin, std::string* normalized);
// "" when `entry` is a usable --allowed-host value (NAME, NAME:PORT, [IPv6]:PORT), else why not.
std::string check_allowed_host(const std::string& entry);
// The method or path as written to the access log: printable ASCII except backslash and space
// is kept, every other byte becomes \xHH (a decoded %0a never starts a new log line).
std::string log_escape(std::string_view text);

// Everything `serve` runs: the routes above plus CDS Hooks, JWT checks, limits, audit, metrics.
// Connections are read by one event loop (poll) that frames each request itself (RFC 9112:
// strict request line and fields, one Content-Length or chunked, the body limit while reading,
// the Host allowlist, header and whole-request deadlines, connection caps) and hands only a
// complete, re-framed request to a worker thread: a slow or hostile client holds a socket and a
// bounded buffer, never a thread (docs/hardening.md, docs/deployment.md).
class Service {
 public:
  struct Parts {
    CdsConfig config;
    std::unique_ptr<AuditLog> audit;      // required
    HttpGet http_get;                     // curl_get unless a test substitutes
    std::function<std::int64_t()> clock;  // seconds since the epoch; the wall clock unless a test substitutes
  };
  // nullptr and *error when the options are refused (dev mode off loopback, a JWK Set unreadable…).
  static std::unique_ptr<Service> create(const ServerOptions& options, Parts parts, std::ostream* log,
                                         std::string* error);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  int bind();     // the port bound (options.port, or any free one when 0), or -1
  bool listen();  // serves until stop()
  void stop();
  bool is_running() const;
  std::string base_url() const;  // the public base URL used for aud and links
  MetricsRegistry& metrics();
  // Every route `serve` answers (method, path pattern), in the order they are tried; the CORS
  // preflights (OPTIONS) answered before routing are included.
  const std::vector<RegisteredRoute>& routes() const;

 private:
  struct Impl;
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Binds and serves until stopped; returns non-zero when it cannot start.
int run_server(const ServerOptions& options, std::ostream& log);

}  // namespace switchpoint
