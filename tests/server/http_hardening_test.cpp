// The service under hostile traffic, at the socket level (raw bytes over loopback): request
// framing (RFC 9112 §6: one Content-Length or chunked alone; refused and closed otherwise, so a
// request smuggled behind is never answered), the body limit for chunked and Content-Length
// bodies on every route, the Host allowlist (DNS rebinding), frame-ancestors in the CSP of every
// response, slow clients (slowloris) that must not starve /healthz, connection caps, and an
// access log that a percent-decoded line break cannot split.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cds_test_support.h"
#include "running_service.h"
#include "server/cds_audit.h"
#include "server/cds_metrics.h"
#include "server/server.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;
using namespace std::chrono_literals;

const std::string kExample02 = std::string(SWITCHPOINT_SOURCE_DIR) + "/examples/02-refractory-patient.json";

// A Service on 127.0.0.1 (development mode, so the CDS routes need no JWT) until destroyed, with
// its audit log in a temporary folder (running_service.h starts and stops it).
ServerOptions dev_mode(ServerOptions o) {
  o.cds_dev_unsigned = true;
  return o;
}

class Serving {
 public:
  explicit Serving(ServerOptions o, std::ostream* log = nullptr)
      : running(dev_mode(std::move(o)), CdsConfig{}, dir.file("audit.sqlite"), log),
        service(running.service),
        port(running.port) {}
  std::string host() const { return fmt::format("127.0.0.1:{}", port); }
  TempDir dir;  // before `running`: the audit log lives in it
  RunningService running;
  std::unique_ptr<Service>& service;
  int port;
};

// A raw TCP client.
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("connect failed");
  }
  ~Raw() { close(); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool readable(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  }
  // Reads until the peer closes (closed = true) or nothing comes for `quiet`.
  std::string read_all(std::chrono::milliseconds quiet, bool* closed = nullptr) {
    std::string out;
    if (closed) *closed = false;
    char buf[65536];
    while (readable(static_cast<int>(quiet.count()))) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        if (closed) *closed = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

int status_of(const std::string& response) {
  return response.rfind("HTTP/1.1 ", 0) == 0 && response.size() >= 12 ? std::stoi(response.substr(9, 3)) : -1;
}
// Status lines: at the start, or after a line end (a JSON body never has one at a line start).
std::size_t responses_in(const std::string& text) {
  std::size_t n = text.rfind("HTTP/1.1 ", 0) == 0 ? 1 : 0;
  for (auto at = text.find("\nHTTP/1.1 "); at != std::string::npos; at = text.find("\nHTTP/1.1 ", at + 1)) ++n;
  return n;
}
std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
// The value of a header of the first response (case-sensitive name as the server writes it).
std::string header_of(const std::string& response, const std::string& name) {
  const auto at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos || at > response.find("\r\n\r\n")) return "";
  const auto start = at + name.size() + 4;
  return response.substr(start, response.find("\r\n", start) - start);
}
std::string chunked(const std::string& body, std::size_t piece) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); i += piece) {
    const std::string part = body.substr(i, piece);
    out += fmt::format("{:x}\r\n{}\r\n", part.size(), part);
  }
  return out + "0\r\n\r\n";
}

// ---- framing: refused and closed; the request smuggled behind is not answered ------------------

struct Framing {
  const char* name;
  std::string request;  // "{host}" is replaced by the server's host:port
  int status;
};

std::string with_host(std::string s, const std::string& host) {
  for (auto at = s.find("{host}"); at != std::string::npos; at = s.find("{host}")) s.replace(at, 6, host);
  return s;
}

TEST(HttpFraming, AmbiguousOrMalformedRequestsAreRefusedAndTheConnectionClosed) {
  ServerOptions o;
  o.max_body_bytes = 64 * 1024;
  Serving s(o);
  const std::string post = "POST /api/evaluate HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n";
  const std::vector<Framing> cases = {
      {"two Content-Length", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400},
      {"two different Content-Length", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
      {"Content-Length list", post + "Content-Length: 5, 5\r\n\r\nhello", 400},
      {"Content-Length 12, 12", post + "Content-Length: 12, 12\r\n\r\nhello world!", 400},
      {"Content-Length +5", post + "Content-Length: +5\r\n\r\nhello", 400},
      {"Content-Length -1", post + "Content-Length: -1\r\n\r\n", 400},
      {"Content-Length hex", post + "Content-Length: 0x5\r\n\r\nhello", 400},
      {"Content-Length empty", post + "Content-Length: \r\n\r\n", 400},
      {"Content-Length 20 digits", post + "Content-Length: 18446744073709551617\r\n\r\n", 400},
      {"Content-Length huge but a number", post + "Content-Length: 9999999999999999999\r\n\r\n", 413},
      {"Content-Length and chunked",
       post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400},
      {"chunked and Content-Length",
       post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400},
      {"Transfer-Encoding gzip", post + "Transfer-Encoding: gzip\r\n\r\nhello", 501},
      {"Transfer-Encoding gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
       501},
      {"Transfer-Encoding chunked, gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
       400},
      {"Transfer-Encoding chunked twice",
       post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"Transfer-Encoding xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501},
      {"Transfer-Encoding empty", post + "Transfer-Encoding: \r\n\r\n", 400},
      {"Transfer-Encoding in HTTP/1.0",
       "POST /api/evaluate HTTP/1.0\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400},
      {"obs-fold", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Note: a\r\n b\r\n\r\n", 400},
      {"obs-fold with tab", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Note: a\r\n\tb\r\n\r\n", 400},
      {"space before colon", post + "Content-Length : 5\r\n\r\nhello", 400},
      {"bad header name", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX(Note): a\r\n\r\n", 400},
      {"header without colon", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Note\r\n\r\n", 400},
      {"control character in a value", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Note: a\x01z\r\n\r\n", 400},
      {"bare LF in the request line", "GET /healthz HTTP/1.1\nHost: {host}\r\n\r\n", 400},
      {"bare LF after a header", "GET /healthz HTTP/1.1\r\nHost: {host}\nX-A: b\r\n\r\n", 400},
      {"bare LF line ends throughout", "GET /healthz HTTP/1.1\nHost: {host}\n\n", 400},
      {"bare CR", "GET /healthz HTTP/1.1\r\nHost: {host}\rX-A: b\r\n\r\n", 400},
      {"NUL in the request line", std::string("GET /health\0z HTTP/1.1\r\nHost: {host}\r\n\r\n", 41), 400},
      {"NUL in a header", std::string("GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-A: \0\r\n\r\n", 46), 400},
      {"double space in the request line", "GET  /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"no version", "GET /healthz\r\nHost: {host}\r\n\r\n", 400},
      {"HTTP/2.0", "GET /healthz HTTP/2.0\r\nHost: {host}\r\n\r\n", 505},
      {"lower-case version", "GET /healthz http/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"non-ASCII target", "GET /h\xc3\xa9 HTTP/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"authority-form target", "GET 127.0.0.1:80 HTTP/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"target without a slash", "GET healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"absolute-form naming another host", "GET http://evil.example/healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", 421},
      {"absolute-form with a bad authority", "GET http://a@b/healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", 400},
      {"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
      {"two Host", "GET /healthz HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\n\r\n", 400},
      {"Expect other than 100-continue", post + "Expect: 200-ok\r\nContent-Length: 5\r\n\r\nhello", 417},
      {"chunk size not hex", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk size shorter than its data", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk size with junk", post + "Transfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk line with bare LF", post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400},
      {"chunk size overflowing 64 bits",
       post + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", 413},
      {"trailer with obs-fold", post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n",
       400},
      {"request line too long", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: {host}\r\n\r\n", 414},
      {"too many headers",
       [] {
         std::string r = "GET /healthz HTTP/1.1\r\nHost: {host}\r\n";
         for (int i = 0; i < 101; ++i) r += fmt::format("X-H{}: v\r\n", i);
         return r + "\r\n";
       }(),
       431},
  };
  const std::string smuggled = with_host("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", s.host());
  for (const Framing& c : cases) {
    SCOPED_TRACE(c.name);
    Raw raw(s.port);
    raw.send(with_host(c.request, s.host()) + smuggled);
    bool closed = false;
    const std::string answer = raw.read_all(3000ms, &closed);
    EXPECT_EQ(status_of(answer), c.status) << answer.substr(0, 400);
    EXPECT_EQ(header_of(answer, "Connection"), "close");
    EXPECT_EQ(responses_in(answer), 1u) << "the smuggled request was answered:\n" << answer;
    EXPECT_EQ(answer.find("\"status\""), std::string::npos) << "a /healthz body came back";
    EXPECT_TRUE(closed) << "the connection stays open";
    EXPECT_EQ(header_of(answer, "Content-Type"), "application/json");
    EXPECT_NE(answer.find("\"error\":"), std::string::npos);
  }
}

// The other side of each rule: well-framed requests, with a pipelined request behind, are both
// answered on a connection that stays open (so the test above can see an answered smuggle).
TEST(HttpFraming, WellFramedRequestsAndThePipelinedOneBehindAreAnswered) {
  ServerOptions o;
  o.max_body_bytes = 64 * 1024;
  Serving s(o);
  const std::string record = slurp(kExample02);
  const std::string health = with_host("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n", s.host());
  const std::string post =
      with_host("POST /api/evaluate HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n", s.host());
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"Content-Length", post + fmt::format("Content-Length: {}\r\n\r\n", record.size()) + record},
      {"chunked in 1000-byte pieces", post + "Transfer-Encoding: chunked\r\n\r\n" + chunked(record, 1000)},
      {"chunked, upper-case coding and sizes",
       post + "Transfer-Encoding: CHUNKED\r\n\r\n" +
           fmt::format("{:X}\r\n{}\r\n{:X}\r\n{}\r\n0\r\n\r\n", 0xAB, record.substr(0, 0xAB), record.size() - 0xAB,
                       record.substr(0xAB))},
      {"chunked with an extension and a trailer",
       post + "Transfer-Encoding: chunked\r\n\r\n" +
           fmt::format("{:X};name=value\r\n{}\r\n0\r\nX-Trailer: t\r\n\r\n", record.size(), record)},
      {"chunked with leading zeros",
       post + "Transfer-Encoding: chunked\r\n\r\n" + fmt::format("000{:x}\r\n{}\r\n0\r\n\r\n", record.size(), record)},
      {"Transfer-Encoding with spaces", post + "Transfer-Encoding:  chunked \r\n\r\n" + chunked(record, 4096)},
      {"Content-Length with spaces around",
       post + fmt::format("Content-Length:   {}  \r\n\r\n", record.size()) + record},
      {"empty line before the request line",
       "\r\n" + post + fmt::format("Content-Length: {}\r\n\r\n", record.size()) + record},
      {"absolute-form target naming this server",
       with_host("POST http://{host}/api/evaluate HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n",
                 s.host()) +
           fmt::format("Content-Length: {}\r\n\r\n", record.size()) + record},
      {"Expect: 100-continue",
       post + fmt::format("Expect: 100-continue\r\nContent-Length: {}\r\n\r\n", record.size()) + record},
  };
  for (const auto& [name, request] : cases) {
    SCOPED_TRACE(name);
    Raw raw(s.port);
    raw.send(request + health);
    bool closed = false;
    std::string answer;
    for (int i = 0; i < 50 && count_of(answer, "HTTP/1.1 2") < 2; ++i) answer += raw.read_all(200ms, &closed);
    std::string first = answer;
    if (first.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0) first = first.substr(25);
    EXPECT_EQ(status_of(first), 200) << answer.substr(0, 400);
    EXPECT_NE(first.find("TACE"), std::string::npos) << "the whole record arrived";
    EXPECT_EQ(count_of(answer, "HTTP/1.1 200 OK"), 2u) << "the pipelined /healthz was not answered";
    EXPECT_FALSE(closed);
  }
}

// ---- the body limit: chunked and Content-Length, every route, both sides of the threshold ----

TEST(HttpBodyLimit, HoldsForChunkedAndContentLengthOnEveryRoute) {
  ServerOptions o;
  o.max_body_bytes = 64 * 1024;
  Serving s(o);
  const std::vector<std::string> routes = {"/api/evaluate",
                                           "/cds-services/switchpoint-patient-view",
                                           "/cds-services/switchpoint-tace-order",
                                           "/cds-services/switchpoint-patient-view/feedback",
                                           "/healthz",
                                           "/no-such-route"};
  for (const std::string& route : routes) {
    for (const bool use_chunked : {false, true}) {
      for (const std::size_t size : {o.max_body_bytes, o.max_body_bytes + 1}) {
        SCOPED_TRACE(fmt::format("{} {} {} bytes", route, use_chunked ? "chunked" : "Content-Length", size));
        Raw raw(s.port);
        const std::string body(size, ' ');
        const std::string method = route == "/healthz" ? "GET" : "POST";
        std::string req =
            fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nConnection: close\r\n", method,
                        route, s.host());
        req += use_chunked ? "Transfer-Encoding: chunked\r\n\r\n" + chunked(body, 16 * 1024)
                           : fmt::format("Content-Length: {}\r\n\r\n", size) + body;
        raw.send(req);
        bool closed = false;
        const std::string answer = raw.read_all(1500ms, &closed);
        if (size > o.max_body_bytes) {
          EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
          EXPECT_EQ(header_of(answer, "Connection"), "close");
          EXPECT_NE(answer.find("size limit of 65536 bytes"), std::string::npos) << answer;
          EXPECT_TRUE(closed);
        } else {
          EXPECT_NE(status_of(answer), 413) << answer.substr(0, 300);
          EXPECT_NE(status_of(answer), -1) << "no answer";
        }
      }
    }
  }
  EXPECT_GE(s.service->metrics().errors("body_too_large"), routes.size() * 2);
}

// A Content-Length over the limit is answered from the headers, before any of the body is sent.
TEST(HttpBodyLimit, ContentLengthOverTheLimitIsAnsweredBeforeTheBody) {
  ServerOptions o;
  o.max_body_bytes = 64 * 1024;
  Serving s(o);
  for (const char* route : {"/api/evaluate", "/cds-services/switchpoint-patient-view"}) {
    Raw raw(s.port);
    raw.send(fmt::format("POST {} HTTP/1.1\r\nHost: {}\r\nContent-Length: 314572800\r\n\r\n", route, s.host()));
    bool closed = false;
    const std::string answer = raw.read_all(1500ms, &closed);
    EXPECT_EQ(status_of(answer), 413) << route;
    EXPECT_EQ(header_of(answer, "Connection"), "close");
    EXPECT_TRUE(closed);
  }
  // With Expect: 100-continue the client is told not to send it (no 100 Continue first).
  Raw raw(s.port);
  raw.send(fmt::format(
      "POST /api/evaluate HTTP/1.1\r\nHost: {}\r\nExpect: 100-continue\r\nContent-Length: 65537\r\n\r\n", s.host()));
  const std::string answer = raw.read_all(1500ms);
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 200);
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// A 300 MiB chunked body is not read into memory: the answer is 413 once the chunks pass the
// limit, the connection closes, and the process grows by far less than the body.
TEST(HttpBodyLimit, HugeChunkedBodyIsNotBuffered) {
  ServerOptions o;
  o.max_body_bytes = 1024 * 1024;
  Serving s(o);
  const long before = rss_kib();
  Raw raw(s.port);
  raw.send(fmt::format("POST /api/evaluate HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n", s.host()));
  const std::string chunk = fmt::format("{:x}\r\n{}\r\n", 1 << 20, std::string(1 << 20, ' '));
  std::size_t sent = 0;
  const auto start = std::chrono::steady_clock::now();
  while (sent < 300u * (1 << 20) && !raw.readable(0) && std::chrono::steady_clock::now() - start < 20s) {
    if (!raw.send(chunk)) break;
    sent += 1 << 20;
  }
  bool closed = false;
  const std::string answer = raw.read_all(3000ms, &closed);
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
  EXPECT_EQ(header_of(answer, "Connection"), "close");
  EXPECT_LT(sent, 300u * (1 << 20)) << "the whole body was taken";
  const long grown = rss_kib() - before;
  EXPECT_LT(grown, 48 * 1024) << "RSS grew by " << grown << " KiB while " << sent / (1 << 20) << " MiB were sent";
}

// Many bodies at once, each under the limit, cannot exhaust memory together: with room for 2.5
// MiB, two bodies of 1000 KiB being received are kept (under), a third is refused 503 + close
// when it would pass the total (over); the first two complete normally, /healthz is unaffected.
TEST(HttpBodyLimit, BodiesHeldAtOnceAreBounded) {
  ServerOptions o;
  o.max_body_bytes = 1024 * 1024;
  o.max_buffered_bytes = 2560 * 1024;
  Serving s(o);
  const std::string head =
      fmt::format("POST /api/evaluate HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                  s.host(), 1024 * 1024);
  const std::string part(1000 * 1024, ' ');
  Raw a(s.port), b(s.port), c(s.port);
  ASSERT_TRUE(a.send(head + part));
  ASSERT_TRUE(b.send(head + part));
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(a.readable(0)) << "the first body was answered before it was complete";
  EXPECT_FALSE(b.readable(0)) << "the second body was answered before it was complete";
  c.send(head + part);
  bool closed = false;
  const std::string refused = c.read_all(2000ms, &closed);
  EXPECT_EQ(status_of(refused), 503) << refused.substr(0, 300);
  EXPECT_EQ(header_of(refused, "Connection"), "close");
  EXPECT_NE(refused.find("too many request bodies at once"), std::string::npos) << refused;
  EXPECT_TRUE(closed);
  Raw h(s.port);
  h.send("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(h.read_all(1000ms)), 200);
  const std::string rest(24 * 1024, ' ');
  for (Raw* r : {&a, &b}) {
    ASSERT_TRUE(r->send(rest));
    const std::string answer = r->read_all(3000ms);
    EXPECT_EQ(status_of(answer), 400) << answer.substr(0, 300);  // all spaces: not valid JSON, but read whole
    EXPECT_NE(answer.find("not valid JSON"), std::string::npos);
  }
  EXPECT_EQ(s.service->metrics().errors("buffer_full"), 1u);
}

// ---- Host allowlist (DNS rebinding) -------------------------------------------------------

int host_status(const Serving& s, const std::string& host, const std::string& path = "/healthz") {
  Raw raw(s.port);
  raw.send(fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", path, host));
  return status_of(raw.read_all(2000ms));
}

TEST(HttpHost, OnlyThisServersNamesAndAllowedHostsAreServed) {
  ServerOptions o;
  o.allowed_hosts = {"cds.example.org", "ehr-proxy.example.org:9443"};
  Serving s(o);
  const std::string p = std::to_string(s.port);
  const std::string other = std::to_string(s.port == 65535 ? 1 : s.port + 1);
  for (const std::string& h :
       std::vector<std::string>{"127.0.0.1:" + p, "localhost:" + p, "LOCALHOST:" + p, "[::1]:" + p, "cds.example.org",
                                "cds.example.org:443", "CDS.example.org:8443", "ehr-proxy.example.org:9443"})
    EXPECT_EQ(host_status(s, h), 200) << h;
  for (const std::string& h :
       std::vector<std::string>{"evil.example:" + p, "evil.example", "127.0.0.1:" + other, "localhost:" + other,
                                "127.0.0.1", "localhost", "127.0.0.2:" + p, "localhost.:" + p, "ehr-proxy.example.org",
                                "ehr-proxy.example.org:9444", "cds.example.org.evil.example", "[::2]:" + p})
    EXPECT_EQ(host_status(s, h), 421) << h;
  for (const std::string& h : std::vector<std::string>{"a b", "user@127.0.0.1:" + p, "127.0.0.1:" + p + "/x",
                                                       "127.0.0.1:99999", "127.0.0.1:", "[::1", "[zz]:" + p, ""})
    EXPECT_EQ(host_status(s, h), 400) << "'" << h << "'";
  // CDS endpoints too, before anything else.
  EXPECT_EQ(host_status(s, "evil.example:" + p, "/cds-services"), 421);
  EXPECT_EQ(host_status(s, "127.0.0.1:" + p, "/cds-services"), 200);
  // The message names the value and what to do.
  Raw raw(s.port);
  raw.send("GET / HTTP/1.1\r\nHost: rebind.attacker.example\r\n\r\n");
  bool closed = false;
  const std::string answer = raw.read_all(2000ms, &closed);
  EXPECT_EQ(status_of(answer), 421);
  EXPECT_NE(answer.find("the Host header 'rebind.attacker.example' does not name this server"), std::string::npos)
      << answer;
  EXPECT_NE(answer.find("--allowed-host"), std::string::npos);
  EXPECT_EQ(header_of(answer, "Connection"), "close");
  EXPECT_TRUE(closed);
  EXPECT_GE(s.service->metrics().errors("misdirected_host"), 12u);
}

TEST(HttpHost, BadAllowedHostOrFrameAncestorsIsRefusedAtStart) {
  EXPECT_EQ(check_allowed_host("cds.example.org"), "");
  EXPECT_EQ(check_allowed_host("cds.example.org:8443"), "");
  EXPECT_EQ(check_allowed_host("[::1]:8080"), "");
  EXPECT_NE(check_allowed_host("https://cds.example.org"), "");
  EXPECT_NE(check_allowed_host("cds.example.org:0"), "");
  EXPECT_NE(check_allowed_host("*.example.org"), "");
  EXPECT_NE(check_allowed_host(""), "");
  EXPECT_EQ(check_frame_ancestors("'none'"), "");
  EXPECT_EQ(check_frame_ancestors("'self'"), "");
  EXPECT_EQ(check_frame_ancestors("https://ehr.example.org https://ehr2.example.org:8443"), "");
  EXPECT_NE(check_frame_ancestors(""), "");
  EXPECT_NE(check_frame_ancestors("'none' https://ehr.example.org"), "");
  EXPECT_NE(check_frame_ancestors("https://ehr.example.org; script-src *"), "");
  EXPECT_NE(check_frame_ancestors("ehr.example.org"), "");
  EXPECT_NE(check_frame_ancestors("'unsafe-inline'"), "");

  ServerOptions o;
  o.host = "127.0.0.1";
  o.cds_dev_unsigned = true;
  TempDir dir;
  for (int i = 0; i < 2; ++i) {
    ServerOptions bad = o;
    if (i == 0) bad.allowed_hosts = {"https://x.example"};
    else bad.frame_ancestors = "* ; script-src *";
    Service::Parts parts;
    std::string why;
    parts.audit = AuditLog::open(dir.file(fmt::format("a{}.sqlite", i)), &why);
    EXPECT_EQ(Service::create(bad, std::move(parts), nullptr, &why), nullptr);
    EXPECT_NE(why.find(i == 0 ? "--allowed-host" : "--frame-ancestors"), std::string::npos) << why;
  }
}

// ---- frame-ancestors on every response ------------------------------------------------------

TEST(HttpHeaders, EveryResponseForbidsFramingUnlessConfigured) {
  for (const std::string& ancestors : {std::string("'none'"), std::string("https://ehr.example.org")}) {
    ServerOptions o;
    o.max_body_bytes = 1024;
    o.frame_ancestors = ancestors;
    Serving s(o);
    const std::string h = s.host();
    const std::vector<std::string> requests = {
        "GET / HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "GET /style.css HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "GET /launch.html HTTP/1.1\r\nHost: " + h + "\r\n\r\n",  // its own policy (connect-src), still once
        "GET /healthz HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "GET /cds-services HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "GET /no-such-page.html HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "DELETE /healthz HTTP/1.1\r\nHost: " + h + "\r\n\r\n",
        "POST /api/evaluate HTTP/1.1\r\nHost: " + h + "\r\nContent-Length: 2\r\n\r\n{}",
        "POST /api/evaluate HTTP/1.1\r\nHost: " + h + "\r\nContent-Length: 2000\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: " + h + "\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    };
    for (const std::string& r : requests) {
      SCOPED_TRACE(ancestors + " " + r.substr(0, r.find('\r')));
      Raw raw(s.port);
      raw.send(std::string(r).insert(r.find("\r\n") + 2, "Connection: close\r\n"));
      const std::string answer = raw.read_all(1500ms);
      ASSERT_NE(status_of(answer), -1);
      const std::string csp = header_of(answer, "Content-Security-Policy");
      EXPECT_NE(csp.find("frame-ancestors " + ancestors), std::string::npos) << csp;
      EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
      EXPECT_EQ(count_of(answer.substr(0, answer.find("\r\n\r\n")), "Content-Security-Policy:"), 1u);
      EXPECT_EQ(header_of(answer, "X-Frame-Options"), ancestors == "'none'" ? "DENY" : "");
      EXPECT_EQ(header_of(answer, "X-Content-Type-Options"), "nosniff");
      EXPECT_EQ(header_of(answer, "Cache-Control"), "no-store");
    }
  }
}

// ---- slow clients, deadlines and connection caps -------------------------------------------

// 64 connections dribble one header byte per second; with two worker threads /healthz still
// answers 200 within 1 s, again and again for about 5 s; the slow ones are cut off (408) at the
// header deadline.
TEST(HttpSlowClients, SlowlorisDoesNotStarveHealthz) {
  ServerOptions o;
  o.threads = 2;
  o.header_deadline_s = 3;
  Serving s(o);
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<Raw>(s.port));
    slow.back()->send("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\nX-Slow: ");
  }
  std::atomic<bool> done{false};
  std::thread dribble([&] {
    for (int second = 0; second < 8 && !done; ++second) {
      for (auto& c : slow)
        if (!c->readable(0)) ::send(c->fd(), "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);  // until answered
      for (int i = 0; i < 10 && !done; ++i) std::this_thread::sleep_for(100ms);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  int checks = 0;
  double slowest = 0;
  while (std::chrono::steady_clock::now() - start < 5s) {
    const auto t0 = std::chrono::steady_clock::now();
    Raw raw(s.port);
    const auto t1 = std::chrono::steady_clock::now();
    raw.send("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\nConnection: close\r\n\r\n");
    raw.readable(1000);
    const auto t2 = std::chrono::steady_clock::now();
    const std::string answer = raw.read_all(1000ms);
    const auto took = std::chrono::steady_clock::now() - t0;
    if (took > 500ms)
      std::printf("connect %.3f first byte %.3f all %.3f\n", std::chrono::duration<double>(t1 - t0).count(),
                  std::chrono::duration<double>(t2 - t0).count(), std::chrono::duration<double>(took).count());
    EXPECT_EQ(status_of(answer), 200) << "check " << checks;
    EXPECT_LT(took, 1000ms) << "check " << checks;
    slowest = std::max(slowest, std::chrono::duration<double>(took).count());
    ++checks;
    std::this_thread::sleep_for(200ms);
  }
  done = true;
  dribble.join();
  EXPECT_GE(checks, 10);
  std::printf("[ slowloris ] 64 slow connections, 2 workers: %d /healthz checks, slowest %.3f s\n", checks, slowest);
  // Every slow connection got 408 and was closed.
  int cut = 0;
  for (auto& c : slow) {
    bool closed = false;
    const std::string answer = c->read_all(3000ms, &closed);
    cut += status_of(answer) == 408 && closed;
  }
  EXPECT_EQ(cut, 64);
  EXPECT_GE(s.service->metrics().errors("read_timeout"), 64u);
}

// The header deadline on both sides: a head completed just within it is served; one still
// incomplete at the deadline is answered 408 and closed. A connection that sends nothing is
// closed quietly.
TEST(HttpSlowClients, HeaderDeadline) {
  ServerOptions o;
  o.header_deadline_s = 2;
  Serving s(o);
  Raw on_time(s.port);
  on_time.send("GET /healthz HTTP/1.1\r\n");
  std::this_thread::sleep_for(1200ms);
  on_time.send("Host: " + s.host() + "\r\n\r\n");
  EXPECT_EQ(status_of(on_time.read_all(500ms)), 200);

  Raw late(s.port);
  const auto start = std::chrono::steady_clock::now();
  late.send("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\n");
  bool closed = false;
  const std::string answer = late.read_all(4000ms, &closed);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status_of(answer), 408);
  EXPECT_NE(answer.find("did not arrive within 2 s"), std::string::npos) << answer;
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 3500ms);

  Raw silent(s.port);
  const std::string nothing = silent.read_all(4000ms, &closed);
  EXPECT_EQ(nothing, "");
  EXPECT_TRUE(closed);
}

// Beyond the per-address cap a connection is answered 503 + close at once (not queued); the cap
// frees as connections close.
TEST(HttpConnections, PerAddressAndGlobalCapsRefuseRatherThanQueue) {
  for (const bool global : {false, true}) {
    SCOPED_TRACE(global ? "global" : "per address");
    ServerOptions o;
    if (global) o.max_connections = 4;
    else o.max_connections_per_ip = 4;
    Serving s(o);
    const std::string get = "GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\n\r\n";
    std::vector<std::unique_ptr<Raw>> open;
    for (int i = 0; i < 4; ++i) {
      open.push_back(std::make_unique<Raw>(s.port));
      open.back()->send(get);
      EXPECT_EQ(status_of(open.back()->read_all(300ms)), 200) << "connection " << i + 1 << " is within the cap";
    }
    Raw fifth(s.port);
    fifth.send(get);
    bool closed = false;
    const std::string answer = fifth.read_all(1500ms, &closed);
    EXPECT_EQ(status_of(answer), 503) << answer;
    EXPECT_EQ(header_of(answer, "Retry-After"), "1");
    EXPECT_EQ(header_of(answer, "Connection"), "close");
    EXPECT_NE(answer.find("too many open connections"), std::string::npos);
    EXPECT_TRUE(closed);
    EXPECT_GE(s.service->metrics().errors("too_many_connections"), 1u);
    fifth.close();
    open.pop_back();  // one closes: the next may come in (once the server has seen the close)
    int status = -1;
    for (int i = 0; i < 40 && status != 200; ++i) {
      std::this_thread::sleep_for(50ms);
      Raw again(s.port);
      again.send(get);
      status = status_of(again.read_all(500ms));
    }
    EXPECT_EQ(status, 200);
  }
}

// ---- the access log ------------------------------------------------------------------------

TEST(HttpLog, EscapesControlAndNonAsciiBytes) {
  EXPECT_EQ(log_escape("/api/evaluate"), "/api/evaluate");
  EXPECT_EQ(log_escape("/a\nGET /b"), "/a\\x0aGET\\x20/b");
  EXPECT_EQ(log_escape("\r\t\x1b[31m"), "\\x0d\\x09\\x1b[31m");
  EXPECT_EQ(log_escape("\x7f"), "\\x7f");
  EXPECT_EQ(log_escape("a\\x0a"), "a\\x5cx0a");              // a literal backslash cannot forge an escape
  EXPECT_EQ(log_escape("\xc2\x85"), "\\xc2\\x85");           // U+0085 NEL (C1)
  EXPECT_EQ(log_escape("\xe2\x80\xae"), "\\xe2\\x80\\xae");  // U+202E RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(log_escape(std::string("\0", 1)), "\\x00");
}

TEST(HttpLog, DecodedLineBreaksDoNotStartALogLine) {
  std::ostringstream log;
  {
    Serving s(ServerOptions{}, &log);
    for (const std::string& path :
         std::vector<std::string>{"/x%0aGET%20/forged%20200", "/x%0d%0aPOST%20/y", "/%e2%80%aeevil", "/a%00b"}) {
      Raw raw(s.port);
      raw.send("GET " + path + " HTTP/1.1\r\nHost: " + s.host() + "\r\nConnection: close\r\n\r\n");
      EXPECT_EQ(status_of(raw.read_all(1500ms)), 404) << path;
    }
    Raw bad(s.port);
    bad.send("G\x1b[2JT /x HTTP/1.1\r\nHost: " + s.host() + "\r\n\r\n");
    bad.read_all(1500ms);
  }
  const std::string text = log.str();
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_EQ(line.find("GET /forged"), std::string::npos) << text;
    for (unsigned char ch : line) EXPECT_TRUE(ch >= 0x20 && ch < 0x7f) << "byte " << int(ch) << " in " << line;
  }
  EXPECT_EQ(n, 5) << text;
  EXPECT_NE(text.find("GET /x\\x0aGET\\x20/forged\\x20200 404"), std::string::npos) << text;
  EXPECT_NE(text.find("\\xe2\\x80\\xae"), std::string::npos) << text;
}

}  // namespace
}  // namespace switchpoint
