#include "server/server.h"

#include <httplib.h>

#include <fmt/format.h>
#include <mutex>
#include <ostream>

#include "server/api.h"

namespace switchpoint {
namespace {

void send(httplib::Response& res, const ApiResponse& a) {
  res.status = a.status;
  res.set_content(a.body, a.content_type.c_str());
  // The page and its API are same-origin; nothing is cached because results carry patient data.
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob:; "
                 "object-src 'none'; base-uri 'none'");
}

std::string param(const httplib::Request& req, const char* key) {
  return req.has_param(key) ? req.get_param_value(key) : std::string();
}

}  // namespace

void install_routes(httplib::Server& svr, const ServerOptions& opt, std::ostream* access_log) {
  svr.set_payload_max_length(opt.max_body_bytes);
  svr.set_read_timeout(opt.read_timeout_s, 0);
  svr.set_write_timeout(opt.write_timeout_s, 0);

  svr.Post("/api/evaluate", [](const httplib::Request& req, httplib::Response& res) {
    send(res, api_evaluate(req.body, param(req, "as_of"), param(req, "format")));
  });
  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { send(res, api_health()); });
  svr.Get("/api/examples", [](const httplib::Request&, httplib::Response& res) { send(res, api_examples_index()); });
  svr.Get(R"(/api/examples/([A-Za-z0-9._-]+))", [](const httplib::Request& req, httplib::Response& res) {
    if (auto a = api_example(req.matches[1].str())) send(res, *a);
    else send(res, api_error(404, "no such example"));
  });
  svr.Get(R"(/([A-Za-z0-9._-]*))", [](const httplib::Request& req, httplib::Response& res) {
    if (auto a = static_asset(req.path)) send(res, *a);
    else send(res, api_error(404, "not found"));
  });

  // Errors the library raises itself (413 over the body limit, 404, 400 on malformed HTTP) get
  // the same JSON body as ours.
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* what = res.status == 413   ? "request body exceeds the size limit"
                       : res.status == 404 ? "not found"
                       : res.status == 400 ? "malformed request"
                                           : "request failed";
    ApiResponse a = api_error(res.status, what);
    res.set_content(a.body, a.content_type.c_str());
  });
  if (access_log) {
    auto mutex = std::make_shared<std::mutex>();
    // Method, path and status only: never bodies, query strings or headers (patient data, tokens).
    svr.set_logger([access_log, mutex](const httplib::Request& req, const httplib::Response& res) {
      std::lock_guard lock(*mutex);
      *access_log << fmt::format("{} {} {}\n", req.method, req.path, res.status) << std::flush;
    });
  }
}

int run_server(const ServerOptions& opt, std::ostream& log) {
  httplib::Server svr;
  install_routes(svr, opt, &log);
  if (!svr.bind_to_port(opt.host.c_str(), opt.port)) {
    log << fmt::format("switchpoint serve: cannot listen on {}:{}\n", opt.host, opt.port);
    return 2;
  }
  log << fmt::format("switchpoint serve: listening on http://{}:{}/ (decision support for clinicians, not a "
                     "substitute for clinical judgement)\n",
                     opt.host, opt.port)
      << std::flush;
  return svr.listen_after_bind() ? 0 : 1;
}

}  // namespace switchpoint
