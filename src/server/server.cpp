#include "server/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "server/api.h"
#include "server/cds_audit.h"
#include "server/cds_metrics.h"
#include "server/cds_service.h"
#include "server/crypto.h"

namespace switchpoint {
namespace {

using Clock = std::chrono::steady_clock;

// The security headers of every response (httplib's default headers, so the library's own error
// answers carry them too): nothing is cached because results carry patient data; the page and
// its API are same-origin; who may frame the page is the operator's choice (default: nobody).
// connect_src: where the page's scripts may connect besides 'self' (the SMART launch page only).
std::string content_security_policy(const std::string& frame_ancestors, std::string_view connect_src = {}) {
  std::string csp =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob:; ";
  if (!connect_src.empty()) csp += fmt::format("connect-src 'self' {}; ", connect_src);
  return csp + "object-src 'none'; base-uri 'none'; frame-ancestors " + frame_ancestors;
}

// The SMART launch page (web/launch.html, docs/smart-launch.md) talks to the EHR's FHIR and
// authorization servers, which are known only at launch: any https origin, and plain http on
// loopback only (a FHIR server on the clinician's own machine, the tests; a CSP source cannot
// name the IPv6 loopback [::1]). Every other page keeps connect-src 'self'.
constexpr std::string_view kSmartConnectSrc = "https: http://localhost:* http://127.0.0.1:*";

httplib::Headers security_headers(const std::string& frame_ancestors) {
  httplib::Headers h;
  h.emplace("Cache-Control", "no-store");
  h.emplace("X-Content-Type-Options", "nosniff");
  h.emplace("Content-Security-Policy", content_security_policy(frame_ancestors));
  // For browsers without CSP level 2 (frame-ancestors takes precedence where both are known).
  if (frame_ancestors == "'none'") h.emplace("X-Frame-Options", "DENY");
  else if (frame_ancestors == "'self'") h.emplace("X-Frame-Options", "SAMEORIGIN");
  return h;
}

void send(httplib::Response& res, const ApiResponse& a) {
  res.status = a.status;
  res.set_content(a.body, a.content_type);
}

std::string param(const httplib::Request& req, const char* key) {
  return req.has_param(key) ? req.get_param_value(key) : std::string();
}

const char* error_text(int status) {
  switch (status) {
    case 413:
      return "request body exceeds the size limit";
    case 404:
      return "not found";
    case 400:
      return "malformed request";
    case 401:
      return "unauthorized";
    case 503:
      return "overloaded; retry later";
    default:
      return "request failed";
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
    res.set_content(a.body, a.content_type);
  });
}

// The path for the access log: a report link's capability token is never written down.
std::string loggable_path(const std::string& path) { return path.rfind("/report/", 0) == 0 ? "/report/…" : path; }

std::string log_line(std::string_view method, const std::string& path, int status) {
  return fmt::format("{} {} {}\n", log_escape(method), log_escape(loggable_path(path)), status);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}
std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
// tchar (RFC 9110 §5.6.2)
bool is_tchar(unsigned char c) {
  if (std::isalnum(c) && c < 0x80) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
// A value quoted in an error message: printable ASCII only, at most 80 characters.
std::string shown(std::string_view v) {
  std::string out;
  for (unsigned char c : v.substr(0, 80)) out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  if (v.size() > 80) out += "…";
  return "'" + out + "'";
}

// ---- the Host allowlist -------------------------------------------------------------------

struct HostPort {
  std::string host;  // lower case; IPv6 literals in brackets
  int port = -1;     // -1: none given
};

// uri-host [ ":" port ], strictly: a DNS name or IPv4 address of letters, digits, '-', '.', '_'
// or a bracketed IPv6 literal.
std::optional<HostPort> parse_host_port(std::string_view v) {
  HostPort hp;
  std::string_view rest;
  if (!v.empty() && v.front() == '[') {
    const auto close = v.find(']');
    if (close == std::string_view::npos || close < 3) return std::nullopt;
    const std::string inner(v.substr(1, close - 1));
    in6_addr a{};
    if (::inet_pton(AF_INET6, inner.c_str(), &a) != 1) return std::nullopt;
    hp.host = lowercase(v.substr(0, close + 1));
    rest = v.substr(close + 1);
  } else {
    const auto colon = v.find(':');
    const std::string_view name = v.substr(0, colon);
    if (name.empty() || name.size() > 253) return std::nullopt;
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return std::nullopt;
    hp.host = lowercase(name);
    rest = colon == std::string_view::npos ? std::string_view() : v.substr(colon);
  }
  if (!rest.empty()) {
    const std::string_view port = rest.substr(1);
    if (rest.front() != ':' || !all_digits(port) || port.size() > 5) return std::nullopt;
    hp.port = std::stoi(std::string(port));
    if (hp.port < 1 || hp.port > 65535) return std::nullopt;
  }
  return hp;
}

// ---- request framing (RFC 9112) -----------------------------------------------------------

constexpr std::size_t kMaxRequestLine = 8192;  // 414 beyond (httplib's own limit too)
constexpr std::size_t kMaxFieldLine = 8192;    // 431 beyond
constexpr std::size_t kMaxHead = 32 * 1024;    // request line and fields; 431 beyond
constexpr std::size_t kMaxFields = 100;        // 431 beyond
constexpr std::size_t kMaxChunkLine = 1024;    // chunk size and extensions; 400 beyond
constexpr std::size_t kMaxTrailer = 8192;      // trailer fields after the last chunk; 431 beyond
constexpr std::size_t kRecvChunk = 64 * 1024;
constexpr auto kLinger = std::chrono::seconds(2);  // draining a refused request's rest before closing

struct Refusal {
  int status = 400;
  std::string message;
  std::string error_kind;  // metrics
};

// What the framing made of a request head.
struct Head {
  std::string method, target, version;
  std::string fields;  // re-serialized field lines, without Content-Length, Transfer-Encoding, Expect
  bool chunked = false;
  std::uint64_t content_length = 0;
  bool expect_continue = false;
  bool close = false;  // Connection: close, or HTTP/1.0 without keep-alive
  HostPort host;
};

// Checks one field line (without CRLF); appends its name (lower case) and value.
std::optional<Refusal> parse_field_line(std::string_view line, std::string& name, std::string_view& value) {
  if (line.front() == ' ' || line.front() == '\t')
    return Refusal{
        400,
        "a header line starts with a space or tab (obsolete line folding, RFC 9112 §5.2); send each header on one line",
        "bad_framing"};
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return Refusal{400, fmt::format("the header line {} has no 'name: value' form", shown(line)), "bad_framing"};
  for (std::size_t i = 0; i < colon; ++i)
    if (!is_tchar(static_cast<unsigned char>(line[i]))) {
      return Refusal{400,
                     fmt::format("the header name {} has a character not allowed in a header name (a space before the "
                                 "colon is not allowed, RFC 9112 §5.1)",
                                 shown(line.substr(0, colon))),
                     "bad_framing"};
    }
  name = lowercase(line.substr(0, colon));
  value = trim_ows(line.substr(colon + 1));
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return Refusal{400, fmt::format("the header {} has a control character in its value", shown(name)),
                     "bad_framing"};
  return std::nullopt;
}

}  // namespace

std::string log_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c > 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

std::string check_allowed_host(const std::string& entry) {
  if (!parse_host_port(entry))
    return fmt::format(
        "--allowed-host {}: expected a host name or address with an optional :port (e.g. "
        "cds.example.org or cds.example.org:8443, [::1]:8080)",
        shown(entry));
  return "";
}

std::string check_cors_origin(const std::string& origin, std::string* normalized) {
  std::string usage = fmt::format(
      "--cors-origin {}: expected a browser origin, scheme://host[:port] with scheme http or https and no path (e.g. "
      "https://sandbox.cds-hooks.org or http://localhost:8000)",
      shown(origin));
  if (origin == "*")
    return fmt::format(
        "--cors-origin '*': a wildcard would let every web page call the CDS service from a browser; name "
        "each origin (e.g. https://sandbox.cds-hooks.org)");
  if (origin == "null")
    return "--cors-origin 'null': the opaque origin of sandboxed frames and local files cannot be told apart; name an "
           "http or "
           "https origin";
  const auto sep = origin.find("://");
  if (sep == std::string::npos) return usage;
  const std::string scheme = lowercase(std::string_view(origin).substr(0, sep));
  if (scheme != "http" && scheme != "https") return usage;
  const std::string_view rest = std::string_view(origin).substr(sep + 3);
  if (rest.find_first_of("/?#") != std::string_view::npos)
    return fmt::format(
        "--cors-origin {}: an origin has no path, query or trailing slash; give only scheme://host[:port]",
        shown(origin));
  if (rest.find('@') != std::string_view::npos) return usage;
  const auto hp = parse_host_port(rest);
  if (!hp) return usage;
  std::string out = scheme + "://" + hp->host;
  if (hp->port != -1 && !(scheme == "http" && hp->port == 80) && !(scheme == "https" && hp->port == 443))
    out += fmt::format(":{}", hp->port);
  if (normalized) *normalized = std::move(out);
  return "";
}

std::string check_frame_ancestors(const std::string& sources) {
  std::istringstream in(sources);
  std::string s;
  int n = 0;
  bool none = false;
  while (in >> s) {
    ++n;
    if (s == "'none'") {
      none = true;
      continue;
    }
    if (s == "'self'") continue;
    const auto scheme = s.find("://");
    bool ok = scheme != std::string::npos && scheme > 0;
    if (ok) {
      for (std::size_t i = 0; i < scheme; ++i)
        ok = ok && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.');
      const std::string rest = s.substr(scheme + 3);
      ok = ok && !rest.empty();
      for (char c : rest)
        ok = ok && (std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("-._~:[]*/%").find(c) != std::string_view::npos);
    }
    if (!ok)
      return fmt::format("--frame-ancestors: {} is not 'none', 'self' or an origin such as https://ehr.example.org",
                         shown(s));
  }
  if (n == 0) return "--frame-ancestors: empty; give 'none' (the default), 'self' or the EHR's origin";
  if (none && n > 1) return "--frame-ancestors: 'none' cannot be combined with other sources";
  return "";
}

namespace {

// Parses a complete head (request line and field lines, each ending CRLF, then CRLF). `limit` is
// the body size limit; `allowed` decides the Host.
std::variant<Head, Refusal> parse_head(std::string_view head, std::size_t limit,
                                       const std::function<bool(const HostPort&)>& allowed) {
  Head h;
  std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  if (line.size() > kMaxRequestLine)
    return Refusal{414, fmt::format("the request line is longer than {} bytes", kMaxRequestLine), "bad_framing"};
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Refusal{400, "the request line is not 'METHOD target HTTP/1.1' with single spaces", "bad_framing"};
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (method.empty() ||
      !std::all_of(method.begin(), method.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
    return Refusal{400, "the request method is not a token", "bad_framing"};
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return Refusal{400, "the request target is empty or has a space, control or non-ASCII byte (percent-encode it)",
                   "bad_framing"};
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
        std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
        std::isdigit(static_cast<unsigned char>(version[7])))
      return Refusal{505, fmt::format("{} is not supported; use HTTP/1.1", shown(version)), "bad_framing"};
    return Refusal{400, "the request line does not end with HTTP/1.1 or HTTP/1.0", "bad_framing"};
  }
  h.method.assign(method);
  h.target.assign(target);
  h.version.assign(version);
  // Request-target forms (RFC 9112 §3.2): origin-form (/path); absolute-form, which a server must
  // accept: its authority is checked like a Host and the target becomes its path; asterisk-form
  // for OPTIONS. Nothing else (authority-form is for CONNECT through proxies).
  std::optional<HostPort> target_host;
  if (const auto scheme = target.find("://");
      scheme != std::string_view::npos &&
      (iequals(target.substr(0, scheme), "http") || iequals(target.substr(0, scheme), "https"))) {
    const std::string_view rest = target.substr(scheme + 3);
    const auto path_at = rest.find_first_of("/?");
    target_host = parse_host_port(rest.substr(0, path_at));
    if (!target_host)
      return Refusal{400, fmt::format("the request target {} does not name a host", shown(target)), "bad_host"};
    if (!allowed(*target_host))
      return Refusal{421,
                     fmt::format("the request target {} does not name this server; an operator can allow it with "
                                 "`switchpoint serve --allowed-host NAME`",
                                 shown(target)),
                     "misdirected_host"};
    h.target = path_at == std::string_view::npos ? std::string("/") : std::string(rest.substr(path_at));
    if (h.target.front() == '?') h.target.insert(0, "/");
  } else if (target.front() != '/' && !(target == "*" && method == "OPTIONS")) {
    return Refusal{400, fmt::format("the request target {} is not a path starting with /", shown(target)),
                   "bad_framing"};
  }

  int hosts = 0, lengths = 0;
  std::string_view host_value, length_value;
  std::vector<std::string> codings;
  bool has_te = false, keep_alive = false;
  std::size_t fields = 0;
  std::size_t pos = eol + 2;
  for (;;) {
    eol = head.find("\r\n", pos);
    const std::string_view fl = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (fl.empty()) break;
    if (fl.size() > kMaxFieldLine)
      return Refusal{431, fmt::format("a header line is longer than {} bytes", kMaxFieldLine), "bad_framing"};
    if (++fields > kMaxFields) return Refusal{431, fmt::format("more than {} header lines", kMaxFields), "bad_framing"};
    std::string name;
    std::string_view value;
    if (auto r = parse_field_line(fl, name, value)) return *r;
    if (name == "host") {
      ++hosts;
      host_value = value;
    } else if (name == "content-length") {
      ++lengths;
      length_value = value;
    } else if (name == "transfer-encoding") {
      has_te = true;
      std::string_view v = value;
      while (true) {
        const auto comma = v.find(',');
        const std::string_view item = trim_ows(v.substr(0, comma));
        if (!item.empty()) codings.push_back(lowercase(item));
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    } else if (name == "expect") {
      if (!iequals(value, "100-continue"))
        return Refusal{417, fmt::format("the Expect header {} is not supported (only 100-continue)", shown(value)),
                       "bad_framing"};
      h.expect_continue = true;
    } else if (name == "connection") {
      std::string_view v = value;
      while (true) {
        const auto comma = v.find(',');
        const std::string_view item = trim_ows(v.substr(0, comma));
        if (iequals(item, "close")) h.close = true;
        if (iequals(item, "keep-alive")) keep_alive = true;
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    }
    if (name != "content-length" && name != "transfer-encoding" && name != "expect") {
      h.fields.append(fl.substr(0, fl.find(':')));
      h.fields.append(": ");
      h.fields.append(value);
      h.fields.append("\r\n");
    }
  }
  if (h.version == "HTTP/1.0" && !keep_alive) h.close = true;

  // Host (RFC 9112 §3.2): exactly one, naming this server (DNS rebinding).
  if (hosts == 0) return Refusal{400, "the Host header is missing", "bad_host"};
  if (hosts > 1) return Refusal{400, "the request has more than one Host header", "bad_host"};
  const auto hp = parse_host_port(host_value);
  if (!hp)
    return Refusal{400, fmt::format("the Host header {} is not a host name with an optional :port", shown(host_value)),
                   "bad_host"};
  if (!allowed(*hp))
    return Refusal{421,
                   fmt::format("the Host header {} does not name this server; an operator can allow it with "
                               "`switchpoint serve --allowed-host NAME`",
                               shown(host_value)),
                   "misdirected_host"};
  h.host = *hp;

  // Message body length (RFC 9112 §6): one Content-Length, or chunked alone; anything else could
  // be read differently by another HTTP processor (request smuggling), so it is refused and the
  // connection closed.
  if (has_te) {
    if (h.version == "HTTP/1.0")
      return Refusal{400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1); send Content-Length",
                     "bad_framing"};
    if (lengths > 0)
      return Refusal{400, "the request has both Content-Length and Transfer-Encoding (RFC 9112 §6.3); send only one",
                     "bad_framing"};
    if (codings.empty() || codings.back() != "chunked")
      return codings.empty() || std::find(codings.begin(), codings.end(), "chunked") != codings.end()
                 ? Refusal{400, "Transfer-Encoding does not end with chunked (RFC 9112 §6.3)", "bad_framing"}
                 : Refusal{501,
                           fmt::format("Transfer-Encoding {} is not supported; send chunked or Content-Length",
                                       shown(codings.back())),
                           "bad_framing"};
    if (std::count(codings.begin(), codings.end(), "chunked") > 1)
      return Refusal{400, "Transfer-Encoding names chunked more than once (RFC 9112 §7)", "bad_framing"};
    if (codings.size() > 1)
      return Refusal{501,
                     fmt::format("Transfer-Encoding {} is not supported; send chunked alone or Content-Length",
                                 shown(codings.front())),
                     "bad_framing"};
    h.chunked = true;
  } else if (lengths > 1) {
    return Refusal{400, "the request has more than one Content-Length header (RFC 9112 §6.3)", "bad_framing"};
  } else if (lengths == 1) {
    if (!all_digits(length_value) || length_value.size() > 19)
      return Refusal{400, fmt::format("Content-Length {} is not a number of bytes (digits only)", shown(length_value)),
                     "bad_framing"};
    h.content_length = std::stoull(std::string(length_value));
    if (h.content_length > limit)
      return Refusal{
          413, fmt::format("the request body ({} bytes) exceeds the size limit of {} bytes", h.content_length, limit),
          "body_too_large"};
  }
  return h;
}

// ---- a worker's view of one request ---------------------------------------------------------

// The request as the event loop re-framed it (head with one Content-Length, then the body), read
// from memory; the response is written to the socket with a deadline per write.
class ReplayStream final : public httplib::Stream {
 public:
  ReplayStream(int sock, const std::string& request, std::chrono::milliseconds write_timeout)
      : sock_(sock), request_(request), write_timeout_(write_timeout) {}

  bool is_readable() const override { return pos_ < request_.size(); }
  bool is_writable() const override { return wait(POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, request_.size() - pos_);
    std::copy(request_.data() + pos_, request_.data() + pos_ + n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    for (;;) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait(POLLOUT, write_timeout_)) return -1;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  bool wait(short events, std::chrono::milliseconds timeout) const {
    pollfd p{sock_, events, 0};
    int rc;
    do rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    while (rc < 0 && errno == EINTR);
    return rc > 0 && (p.revents & events) != 0;
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
  const std::string& request_;
  std::size_t pos_ = 0;
  std::chrono::milliseconds write_timeout_;
};

// Registers routes on a server and, when a table is given, lists them there.
struct RouteAdder {
  httplib::Server& svr;
  std::vector<RegisteredRoute>* table;
  void get(const std::string& pattern, httplib::Server::Handler h) {
    if (table) table->push_back({"GET", pattern});
    svr.Get(pattern, std::move(h));
  }
  void post(const std::string& pattern, httplib::Server::Handler h) {
    if (table) table->push_back({"POST", pattern});
    svr.Post(pattern, std::move(h));
  }
};

// The CDS Hooks endpoints: CORS applies to these only.
bool is_cds_path(const std::string& path) { return path == "/cds-services" || path.rfind("/cds-services/", 0) == 0; }
// The CDS endpoints a preflight is answered for (Service::Impl::preflight): discovery, a service,
// its feedback — the paths of the CDS routes below. As a route table entry:
constexpr const char* kCdsPreflightPattern = R"(/cds-services(/[A-Za-z0-9._-]+(/feedback)?)?)";
bool is_cds_endpoint(std::string_view path) {
  if (path == "/cds-services") return true;
  if (!path.starts_with("/cds-services/")) return false;
  path.remove_prefix(std::string_view("/cds-services/").size());
  if (path.ends_with("/feedback")) path.remove_suffix(std::string_view("/feedback").size());
  return !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// What the handlers of one request share with the worker (same thread).
struct RequestState {
  Clock::time_point start;
  bool holds_slot = false;   // counted in the in-flight evaluations
  bool close_after = false;  // do not reuse the connection
  std::string issuer;        // the authenticated JWT iss
};
thread_local RequestState* t_request = nullptr;

// The evaluation is done: its slot is free before the response is written, so that a client
// reading slowly does not hold it, and the next request may have it at once.
void release_slot(std::atomic<int>& in_flight) {
  if (t_request && t_request->holds_slot) {
    t_request->holds_slot = false;
    in_flight.fetch_sub(1);
  }
}

std::string peer_address(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?";
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, text, sizeof(text));
  else if (addr.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, text, sizeof(text));
  return text;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr a{};
  return ::inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

void install_routes(httplib::Server& svr, const ServerOptions& opt, std::ostream* access_log,
                    std::vector<RegisteredRoute>* table) {
  svr.set_payload_max_length(opt.max_body_bytes);
  svr.set_read_timeout(opt.read_timeout_s, 0);
  svr.set_write_timeout(opt.write_timeout_s, 0);
  svr.set_default_headers(security_headers(opt.frame_ancestors));

  // Every route goes through `routes`, so that the route table (and the drift test of
  // docs/openapi.json) sees it.
  RouteAdder routes{svr, table};
  routes.post("/api/evaluate", [](const httplib::Request& req, httplib::Response& res) {
    send(res, api_evaluate(req.body, param(req, "as_of"), param(req, "format")));
  });
  routes.get("/healthz", [](const httplib::Request&, httplib::Response& res) { send(res, api_health()); });
  routes.get("/openapi.json", [](const httplib::Request&, httplib::Response& res) { send(res, api_openapi()); });
  routes.get("/api/prefetch", [](const httplib::Request&, httplib::Response& res) {
    send(res, ApiResponse{200, "application/json", prefetch_templates_json()});
  });
  routes.get("/api/examples", [](const httplib::Request&, httplib::Response& res) { send(res, api_examples_index()); });
  routes.get(R"(/api/examples/([A-Za-z0-9._-]+))", [](const httplib::Request& req, httplib::Response& res) {
    if (auto a = api_example(req.matches[1].str())) send(res, *a);
    else send(res, api_error(404, "no such example"));
  });
  routes.get(R"(/fhir/.*)",
             [](const httplib::Request& req, httplib::Response& res) { send(res, api_fhir_vocabulary(req.path)); });
  routes.get(R"(/([A-Za-z0-9._-]*))", [frame_ancestors = opt.frame_ancestors](const httplib::Request& req,
                                                                              httplib::Response& res) {
    if (auto a = static_asset(req.path)) {
      // In place of the default policy (already among the headers), never beside it: browsers
      // enforce every policy they are given.
      if (req.path == "/launch.html") {
        res.headers.erase("Content-Security-Policy");
        res.set_header("Content-Security-Policy", content_security_policy(frame_ancestors, kSmartConnectSrc));
      }
      send(res, *a);
    } else {
      send(res, api_error(404, "not found"));
    }
  });

  set_json_error_handler(svr);
  if (access_log) {
    auto mutex = std::make_shared<std::mutex>();
    // Method, path and status only: never bodies, query strings or headers (patient data, tokens).
    svr.set_logger([access_log, mutex](const httplib::Request& req, const httplib::Response& res) {
      std::lock_guard lock(*mutex);
      *access_log << log_line(req.method, req.path, res.status) << std::flush;
    });
  }
}

// ---- the service ------------------------------------------------------------------------

struct Service::Impl {
  // httplib accepts; each accepted socket goes to the event loop (adopt), which frames requests;
  // workers run httplib's request processing on a complete, re-framed request in memory.
  class Server final : public httplib::Server {
   public:
    explicit Server(Impl& impl) : impl_(impl) {}
    bool serve_one(httplib::Stream& strm, bool close, bool& closed) {
      return process_request(strm, close, closed, nullptr);
    }
    // httplib 0.11 listens with a backlog of 5: a burst of connections (64 slow clients opened at
    // once) overflows it and the kernel drops SYNs, which clients retry only after 1 s.
    void raise_backlog() { ::listen(svr_sock_, SOMAXCONN); }

   private:
    bool process_and_close_socket(socket_t sock) override {
      impl_.adopt(sock);
      return true;
    }
    Impl& impl_;
  };
  // Runs each accepted socket's task at once on the accept thread: adopt() only queues it.
  struct InlineQueue final : httplib::TaskQueue {
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
  };

  enum class Phase { Head, Body, Chunk, Busy, Draining };
  enum class ChunkState { Size, Data, DataEnd, Trailer };
  struct Conn {
    int fd = -1;
    std::string ip;
    Phase phase = Phase::Head;
    std::string in;        // received, not yet framed
    std::string body;      // the body being assembled
    bool started = false;  // a byte of the current request has arrived (or the connection is new)
    Clock::time_point idle_until, head_until, request_until, read_until, drain_until;
    Clock::time_point arrived;  // the current request's first byte
    Head head;
    ChunkState cs = ChunkState::Size;
    std::uint64_t chunk_left = 0;
    std::size_t trailer_bytes = 0;
    int served = 0;
    bool closed = false;
  };
  struct Job {
    Conn* conn;
    std::string request;
    Clock::time_point arrived;
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
  std::vector<HostPort> allowed_hosts;    // port -1: any port
  std::vector<std::string> cors_origins;  // serialized origins (check_cors_origin)
  std::vector<RegisteredRoute> route_table;
  Server http{*this};

  // The event loop's state (its thread only), and what other threads hand it (under mu).
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  std::unordered_map<std::string, int> per_ip;
  std::atomic<int> open_connections{0};
  std::size_t loop_buffered = 0;             // bytes held by connections being read (loop thread)
  std::atomic<std::size_t> queued_bytes{0};  // bytes of requests handed to workers, not yet done
  std::mutex mu;
  std::vector<int> accepted;
  std::vector<std::pair<Conn*, bool>> returned;  // after a response: close?
  int wake_fds[2] = {-1, -1};
  std::atomic<bool> stopping{false};
  std::thread loop_thread;
  // The workers.
  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::deque<Job> jobs;
  bool workers_stop = false;
  std::vector<std::thread> workers;

  void write_log(std::string_view method, const std::string& path, int status) {
    if (!log) return;
    std::lock_guard lock(log_mu);
    *log << log_line(method, path, status) << std::flush;
  }

  void reply(httplib::Response& res, const CdsResult& r) {
    release_slot(in_flight);
    if (!r.error_kind.empty()) metrics.error(r.error_kind);
    send(res, r.http);
  }

  bool host_allowed(const HostPort& hp) const {
    for (const HostPort& a : allowed_hosts)
      if (a.host == hp.host && (a.port == -1 || a.port == hp.port || (hp.port == -1 && a.port == 80))) return true;
    return false;
  }

  void compute_allowed_hosts(int port) {
    allowed_hosts = {{"localhost", port}, {"127.0.0.1", port}, {"[::1]", port}};
    std::string bound = lowercase(options.host);
    if (bound.find(':') != std::string::npos && bound.front() != '[') bound = "[" + bound + "]";
    if (bound != "0.0.0.0" && bound != "[::]" && !bound.empty()) {
      if (auto hp = parse_host_port(bound)) allowed_hosts.push_back({hp->host, port});
    }
    // The public base URL's host (behind a reverse proxy the Host is the public name).
    if (const auto scheme = config.public_base_url.find("://"); scheme != std::string::npos) {
      const std::string rest = config.public_base_url.substr(scheme + 3);
      if (auto hp = parse_host_port(rest.substr(0, rest.find('/')))) allowed_hosts.push_back({hp->host, -1});
    }
    for (const std::string& e : options.allowed_hosts)
      if (auto hp = parse_host_port(e)) allowed_hosts.push_back(*hp);
  }

  // ---- accepting --------------------------------------------------------------------------

  void wake() {
    const char b = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fds[1], &b, 1);
  }

  void adopt(int sock) {
    {
      std::lock_guard lock(mu);
      if (!stopping) {
        accepted.push_back(sock);
        sock = -1;
      }
    }
    if (sock >= 0) ::close(sock);
    else wake();
  }

  void admit(int fd, Clock::time_point now) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    // Responses go out as headers then body: without TCP_NODELAY, Nagle's algorithm holds the
    // body until the client's delayed ACK (~40 ms).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->ip = peer_address(fd);
    const int from_ip = ++per_ip[c->ip];
    const int open = ++open_connections;
    Conn& ref = *c;
    conns.emplace(fd, std::move(c));
    start_request(ref, now, true);
    if (open > options.max_connections || from_ip > options.max_connections_per_ip) {
      metrics.error("too_many_connections");
      refuse(ref,
             Refusal{503,
                     open > options.max_connections
                         ? fmt::format("too many open connections (at most {}); retry later", options.max_connections)
                         : fmt::format("too many open connections from one address (at most {}); retry later",
                                       options.max_connections_per_ip),
                     ""},
             "-", "-", now);
      // A flood is not lingered over: beyond the cap by a margin, close at once.
      if (open > options.max_connections + 64) close_now(ref);
    }
  }

  void start_request(Conn& c, Clock::time_point now, bool fresh) {
    c.phase = Phase::Head;
    c.body.clear();
    c.head = Head{};
    c.cs = ChunkState::Size;
    c.chunk_left = 0;
    c.trailer_bytes = 0;
    c.started = false;
    // A new connection must start its request within the header deadline; a kept-alive one may
    // idle for the keep-alive timeout. Either is closed quietly if nothing comes; once a byte has
    // come, the header and whole-request deadlines run.
    c.idle_until = now + std::chrono::seconds(fresh ? options.header_deadline_s : options.keep_alive_timeout_s);
    if (!c.in.empty()) begin_arrival(c, now);
  }
  void begin_arrival(Conn& c, Clock::time_point now) {
    c.started = true;
    c.arrived = now;
    c.head_until = now + std::chrono::seconds(options.header_deadline_s);
    c.request_until = now + std::chrono::seconds(options.request_deadline_s);
    c.read_until = now + std::chrono::seconds(options.read_timeout_s);
  }

  Clock::time_point deadline_of(const Conn& c) const {
    if (c.phase == Phase::Draining) return c.drain_until;
    if (!c.started) return c.idle_until;
    Clock::time_point d = std::min(c.request_until, c.read_until);
    if (c.phase == Phase::Head) d = std::min(d, c.head_until);
    return d;
  }

  // ---- answering without a worker: refusals ------------------------------------------------

  void refuse(Conn& c, const Refusal& r, std::string_view method, std::string_view target, Clock::time_point now) {
    if (!r.error_kind.empty()) metrics.error(r.error_kind);
    const std::string path(target.substr(0, target.find('?')));
    metrics.observe(method == "-" ? Route::Other : route_of(method, path), r.status,
                    c.started ? std::chrono::duration<double>(now - c.arrived).count() : 0.0);
    write_log(method, path, r.status);
    const ApiResponse a = api_error(r.status, r.message);
    std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                                  r.status, reason_phrase(r.status), a.content_type, a.body.size());
    if (r.status == 503) out += "Retry-After: 1\r\n";
    for (const auto& [k, v] : security_headers(options.frame_ancestors)) out += fmt::format("{}: {}\r\n", k, v);
    out += "\r\n" + a.body;
    // Best effort: a small answer fits the socket buffer of a fresh connection.
    [[maybe_unused]] const ssize_t n = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    begin_drain(c, now);
  }

  // Closes the sending side and discards what still arrives for a moment, so that the answer is
  // not destroyed by a reset (closing with unread data), then closes.
  void begin_drain(Conn& c, Clock::time_point now) {
    ::shutdown(c.fd, SHUT_WR);
    c.phase = Phase::Draining;
    c.drain_until = now + kLinger;
    std::string().swap(c.in);
    std::string().swap(c.body);
  }

  void close_now(Conn& c) {
    if (c.closed) return;
    c.closed = true;
    ::close(c.fd);
    if (--per_ip[c.ip] <= 0) per_ip.erase(c.ip);
    --open_connections;
  }

  // ---- reading and framing ----------------------------------------------------------------

  void on_readable(Conn& c, Clock::time_point now) {
    char buf[kRecvChunk];
    for (int rounds = 0; rounds < 4; ++rounds) {
      const ssize_t n = ::recv(c.fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      if (n <= 0) {
        close_now(c);  // the client went away (mid-request too: nothing to answer)
        return;
      }
      if (c.phase == Phase::Draining) continue;
      if (!c.started) begin_arrival(c, now);
      c.read_until = now + std::chrono::seconds(options.read_timeout_s);
      const std::size_t held_before = c.in.size() + c.body.size();
      c.in.append(buf, static_cast<std::size_t>(n));
      advance(c, now);
      const bool reading_body = !c.closed && (c.phase == Phase::Body || c.phase == Phase::Chunk);
      loop_buffered = loop_buffered - std::min(loop_buffered, held_before) +
                      (c.closed || c.phase == Phase::Draining ? 0 : c.in.size() + c.body.size());
      if (reading_body && loop_buffered + queued_bytes.load() > options.max_buffered_bytes) {
        const std::size_t held = loop_buffered + queued_bytes.load();
        loop_buffered -= std::min(loop_buffered, c.in.size() + c.body.size());
        return refuse(
            c,
            Refusal{503,
                    fmt::format("the service is receiving too many request bodies at once ({} bytes held, at most "
                                "{}); retry later",
                                held, options.max_buffered_bytes),
                    "buffer_full"},
            c.head.method, c.head.target, now);
      }
      if (c.phase == Phase::Busy || c.phase == Phase::Draining || c.closed) return;
    }
  }

  // The method and target of a request line, for the log of a refusal.
  static std::pair<std::string, std::string> line_parts(std::string_view in) {
    const std::string_view line = in.substr(0, std::min<std::size_t>(in.find("\r\n"), 300));
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return {"-", "-"};
    const auto sp2 = line.find(' ', sp1 + 1);
    return {std::string(line.substr(0, sp1)),
            std::string(line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1))};
  }

  // A bare LF, a bare CR or a NUL in a head: refused (no other parser may read it differently).
  static std::optional<Refusal> check_line_bytes(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\0') return Refusal{400, "the request head has a NUL byte", "bad_framing"};
      if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
        return Refusal{400, "a line of the request head ends with LF alone; HTTP lines end with CR LF", "bad_framing"};
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] != '\n')
        return Refusal{400, "the request head has a CR that does not end a line", "bad_framing"};
    }
    return std::nullopt;
  }

  void advance(Conn& c, Clock::time_point now) {
    if (c.phase == Phase::Head) {
      std::size_t skip = 0;  // empty lines before a request line are ignored (RFC 9112 §2.2)
      while (c.in.compare(skip, 2, "\r\n") == 0) skip += 2;
      if (skip) c.in.erase(0, skip);
      const std::size_t end = c.in.find("\r\n\r\n");
      const std::string_view head = std::string_view(c.in).substr(0, end == std::string::npos ? kMaxHead + 4 : end + 4);
      const auto [method, target] = line_parts(head);
      if (auto r = check_line_bytes(head)) return refuse(c, *r, method, target, now);
      if (end == std::string::npos) {
        if (c.in.find("\r\n") == std::string::npos && c.in.size() > kMaxRequestLine)
          return refuse(
              c, Refusal{414, fmt::format("the request line is longer than {} bytes", kMaxRequestLine), "bad_framing"},
              "-", "-", now);
        if (c.in.size() > kMaxHead)
          return refuse(c, Refusal{431, fmt::format("the request headers exceed {} bytes", kMaxHead), "bad_framing"},
                        method, target, now);
        return;  // more to come
      }
      auto parsed = parse_head(head, options.max_body_bytes, [this](const HostPort& hp) { return host_allowed(hp); });
      if (auto* r = std::get_if<Refusal>(&parsed)) return refuse(c, *r, method, target, now);
      c.head = std::move(std::get<Head>(parsed));
      c.in.erase(0, end + 4);
      if (c.head.chunked) c.phase = Phase::Chunk;
      else if (c.head.content_length > 0) c.phase = Phase::Body;
      else return dispatch(c);
      if (c.head.expect_continue && c.in.empty()) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        [[maybe_unused]] const ssize_t n =
            ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
    if (c.phase == Phase::Body) {
      if (c.in.size() < c.head.content_length) return;
      c.body = c.in.substr(0, c.head.content_length);
      c.in.erase(0, c.head.content_length);
      return dispatch(c);
    }
    if (c.phase == Phase::Chunk) advance_chunked(c, now);
  }

  // The chunked coding (RFC 9112 §7.1), decoded as it arrives; the body limit holds for the sum
  // of the chunks, checked before a chunk's data is read.
  void advance_chunked(Conn& c, Clock::time_point now) {
    const std::string& m = c.head.method;
    const std::string& t = c.head.target;
    auto bad = [&](std::string message) { refuse(c, Refusal{400, std::move(message), "bad_framing"}, m, t, now); };
    for (;;) {
      switch (c.cs) {
        case ChunkState::Size: {
          const std::size_t eol = c.in.find("\r\n");
          const std::string_view line =
              std::string_view(c.in).substr(0, eol == std::string::npos ? kMaxChunkLine + 1 : eol);
          if (auto r = check_line_bytes(line)) return bad("a chunk size line has a bare LF, bare CR or NUL");
          if (eol == std::string::npos) {
            if (c.in.size() > kMaxChunkLine)
              return bad(fmt::format("a chunk size line is longer than {} bytes", kMaxChunkLine));
            return;
          }
          std::size_t digits = 0;
          while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) ++digits;
          if (digits == 0) return bad(fmt::format("the chunk size {} is not a hexadecimal number", shown(line)));
          const std::string_view ext = trim_ows(line.substr(digits));
          if (!ext.empty() && ext.front() != ';')
            return bad(fmt::format("the chunk size line {} has characters after the size that are not an extension",
                                   shown(line)));
          for (unsigned char ch : ext)
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) return bad("a chunk extension has a control character");
          std::uint64_t size = 0;
          const std::string_view hex = line.substr(0, digits);
          const std::size_t first = std::min(hex.find_first_not_of('0'), hex.size());
          if (hex.size() - first > 15)
            return refuse(
                c,
                Refusal{413, fmt::format("the request body exceeds the size limit of {} bytes", options.max_body_bytes),
                        "body_too_large"},
                m, t, now);
          for (char ch : hex.substr(first))
            size = size * 16 + static_cast<std::uint64_t>(
                                   std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : lower(ch) - 'a' + 10);
          if (c.body.size() + size > options.max_body_bytes)
            return refuse(
                c,
                Refusal{413,
                        fmt::format("the request body (over {} bytes so far) exceeds the size limit of {} bytes",
                                    c.body.size() + size, options.max_body_bytes),
                        "body_too_large"},
                m, t, now);
          c.in.erase(0, eol + 2);
          if (size == 0) c.cs = ChunkState::Trailer;
          else {
            c.chunk_left = size;
            c.cs = ChunkState::Data;
          }
          break;
        }
        case ChunkState::Data: {
          const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(c.chunk_left, c.in.size()));
          c.body.append(c.in, 0, take);
          c.in.erase(0, take);
          c.chunk_left -= take;
          if (c.chunk_left > 0) return;
          c.cs = ChunkState::DataEnd;
          break;
        }
        case ChunkState::DataEnd:
          if (c.in.size() < 2) return;
          if (c.in.compare(0, 2, "\r\n") != 0)
            return bad("chunk data is not followed by CR LF (a chunk size does not match its data)");
          c.in.erase(0, 2);
          c.cs = ChunkState::Size;
          break;
        case ChunkState::Trailer: {
          const std::size_t eol = c.in.find("\r\n");
          const std::string_view line =
              std::string_view(c.in).substr(0, eol == std::string::npos ? kMaxTrailer + 1 : eol);
          if (check_line_bytes(line)) return bad("a trailer line has a bare LF, bare CR or NUL");
          if (eol == std::string::npos) {
            if (c.trailer_bytes + c.in.size() > kMaxTrailer)
              return refuse(c,
                            Refusal{431, fmt::format("the trailer fields exceed {} bytes", kMaxTrailer), "bad_framing"},
                            m, t, now);
            return;
          }
          if (line.empty()) {
            c.in.erase(0, 2);
            return dispatch(c);
          }
          std::string name;
          std::string_view value;
          if (auto r = parse_field_line(line, name, value)) return refuse(c, *r, m, t, now);
          c.trailer_bytes += eol + 2;
          if (c.trailer_bytes > kMaxTrailer)
            return refuse(c,
                          Refusal{431, fmt::format("the trailer fields exceed {} bytes", kMaxTrailer), "bad_framing"},
                          m, t, now);
          c.in.erase(0, eol + 2);  // trailer fields are not used
          break;
        }
      }
    }
  }

  // A complete request: re-framed with one Content-Length and handed to a worker.
  void dispatch(Conn& c) {
    Job j{&c, {}, c.arrived};
    j.request.reserve(c.head.method.size() + c.head.target.size() + c.head.fields.size() + c.body.size() + 64);
    j.request += c.head.method + " " + c.head.target + " " + c.head.version + "\r\n" + c.head.fields;
    j.request += fmt::format("Content-Length: {}\r\n\r\n", c.body.size());
    j.request += c.body;
    std::string().swap(c.body);
    c.phase = Phase::Busy;
    queued_bytes += j.request.size();
    {
      std::lock_guard lock(jobs_mu);
      jobs.push_back(std::move(j));
    }
    jobs_cv.notify_one();
  }

  // ---- the event loop -----------------------------------------------------------------------

  void run_loop() {
    std::vector<pollfd> pfds;
    std::vector<Conn*> order;
    while (!stopping) {
      const auto now = Clock::now();
      auto next = now + std::chrono::milliseconds(250);
      pfds.assign(1, pollfd{wake_fds[0], POLLIN, 0});
      order.clear();
      for (auto& [fd, c] : conns) {
        if (c->phase == Phase::Busy) continue;
        pfds.push_back(pollfd{fd, POLLIN, 0});
        order.push_back(c.get());
        next = std::min(next, deadline_of(*c));
      }
      const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
      const int rc = ::poll(pfds.data(), pfds.size(), static_cast<int>(std::max<long long>(0, wait_ms)));
      if (rc < 0 && errno != EINTR) break;
      const auto t = Clock::now();
      if (pfds[0].revents & POLLIN) {
        char drain[256];
        while (::read(wake_fds[0], drain, sizeof(drain)) > 0) {}
      }
      std::vector<int> fresh;
      std::vector<std::pair<Conn*, bool>> back;
      {
        std::lock_guard lock(mu);
        fresh.swap(accepted);
        back.swap(returned);
      }
      for (auto& [c, close] : back) {
        if (close) begin_drain(*c, t);
        else {
          start_request(*c, t, false);
          if (!c->in.empty()) advance(*c, t);
        }
      }
      loop_buffered = 0;
      for (auto& [fd, c] : conns)
        if (!c->closed && c->phase != Phase::Busy && c->phase != Phase::Draining)
          loop_buffered += c->in.size() + c->body.size();
      for (std::size_t i = 1; i < pfds.size(); ++i) {
        Conn& c = *order[i - 1];
        if (!c.closed && c.phase != Phase::Busy && (pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) on_readable(c, t);
      }
      for (int fd : fresh) admit(fd, t);
      for (auto& [fd, c] : conns) {
        if (c->closed || c->phase == Phase::Busy || deadline_of(*c) > t) continue;
        if (c->phase == Phase::Draining || !c->started) close_now(*c);
        else {
          metrics.error("read_timeout");
          const bool in_head = c->phase == Phase::Head;
          const auto [method, target] = in_head ? line_parts(c->in) : std::pair{c->head.method, c->head.target};
          refuse(*c,
                 Refusal{408,
                         in_head && c->head_until <= t
                             ? fmt::format("the request headers did not arrive within {} s", options.header_deadline_s)
                             : fmt::format(
                                   "the request did not arrive within its deadline ({} s in all, {} s between reads)",
                                   options.request_deadline_s, options.read_timeout_s),
                         ""},
                 method, target, t);
        }
      }
      for (auto it = conns.begin(); it != conns.end();) it = it->second->closed ? conns.erase(it) : std::next(it);
    }
  }

  // ---- the workers ----------------------------------------------------------------------

  void run_worker() {
    for (;;) {
      Job j;
      {
        std::unique_lock lock(jobs_mu);
        jobs_cv.wait(lock, [this] { return workers_stop || !jobs.empty(); });
        if (workers_stop) return;
        j = std::move(jobs.front());
        jobs.pop_front();
      }
      Conn& c = *j.conn;
      RequestState state;
      state.start = j.arrived;  // latency from the request's first byte
      t_request = &state;
      ReplayStream strm(c.fd, j.request, std::chrono::seconds(options.write_timeout_s));
      const bool last = c.served + 1 >= options.keep_alive_max || c.head.close || stopping;
      bool closed = false;
      const bool ok = http.serve_one(strm, last, closed);
      t_request = nullptr;
      queued_bytes -= j.request.size();
      if (state.holds_slot) in_flight.fetch_sub(1);
      ++c.served;
      {
        std::lock_guard lock(mu);
        returned.emplace_back(&c, !ok || closed || last || state.close_after);
      }
      wake();
    }
  }

  bool run() {
    if (::pipe2(wake_fds, O_NONBLOCK | O_CLOEXEC) != 0) return false;
    loop_thread = std::thread([this] { run_loop(); });
    for (int i = 0; i < options.threads; ++i) workers.emplace_back([this] { run_worker(); });
    const bool ok = http.listen_after_bind();
    stopping = true;
    wake();
    loop_thread.join();
    {
      std::lock_guard lock(jobs_mu);
      workers_stop = true;
    }
    jobs_cv.notify_all();
    for (auto& w : workers) w.join();
    workers.clear();
    {
      std::lock_guard lock(mu);
      for (int fd : accepted) ::close(fd);
      accepted.clear();
    }
    for (auto& [fd, c] : conns) close_now(*c);
    conns.clear();
    ::close(wake_fds[0]);
    ::close(wake_fds[1]);
    return ok;
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
    if (is_cds_path(req.path)) {
      // CORS (Fetch standard §3.2): the answer depends on the Origin header, so says so; an
      // allowed origin is echoed on every CDS answer (a 401 too, so that the page can read it).
      if (!cors_origins.empty()) res.set_header("Vary", "Origin");
      const std::string origin = allowed_origin(req);
      if (req.method == "OPTIONS") {
        if (is_cds_endpoint(req.path)) return preflight(req, res, origin);
        send(res, api_error(404, "not found"));
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!origin.empty()) res.set_header("Access-Control-Allow-Origin", origin);
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

  // The Origin header when it names an allowed origin exactly (one Origin header only), else "".
  std::string allowed_origin(const httplib::Request& req) const {
    if (cors_origins.empty() || req.get_header_value_count("Origin") != 1) return "";
    const std::string origin = req.get_header_value("Origin");
    return std::find(cors_origins.begin(), cors_origins.end(), origin) != cors_origins.end() ? origin : "";
  }

  // OPTIONS on a CDS endpoint, answered without a JWT: a CORS preflight (Fetch standard §4.8)
  // from an allowed origin gets 200 and what the actual request may use; from any other origin,
  // 403 without Access-Control-Allow-Origin (the browser then never sends the actual request).
  // Without an Origin it is not a preflight: 200 with Allow. 200, not 204: cpp-httplib 0.11 sends
  // Content-Length: 0 with every bodiless answer, which RFC 9110 §8.6 forbids on a 204; Fetch
  // takes any 2xx as a preflight's ok status.
  httplib::Server::HandlerResponse preflight(const httplib::Request& req, httplib::Response& res,
                                             const std::string& origin) {
    const char* methods = req.path == "/cds-services" ? "GET" : "POST";
    if (!req.has_header("Origin")) {
      res.status = 200;
      res.set_header("Allow", fmt::format("{}, OPTIONS", methods));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (origin.empty()) {
      metrics.error("cors_origin_refused");
      send(res,
           api_error(403,
                     fmt::format("the browser origin {} may not call the CDS service; an operator can allow it with "
                                 "`switchpoint serve --cors-origin ORIGIN`",
                                 req.get_header_value_count("Origin") > 1 ? std::string("(more than one Origin header)")
                                                                          : shown(req.get_header_value("Origin")))));
      return httplib::Server::HandlerResponse::Handled;
    }
    res.status = 200;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods", methods);
    // Listed by name: the wildcard "*" never covers Authorization (Fetch standard §3.2.3).
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    return httplib::Server::HandlerResponse::Handled;
  }

  void install() {
    http.new_task_queue = [] { return new InlineQueue; };
    http.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });

    route_table.push_back({"OPTIONS", kCdsPreflightPattern});
    RouteAdder routes{http, &route_table};
    // CDS Hooks first: the web page's catch-all route of install_routes would take /cds-services.
    routes.get("/cds-services",
               [this](const httplib::Request&, httplib::Response& res) { reply(res, cds->discovery()); });
    routes.post(R"(/cds-services/([A-Za-z0-9._-]+)/feedback)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  reply(res, cds->feedback(req.matches[1].str(), req.body, t_request ? t_request->issuer : ""));
                });
    routes.post(R"(/cds-services/([A-Za-z0-9._-]+))", [this](const httplib::Request& req, httplib::Response& res) {
      reply(res, cds->call(req.matches[1].str(), req.body, t_request ? t_request->issuer : "", clock()));
    });
    routes.get(R"(/report/([A-Za-z0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
      reply(res, cds->report(req.matches[1].str(), clock()));
      // A capability link: no referrer leaks it, nothing caches it.
      res.set_header("Referrer-Policy", "no-referrer");
    });
    routes.get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    install_routes(http, options, nullptr, &route_table);
    set_json_error_handler(http);
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      RequestState* st = t_request;
      const double seconds = st ? std::chrono::duration<double>(Clock::now() - st->start).count() : 0.0;
      metrics.observe(route_of(req.method, req.path), res.status, seconds);
      if (res.status == 413) {
        metrics.error("body_too_large");
        if (st) st->close_after = true;
      }
      write_log(req.method, req.path, res.status);
    });

    metrics.add_gauge("switchpoint_in_flight_evaluations", "Evaluations being computed now.",
                      [this] { return static_cast<double>(in_flight.load()); });
    metrics.add_gauge("switchpoint_max_in_flight_evaluations", "The cap on evaluations at once (503 beyond).",
                      [this] { return static_cast<double>(options.max_in_flight); });
    metrics.add_gauge("switchpoint_audit_commits", "Audit log transactions committed (one per group of requests).",
                      [this] { return static_cast<double>(audit->commits()); });
    metrics.add_gauge("switchpoint_queued_request_bytes", "Bytes of complete requests waiting for or in a worker.",
                      [this] { return static_cast<double>(queued_bytes.load()); });
    metrics.add_gauge("switchpoint_open_connections", "Client connections open now (503 + close beyond the cap).",
                      [this] { return static_cast<double>(open_connections.load()); });
  }
};

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

std::unique_ptr<Service> Service::create(const ServerOptions& options, Parts parts, std::ostream* log,
                                         std::string* error) {
  auto fail = [&](std::string why) -> std::unique_ptr<Service> {
    if (error) *error = std::move(why);
    return nullptr;
  };
  if (options.cds_dev_unsigned && !is_loopback_host(options.host))
    return fail(fmt::format(
        "--cds-dev-unsigned accepts unsigned CDS requests and works only on a loopback address, not {}", options.host));
  if (!parts.audit) return fail("no audit log");
  if (options.threads < 1 || options.max_in_flight < 1) return fail("threads and max-in-flight must be at least 1");
  // cpp-httplib 0.11 (Debian 12) answers 500 on a socket numbered FD_SETSIZE (1024) or above.
  if (options.max_connections < 1 || options.max_connections > 800 || options.max_connections_per_ip < 1)
    return fail(
        fmt::format("--max-connections must be 1 to 800 and --max-connections-per-ip at least 1 (given {} and {})",
                    options.max_connections, options.max_connections_per_ip));
  if (options.header_deadline_s < 1 || options.request_deadline_s < 1 || options.keep_alive_timeout_s < 1)
    return fail("the header and request deadlines and the keep-alive timeout must be at least 1 s");
  if (options.max_buffered_bytes < options.max_body_bytes)
    return fail(fmt::format("--max-buffered ({} bytes) must be at least --max-body ({} bytes)",
                            options.max_buffered_bytes, options.max_body_bytes));
  if (std::string why = check_frame_ancestors(options.frame_ancestors); !why.empty()) return fail(why);
  for (const std::string& h : options.allowed_hosts)
    if (std::string why = check_allowed_host(h); !why.empty()) return fail(why);
  std::vector<std::string> cors_origins;
  for (const std::string& o : options.cors_origins) {
    std::string normalized;
    if (std::string why = check_cors_origin(o, &normalized); !why.empty()) return fail(why);
    if (std::find(cors_origins.begin(), cors_origins.end(), normalized) == cors_origins.end())
      cors_origins.push_back(normalized);
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->cors_origins = std::move(cors_origins);
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
  m.http.raise_backlog();
  const std::string host = m.options.host.find(':') != std::string::npos && m.options.host.front() != '['
                               ? "[" + m.options.host + "]"
                               : m.options.host;
  m.compute_allowed_hosts(port);
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

bool Service::listen() { return impl_->cds && impl_->run(); }
void Service::stop() {
  impl_->stopping = true;
  impl_->http.stop();
}
bool Service::is_running() const { return impl_->http.is_running(); }
std::string Service::base_url() const { return impl_->base_url; }
MetricsRegistry& Service::metrics() { return impl_->metrics; }
const std::vector<RegisteredRoute>& Service::routes() const { return impl_->route_table; }

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
    log << "switchpoint serve: no trusted issuer configured (--cds-config): every CDS Hooks request will be refused "
           "(401)\n";
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
  log << fmt::format(
      "switchpoint serve: listening on http://{}:{}/ (decision support for clinicians, not a "
      "substitute for clinical judgement)\n",
      opt.host, port);
  log << fmt::format("switchpoint serve: CDS Hooks discovery at {}/cds-services; {}; audit log {}\n",
                     service->base_url(),
                     opt.cds_dev_unsigned ? "DEVELOPMENT MODE: unsigned CDS requests accepted (loopback only)"
                                          : "every CDS request needs a JWT from an allowlisted issuer",
                     opt.audit_db);
  if (!opt.cors_origins.empty())
    log << fmt::format(
        "switchpoint serve: CDS Hooks endpoints callable from browser pages of {} (CORS; a JWT is still required)\n",
        fmt::join(opt.cors_origins, ", "));
  log << std::flush;
  return service->listen() ? 0 : 1;
}

}  // namespace switchpoint
