#include "server/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>

#include "server/api.h"
#include "server/cds_audit.h"
#include "server/cds_metrics.h"
#include "server/cds_service.h"
#include "server/crypto.h"

namespace switchpoint {
namespace {

using Clock = std::chrono::steady_clock;

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

const char* error_text(int status) {
  switch (status) {
    case 413: return "request body exceeds the size limit";
    case 404: return "not found";
    case 400: return "malformed request";
    case 401: return "unauthorized";
    case 503: return "overloaded; retry later";
    default: return "request failed";
  }
}

// Errors the library raises itself (413 over the body limit, 404, 400 on malformed HTTP) get
// the same JSON body as ours.
// A 413 is answered before the body was read, and the connection is then closed (close_after):
// the answer says so (RFC 9112 §9.6), or a keep-alive client would send its next request on a
// socket being closed and see a network error (seen, rarely, in the CDS attack tests).
void set_json_error_handler(httplib::Server& svr) {
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 413) res.set_header("Connection", "close");
    if (!res.body.empty()) return;
    ApiResponse a = api_error(res.status, error_text(res.status));
    res.set_content(a.body, a.content_type.c_str());
  });
}

// The path for the access log: a report link's capability token is never written down.
std::string loggable_path(const std::string& path) { return path.rfind("/report/", 0) == 0 ? "/report/…" : path; }

// ---- connections with a whole-request deadline --------------------------------------------

// A socket stream like httplib's own, plus a deadline for reading one whole request: httplib
// 0.11's timeouts apply to each read, so a client sending one byte every few seconds could hold
// a thread for ever; here it is cut off at the deadline.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int sock, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout)
      : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  bool is_readable() const override { return pos_ < len_ || wait(POLLIN, read_budget()); }
  bool is_writable() const override { return wait(POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ < len_) return take(ptr, size);
    if (!wait(POLLIN, read_budget())) {
      timed_out_ = true;
      return -1;
    }
    if (size >= sizeof(buf_)) return ::recv(sock_, ptr, size, 0);
    const ssize_t n = ::recv(sock_, buf_, sizeof(buf_), 0);
    if (n <= 0) return n;
    pos_ = 0;
    len_ = static_cast<std::size_t>(n);
    return take(ptr, size);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait(POLLOUT, write_timeout_)) return -1;
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
  socket_t socket() const override { return sock_; }

  bool buffered() const { return pos_ < len_; }
  void start_request(std::chrono::seconds deadline) {
    deadline_ = Clock::now() + deadline;
    reading_ = true;
  }
  void request_read() { reading_ = false; }  // the body is in: handlers may take their time
  bool timed_out() const { return timed_out_; }

 private:
  std::chrono::milliseconds read_budget() const {
    if (!reading_) return read_timeout_;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    return std::max(std::chrono::milliseconds(0), std::min(left, read_timeout_));
  }
  bool wait(short events, std::chrono::milliseconds timeout) const {
    pollfd p{sock_, events, 0};
    int rc;
    do rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    while (rc < 0 && errno == EINTR);
    return rc > 0;
  }
  ssize_t take(char* ptr, size_t size) {
    const std::size_t n = std::min(size, len_ - pos_);
    std::copy(buf_ + pos_, buf_ + pos_ + n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  void address(bool remote, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    if ((remote ? ::getpeername(sock_, sa, &len) : ::getsockname(sock_, sa, &len)) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
      port = ntohs(a->sin6_port);
    }
    ip = text;
  }

  int sock_;
  std::chrono::milliseconds read_timeout_, write_timeout_;
  Clock::time_point deadline_{};
  bool reading_ = false;
  bool timed_out_ = false;
  char buf_[4096];
  std::size_t pos_ = 0, len_ = 0;
};

// What the handlers of one request share with the connection loop (same thread).
struct RequestState {
  Clock::time_point start;
  GuardedStream* stream = nullptr;
  bool holds_slot = false;   // counted in the in-flight evaluations
  bool close_after = false;  // answered before the body was read: do not reuse the connection
  std::string issuer;        // the authenticated JWT iss
};
thread_local RequestState* t_request = nullptr;

void mark_body_read() {
  if (t_request && t_request->stream) t_request->stream->request_read();
}

// The evaluation is done: its slot is free before the response is written, so that a client
// reading slowly does not hold it, and the next request may have it at once.
void release_slot(std::atomic<int>& in_flight) {
  if (t_request && t_request->holds_slot) {
    t_request->holds_slot = false;
    in_flight.fetch_sub(1);
  }
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr a{};
  return ::inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

void install_routes(httplib::Server& svr, const ServerOptions& opt, std::ostream* access_log) {
  svr.set_payload_max_length(opt.max_body_bytes);
  svr.set_read_timeout(opt.read_timeout_s, 0);
  svr.set_write_timeout(opt.write_timeout_s, 0);

  svr.Post("/api/evaluate", [](const httplib::Request& req, httplib::Response& res) {
    mark_body_read();
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

  set_json_error_handler(svr);
  if (access_log) {
    auto mutex = std::make_shared<std::mutex>();
    // Method, path and status only: never bodies, query strings or headers (patient data, tokens).
    svr.set_logger([access_log, mutex](const httplib::Request& req, const httplib::Response& res) {
      std::lock_guard lock(*mutex);
      *access_log << fmt::format("{} {} {}\n", req.method, loggable_path(req.path), res.status) << std::flush;
    });
  }
}

// ---- the service ------------------------------------------------------------------------

struct Service::Impl {
  class Server final : public httplib::Server {
   public:
    explicit Server(Impl& impl) : impl_(impl) {}

   private:
    // httplib's keep-alive loop, with GuardedStream and the per-request bookkeeping.
    bool process_and_close_socket(socket_t sock) override {
      const ServerOptions& o = impl_.options;
      // Responses go out as headers then body: without TCP_NODELAY, Nagle's algorithm holds the
      // body until the client's delayed ACK (~40 ms).
      const int one = 1;
      ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      GuardedStream strm(sock, std::chrono::seconds(o.read_timeout_s), std::chrono::seconds(o.write_timeout_s));
      bool ret = false;
      for (int count = o.keep_alive_max; count > 0; --count) {
        if (!strm.buffered() && !wait_for_request(sock, std::chrono::seconds(o.keep_alive_timeout_s))) break;
        RequestState state;
        state.start = Clock::now();
        state.stream = &strm;
        t_request = &state;
        strm.start_request(std::chrono::seconds(o.request_deadline_s));
        bool closed = false;
        ret = process_request(strm, count == 1, closed, nullptr);
        t_request = nullptr;
        if (state.holds_slot) impl_.in_flight.fetch_sub(1);
        if (strm.timed_out()) impl_.metrics.error("read_timeout");
        if (!ret || closed || state.close_after || strm.timed_out()) break;
      }
      ::shutdown(sock, SHUT_RDWR);
      ::close(sock);
      return ret;
    }

    bool wait_for_request(int sock, std::chrono::seconds timeout) {
      const auto until = Clock::now() + timeout;
      while (is_running()) {
        pollfd p{sock, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        const int rc = ::poll(&p, 1, static_cast<int>(std::min<long>(left, 100)));
        if (rc > 0) return true;
        if (rc < 0 && errno != EINTR) return false;
      }
      return false;
    }

    Impl& impl_;
  };

  ServerOptions options;
  CdsConfig config;
  std::unique_ptr<AuditLog> audit;
  HttpGet http_get;
  std::function<std::int64_t()> clock;
  std::ostream* log = nullptr;
  std::mutex log_mu;
  std::unique_ptr<CdsAuthenticator> auth;
  std::unique_ptr<CdsService> cds;
  MetricsRegistry metrics;
  std::atomic<int> in_flight{0};
  std::string report_secret;
  std::string base_url;
  Server http{*this};

  void reply(httplib::Response& res, const CdsResult& r) {
    release_slot(in_flight);
    if (!r.error_kind.empty()) metrics.error(r.error_kind);
    send(res, r.http);
  }

  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    RequestState* st = t_request;
    const Route route = route_of(req.method, req.path);
    if (req.method == "POST" || route == Route::Report) {
      if (in_flight.fetch_add(1) >= options.max_in_flight) {
        in_flight.fetch_sub(1);
        metrics.error("overloaded");
        send(res, api_error(503, "overloaded; retry later"));
        res.set_header("Retry-After", "1");
        res.set_header("Connection", "close");
        if (st) st->close_after = true;
        return httplib::Server::HandlerResponse::Handled;
      }
      if (st) st->holds_slot = true;
      else in_flight.fetch_sub(1);
    }
    if (req.path == "/cds-services" || req.path.rfind("/cds-services/", 0) == 0) {
      if (options.cds_dev_unsigned) {
        if (st) st->issuer = "dev-unsigned";
      } else {
        const AuthResult a = auth->authenticate(req.get_header_value("Authorization"), base_url + req.path);
        if (!a.ok) {
          metrics.error(a.missing ? std::string("auth_missing") : fmt::format("auth_{}", jwt::to_string(a.failure)));
          send(res, api_error(401, "unauthorized"));
          res.set_header("WWW-Authenticate", "Bearer");
          if (req.method != "GET") {
            res.set_header("Connection", "close");
            if (st) st->close_after = true;
          }
          return httplib::Server::HandlerResponse::Handled;
        }
        if (st) st->issuer = a.issuer;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  void install() {
    http.new_task_queue = [n = options.threads] { return new httplib::ThreadPool(static_cast<std::size_t>(n)); };
    http.set_keep_alive_max_count(static_cast<std::size_t>(options.keep_alive_max));
    http.set_keep_alive_timeout(options.keep_alive_timeout_s);
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });

    // CDS Hooks first: the web page's catch-all route of install_routes would take /cds-services.
    http.Get("/cds-services", [this](const httplib::Request&, httplib::Response& res) { reply(res, cds->discovery()); });
    http.Post(R"(/cds-services/([A-Za-z0-9._-]+)/feedback)", [this](const httplib::Request& req, httplib::Response& res) {
      mark_body_read();
      reply(res, cds->feedback(req.matches[1].str(), req.body, t_request ? t_request->issuer : ""));
    });
    http.Post(R"(/cds-services/([A-Za-z0-9._-]+))", [this](const httplib::Request& req, httplib::Response& res) {
      mark_body_read();
      reply(res, cds->call(req.matches[1].str(), req.body, t_request ? t_request->issuer : ""));
    });
    http.Get(R"(/report/([A-Za-z0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
      reply(res, cds->report(req.matches[1].str(), clock()));
      // A capability link: no referrer leaks it, nothing caches it.
      res.set_header("Referrer-Policy", "no-referrer");
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
      res.set_header("Cache-Control", "no-store");
    });
    install_routes(http, options, nullptr);
    set_json_error_handler(http);
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      RequestState* st = t_request;
      const double seconds = st ? std::chrono::duration<double>(Clock::now() - st->start).count() : 0.0;
      metrics.observe(route_of(req.method, req.path), res.status, seconds);
      if (res.status == 413) {
        metrics.error("body_too_large");
        if (st) st->close_after = true;
      }
      if (log) {
        std::lock_guard lock(log_mu);
        *log << fmt::format("{} {} {}\n", req.method, loggable_path(req.path), res.status) << std::flush;
      }
    });

    metrics.add_gauge("switchpoint_in_flight_evaluations", "Evaluations being computed now.",
                      [this] { return static_cast<double>(in_flight.load()); });
    metrics.add_gauge("switchpoint_max_in_flight_evaluations", "The cap on evaluations at once (503 beyond).",
                      [this] { return static_cast<double>(options.max_in_flight); });
    metrics.add_gauge("switchpoint_audit_commits", "Audit log transactions committed (one per group of requests).",
                      [this] { return static_cast<double>(audit->commits()); });
  }
};

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

std::unique_ptr<Service> Service::create(const ServerOptions& options, Parts parts, std::ostream* log, std::string* error) {
  auto fail = [&](std::string why) -> std::unique_ptr<Service> {
    if (error) *error = std::move(why);
    return nullptr;
  };
  if (options.cds_dev_unsigned && !is_loopback_host(options.host))
    return fail(fmt::format("--cds-dev-unsigned accepts unsigned CDS requests and works only on a loopback address, not {}",
                            options.host));
  if (!parts.audit) return fail("no audit log");
  if (options.threads < 1 || options.max_in_flight < 1) return fail("threads and max-in-flight must be at least 1");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->config = parts.config;
  impl->audit = std::move(parts.audit);
  impl->http_get = parts.http_get ? parts.http_get : HttpGet(curl_get);
  impl->clock = parts.clock ? parts.clock : std::function<std::int64_t()>(unix_now);
  impl->log = log;
  impl->auth = std::make_unique<CdsAuthenticator>(impl->config, impl->http_get, impl->clock);
  std::string why;
  if (!impl->auth->load(&why)) return fail(why);
  impl->report_secret = impl->config.report_secret.empty() ? crypto::random_bytes(32) : impl->config.report_secret;
  impl->install();
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

int Service::bind() {
  Impl& m = *impl_;
  int port = m.options.port;
  if (port == 0) port = m.http.bind_to_any_port(m.options.host);
  else if (!m.http.bind_to_port(m.options.host, port)) port = -1;
  if (port <= 0) return -1;
  const std::string host = m.options.host.find(':') != std::string::npos && m.options.host.front() != '['
                               ? "[" + m.options.host + "]"
                               : m.options.host;
  m.base_url = m.config.public_base_url.empty() ? fmt::format("http://{}:{}", host, port) : m.config.public_base_url;
  CdsServiceOptions so;
  so.public_base_url = m.base_url;
  so.smart_launch_url = m.config.smart_launch_url.empty() ? m.base_url + "/" : m.config.smart_launch_url;
  so.report_secret = m.report_secret;
  so.fhir_timeout_ms = m.config.fhir_timeout_ms;
  so.report_ttl_s = m.config.report_ttl_s;
  m.cds = std::make_unique<CdsService>(so, m.audit.get(), m.http_get);
  return port;
}

bool Service::listen() { return impl_->cds && impl_->http.listen_after_bind(); }
void Service::stop() { impl_->http.stop(); }
bool Service::is_running() const { return impl_->http.is_running(); }
std::string Service::base_url() const { return impl_->base_url; }
MetricsRegistry& Service::metrics() { return impl_->metrics; }

int run_server(const ServerOptions& opt, std::ostream& log) {
  fetch_global_init();
  Service::Parts parts;
  if (!opt.cds_config.empty()) {
    std::ifstream f(opt.cds_config, std::ios::binary);
    if (!f) {
      log << fmt::format("switchpoint serve: {}: cannot open the CDS configuration\n", opt.cds_config);
      return 2;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    const auto slash = opt.cds_config.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : opt.cds_config.substr(0, slash);
    std::string why;
    auto config = parse_cds_config(ss.str(), dir, &why);
    if (!config) {
      log << fmt::format("switchpoint serve: {}: {}\n", opt.cds_config, why);
      return 2;
    }
    parts.config = std::move(*config);
  }
  if (!opt.cds_dev_unsigned && parts.config.issuers.empty())
    log << "switchpoint serve: no trusted issuer configured (--cds-config): every CDS Hooks request will be refused (401)\n";
  std::string why;
  parts.audit = AuditLog::open(opt.audit_db, &why);
  if (!parts.audit) {
    log << fmt::format("switchpoint serve: {}\n", why);
    return 2;
  }
  auto service = Service::create(opt, std::move(parts), &log, &why);
  if (!service) {
    log << fmt::format("switchpoint serve: {}\n", why);
    return 2;
  }
  const int port = service->bind();
  if (port < 0) {
    log << fmt::format("switchpoint serve: cannot listen on {}:{}\n", opt.host, opt.port);
    return 2;
  }
  log << fmt::format("switchpoint serve: listening on http://{}:{}/ (decision support for clinicians, not a "
                     "substitute for clinical judgement)\n",
                     opt.host, port);
  log << fmt::format("switchpoint serve: CDS Hooks discovery at {}/cds-services; {}; audit log {}\n", service->base_url(),
                     opt.cds_dev_unsigned ? "DEVELOPMENT MODE: unsigned CDS requests accepted (loopback only)"
                                          : "every CDS request needs a JWT from an allowlisted issuer",
                     opt.audit_db)
      << std::flush;
  return service->listen() ? 0 : 1;
}

}  // namespace switchpoint
