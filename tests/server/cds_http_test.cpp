// The whole service over loopback: JWT acceptance and refusal (401 without detail), the body
// limit, the concurrency cap (503 + Retry-After), the whole-request deadline against slow
// clients, fetching from a FHIR server with libcurl, /metrics, reports, the development mode,
// and an access log free of tokens and patient data.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "cds_test_support.h"
#include "running_service.h"
#include "server/cds_audit.h"
#include "server/cds_metrics.h"
#include "server/cds_service.h"
#include "server/server.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;
using namespace std::chrono_literals;

// Runs a Service on 127.0.0.1 and a free port until destroyed (tests/server/running_service.h).
using Running = RunningService;

// The access log, read by the test while the server's threads write it: std::ostringstream::str()
// raced with the logger's writes (ThreadSanitizer, build-tsan). The service writes under its own
// mutex; this buffer takes one more, which str() takes too.
class SharedLog : public std::ostream {
 public:
  SharedLog() : std::ostream(&buf_) {}
  std::string str() {
    std::lock_guard lock(buf_.mu);
    return buf_.str();
  }

 private:
  struct Buf : std::stringbuf {
    std::recursive_mutex mu;  // stringbuf::xsputn calls overflow
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      std::lock_guard lock(mu);
      return std::stringbuf::xsputn(s, n);
    }
    int_type overflow(int_type c) override {
      std::lock_guard lock(mu);
      return std::stringbuf::overflow(c);
    }
  } buf_;
};

class CdsHttpTest : public ::testing::Test {
 protected:
  TempDir dir;
  SigningKey key = SigningKey::ec("ehr-es384");
  SigningKey rsa = SigningKey::rsa("ehr-rs384");
  CdsConfig config;
  ServerOptions options;
  SharedLog log;

  void SetUp() override {
    write_file(dir.file("jwks.json"), jwks({&key, &rsa}));
    config.issuers.push_back({"https://ehr.example.org", dir.file("jwks.json"), {}, {}});
    options.max_body_bytes = 512 * 1024;
  }

  std::string jwt_for(const Running& r, const std::string& path, const SigningKey* k = nullptr) {
    Claims c;
    c.aud = r.service->base_url() + path;
    c.iat = unix_now();
    c.exp = c.iat + 300;
    c.jti = new_uuid();
    return ehr_jwt(k ? *k : key, c);
  }
  static httplib::Headers bearer(const std::string& jwt) { return {{"Authorization", "Bearer " + jwt}}; }
};

constexpr const char* kPatientView = "/cds-services/switchpoint-patient-view";

TEST_F(CdsHttpTest, SignedRequestsGetCardsOthersGet401WithoutDetail) {
  Running r(options, config, dir.file("audit.sqlite"), &log);
  auto cli = r.client();
  const std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));

  auto discovery = cli.Get("/cds-services", bearer(jwt_for(r, "/cds-services")));
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->status, 200);
  for (const SigningKey* k : {&key, &rsa}) {
    auto ok = cli.Post(kPatientView, bearer(jwt_for(r, kPatientView, k)), body, "application/json");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
    EXPECT_NE(ok->body.find("\"cards\":[{"), std::string::npos);
  }

  const std::string replayed = jwt_for(r, kPatientView);
  auto first = cli.Post(kPatientView, bearer(replayed), body, "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  std::vector<std::pair<std::string, httplib::Headers>> refused = {
      {"no Authorization", {}},
      {"replayed jti", bearer(replayed)},
      {"aud of discovery", bearer(jwt_for(r, "/cds-services"))},
      {"garbage", bearer("not.a.jwt")},
      {"unsigned", bearer(b64(R"({"alg":"none","typ":"JWT","kid":"ehr-es384"})") + "." + b64("{}") + ".")},
  };
  for (const auto& [what, headers] : refused) {
    auto res = r.client().Post(kPatientView, headers, body, "application/json");
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, 401) << what;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer") << what;
    EXPECT_NE(res->body.find("\"error\": \"unauthorized\""), std::string::npos) << what;
    EXPECT_EQ(res->body.find("jti"), std::string::npos) << what;
    EXPECT_EQ(res->body.find("aud"), std::string::npos) << what;
  }
  auto no_auth_discovery = cli.Get("/cds-services");
  ASSERT_TRUE(no_auth_discovery);
  EXPECT_EQ(no_auth_discovery->status, 401);
  EXPECT_GE(r.service->metrics().errors("auth_replay"), 1u);
  EXPECT_GE(r.service->metrics().errors("auth_missing"), 2u);
  EXPECT_GE(r.service->metrics().errors("auth_audience"), 1u);

  // The access log: method, path, status; no token, no body, no patient.
  const std::string text = log.str();
  EXPECT_NE(text.find("POST /cds-services/switchpoint-patient-view 200"), std::string::npos) << text;
  EXPECT_EQ(text.find("eyJ"), std::string::npos);
  EXPECT_EQ(text.find("golden-jsh-1a-met"), std::string::npos);
  EXPECT_EQ(text.find("Bearer"), std::string::npos);
}

TEST_F(CdsHttpTest, ReportLinkMetricsAndBodyLimit) {
  Running r(options, config, dir.file("audit.sqlite"), &log);
  auto cli = r.client();
  auto ok = cli.Post(kPatientView, bearer(jwt_for(r, kPatientView)), hook_request(fixture("jsh-1a-met.bundle.json")),
                     "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200);
  const std::string prefix = r.service->base_url() + "/report/";
  const auto at = ok->body.find(prefix);
  ASSERT_NE(at, std::string::npos);
  const std::string path = "/report/" + ok->body.substr(at + prefix.size(), 32);
  auto report = cli.Get(path);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status, 200);
  EXPECT_EQ(report->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(report->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(report->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(log.str().find(path), std::string::npos) << "the capability token stays out of the log";

  auto big = cli.Post(kPatientView, bearer(jwt_for(r, kPatientView)), std::string(600 * 1024, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);

  // Requests are counted after their response is written: wait (bounded) for the last one.
  std::string m, type;
  // (httplib::Client opens a connection per request: the three are counted on three threads.)
  auto all_counted = [&] {
    return m.find("kind=\"body_too_large\"") != std::string::npos &&
           m.find("route=\"cds_patient_view\",status=\"200\"") != std::string::npos &&
           m.find("route=\"report\",status=\"200\"") != std::string::npos;
  };
  for (int i = 0; i < 200 && !all_counted(); ++i) {
    if (i) std::this_thread::sleep_for(10ms);
    auto metrics = r.client().Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    m = metrics->body;
    type = metrics->get_header_value("Content-Type");
  }
  EXPECT_EQ(type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.find("switchpoint_http_requests_total{route=\"cds_patient_view\",status=\"200\"} 1"), std::string::npos)
      << m;
  EXPECT_NE(m.find("switchpoint_http_requests_total{route=\"cds_patient_view\",status=\"413\"} 1"), std::string::npos)
      << m;
  EXPECT_NE(m.find("switchpoint_http_request_duration_seconds_bucket{route=\"cds_patient_view\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(m.find("switchpoint_http_request_duration_seconds_count{route=\"report\"} 1"), std::string::npos);
  EXPECT_NE(m.find("switchpoint_errors_total{kind=\"body_too_large\"} 1"), std::string::npos);
  EXPECT_NE(m.find("# TYPE switchpoint_in_flight_evaluations gauge"), std::string::npos);
  auto health = r.client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// A FHIR server on loopback (plain http is allowed there) that answers slowly.
class SlowFhir {
 public:
  explicit SlowFhir(std::chrono::milliseconds delay) {
    const std::string bundle = fixture("jsh-1a-met.bundle.json");
    simdjson::dom::parser p;
    simdjson::dom::element root = p.parse(bundle);
    std::map<std::string, std::string> pages;
    for (simdjson::dom::element e : root["entry"].get_array()) {
      const std::string type(e["resource"]["resourceType"].get_string().value());
      const std::string text = simdjson::minify(e["resource"]);
      if (type == "Patient") patient_ = text;
      else pages[type] += (pages[type].empty() ? "" : ",") + std::string(R"({"resource":)") + text + "}";
    }
    for (const auto& [type, entries] : pages)
      searches_[type] = R"({"resourceType":"Bundle","type":"searchset","entry":[)" + entries + "]}";
    svr_.Get(R"(/fhir/Patient/([A-Za-z0-9.-]+))", [this, delay](const httplib::Request& req, httplib::Response& res) {
      ++requests;
      if (req.get_header_value("Authorization") != "Bearer test-access-token") {
        res.status = 401;
        return;
      }
      std::this_thread::sleep_for(delay);
      res.set_content(patient_, "application/fhir+json");
    });
    svr_.Get(R"(/fhir/([A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests;
      auto it = searches_.find(req.matches[1].str());
      res.set_content(it == searches_.end() ? R"({"resourceType":"Bundle","type":"searchset"})" : it->second,
                      "application/fhir+json");
    });
    port = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    for (int i = 0; i < 400 && !svr_.is_running(); ++i) std::this_thread::sleep_for(5ms);
  }
  ~SlowFhir() {
    svr_.stop();
    thread_.join();
  }
  std::string base() const { return fmt::format("http://127.0.0.1:{}/fhir", port); }
  int port = 0;
  std::atomic<int> requests{0};

 private:
  httplib::Server svr_;
  std::thread thread_;
  std::string patient_;
  std::map<std::string, std::string> searches_;
};

TEST_F(CdsHttpTest, FetchesWithLibcurlAndCapsConcurrentEvaluations) {
  SlowFhir fhir(700ms);
  options.max_in_flight = 1;
  Running r(options, config, dir.file("audit.sqlite"));
  HookRequestOptions o;
  o.omit = "*";
  o.fhir_server = fhir.base();
  const std::string slow_body = hook_request(fixture("jsh-1a-met.bundle.json"), o);
  const std::string slow_jwt = jwt_for(r, kPatientView);
  auto slow = std::async(std::launch::async, [&] {
    auto cli = r.client();
    return cli.Post(kPatientView, bearer(slow_jwt), slow_body, "application/json");
  });
  // Wait until the first request is being evaluated (its FHIR fetch has started).
  for (int i = 0; i < 200 && fhir.requests.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  auto busy = r.client().Post(kPatientView, bearer(jwt_for(r, kPatientView)),
                              hook_request(fixture("jsh-1a-met.bundle.json")), "application/json");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->get_header_value("Retry-After"), "1");
  // Cheap routes are not capped.
  auto health = r.client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto done = slow.get();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  EXPECT_NE(done->body.find("TACE checkpoint: switch"), std::string::npos);
  EXPECT_EQ(fhir.requests.load(), static_cast<int>(prefetch_templates().size()));  // one page per template
  EXPECT_EQ(r.service->metrics().errors("overloaded"), 1u);
  // The slot is free again.
  auto again = r.client().Post(kPatientView, bearer(jwt_for(r, kPatientView)),
                               hook_request(fixture("jsh-1a-met.bundle.json")), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(CdsHttpTest, SlowClientIsCutOffAtTheRequestDeadline) {
  options.request_deadline_s = 1;
  options.read_timeout_s = 5;
  Running r(options, config, dir.file("audit.sqlite"));
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(r.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string head = "POST /cds-services/switchpoint-patient-view HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  ASSERT_GT(::send(s, head.data(), head.size(), MSG_NOSIGNAL), 0);
  // One byte every 300 ms (each read well within the 5 s read timeout): cut off after ~1 s.
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    std::this_thread::sleep_for(300ms);
    if (::send(s, "a", 1, MSG_NOSIGNAL) < 0) closed = true;
    char buf[256];
    const ssize_t n = ::recv(s, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) closed = true;
  }
  ::close(s);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, 4s);
  EXPECT_GE(r.service->metrics().errors("read_timeout"), 1u);
  auto health = r.client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(CdsHttpTest, DevelopmentModeOnlyOnLoopback) {
  ServerOptions o = options;
  o.cds_dev_unsigned = true;
  o.host = "0.0.0.0";
  Service::Parts parts;
  std::string why;
  parts.audit = AuditLog::open(dir.file("dev.sqlite"), &why);
  EXPECT_FALSE(Service::create(o, std::move(parts), nullptr, &why));
  EXPECT_NE(why.find("loopback"), std::string::npos);
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("::1"));

  o.host = "127.0.0.1";
  Running r(o, CdsConfig{}, dir.file("dev2.sqlite"));
  auto res = r.client().Post(kPatientView, hook_request(fixture("nr-responding.bundle.json")), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(CdsHttpTest, WithoutIssuersEveryCdsRequestIsRefused) {
  Running r(options, CdsConfig{}, dir.file("audit.sqlite"));
  auto res = r.client().Post(kPatientView, bearer(jwt_for(r, kPatientView)),
                             hook_request(fixture("nr-responding.bundle.json")), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  // The REST API and page are unchanged.
  auto page = r.client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

}  // namespace
}  // namespace switchpoint
