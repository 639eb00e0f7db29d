#pragma once
// `switchpoint serve`: the HTTP service on cpp-httplib (Debian's libcpp-httplib), loopback by
// default. Request bodies and records are never logged (they carry patient data).
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace switchpoint {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::size_t max_body_bytes = 8 * 1024 * 1024;  // 413 beyond
  int read_timeout_s = 10;
  int write_timeout_s = 10;
};

// Installs every route on `server` (used by `serve` and by the tests).
void install_routes(httplib::Server& server, const ServerOptions& options, std::ostream* access_log);

// Binds and serves until stopped; returns non-zero when it cannot bind.
int run_server(const ServerOptions& options, std::ostream& log);

}  // namespace switchpoint
