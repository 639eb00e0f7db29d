// CORS for browser-based CDS clients (issue 17, docs/cds-hooks.md "CORS"), over loopback against
// the whole service. What is asserted is the Fetch standard's CORS protocol (§3.2, §4.8): a
// preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered without
// credentials, with an ok status and Access-Control-Allow-Origin naming the request's origin
// byte for byte, Access-Control-Allow-Methods covering the method and Access-Control-Allow-Headers
// naming Authorization (the wildcard never covers it); any other origin gets no
// Access-Control-Allow-Origin. The actual calls still need the JWT.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cds_test_support.h"
#include "running_service.h"
#include "server/cds_audit.h"
#include "server/cds_metrics.h"
#include "server/server.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;
using namespace std::chrono_literals;

constexpr const char* kSandbox = "https://sandbox.cds-hooks.org";
constexpr const char* kLocalApp = "http://localhost:8000";
constexpr const char* kPatientView = "/cds-services/switchpoint-patient-view";
constexpr const char* kFeedback = "/cds-services/switchpoint-patient-view/feedback";

// check_cors_origin ------------------------------------------------------------------------

TEST(CorsOrigin, AcceptsOriginsAndSerializesThemAsABrowserDoes) {
  // A browser's Origin is the serialized origin: lower-case scheme and host, no default port.
  const std::vector<std::pair<std::string, std::string>> ok = {
      {"https://sandbox.cds-hooks.org", "https://sandbox.cds-hooks.org"},
      {"HTTPS://Sandbox.CDS-Hooks.org", "https://sandbox.cds-hooks.org"},
      {"https://sandbox.cds-hooks.org:443", "https://sandbox.cds-hooks.org"},  // default port of https
      {"https://ehr.example.org:444", "https://ehr.example.org:444"},          // next to it: kept
      {"https://ehr.example.org:80", "https://ehr.example.org:80"},            // http's default is not https's
      {"http://localhost:80", "http://localhost"},
      {"http://localhost:81", "http://localhost:81"},
      {"http://localhost:8000", "http://localhost:8000"},
      {"http://127.0.0.1:3000", "http://127.0.0.1:3000"},
      {"http://[::1]:3000", "http://[::1]:3000"},
  };
  for (const auto& [given, serialized] : ok) {
    std::string out;
    EXPECT_EQ(check_cors_origin(given, &out), "") << given;
    EXPECT_EQ(out, serialized) << given;
  }
}

TEST(CorsOrigin, RefusesWildcardsPathsAndWhatIsNotAnOrigin) {
  struct Bad {
    std::string origin;
    std::string says;  // a part of the message
  };
  const std::vector<Bad> bad = {
      {"*", "wildcard"},
      {"null", "opaque origin"},
      {"", "expected a browser origin"},
      {"sandbox.cds-hooks.org", "expected a browser origin"},
      {"ftp://sandbox.cds-hooks.org", "expected a browser origin"},
      {"https://", "expected a browser origin"},
      {"https://sandbox.cds-hooks.org/", "no path"},
      {"https://sandbox.cds-hooks.org/app", "no path"},
      {"https://sandbox.cds-hooks.org?x=1", "no path"},
      {"https://sandbox.cds-hooks.org#top", "no path"},
      {"https://user@sandbox.cds-hooks.org", "expected a browser origin"},
      {"https://*.cds-hooks.org", "expected a browser origin"},
      {"https://sandbox.cds-hooks.org:0", "expected a browser origin"},
      {"https://sandbox.cds-hooks.org:65536", "expected a browser origin"},
      {"https://sandbox.cds-hooks.org:65535x", "expected a browser origin"},
  };
  for (const auto& b : bad) {
    std::string out = "untouched";
    const std::string why = check_cors_origin(b.origin, &out);
    EXPECT_NE(why.find("--cors-origin"), std::string::npos) << b.origin << ": " << why;
    EXPECT_NE(why.find(b.says), std::string::npos) << b.origin << ": " << why;
    EXPECT_EQ(out, "untouched") << b.origin;
  }
  // The highest port is still a port.
  EXPECT_EQ(check_cors_origin("https://sandbox.cds-hooks.org:65535", nullptr), "");
}

// The service over loopback ------------------------------------------------------------------

using Running = RunningService;  // tests/server/running_service.h

class CorsTest : public ::testing::Test {
 protected:
  TempDir dir;
  SigningKey key = SigningKey::ec("ehr-es384");
  CdsConfig config;
  ServerOptions options;

  void SetUp() override {
    write_file(dir.file("jwks.json"), jwks({&key}));
    config.issuers.push_back({"https://ehr.example.org", dir.file("jwks.json"), {}, {}});
    options.cors_origins = {kSandbox, "HTTP://LOCALHOST:8000"};  // the second as an operator might type it
  }

  std::string jwt_for(const Running& r, const std::string& path) {
    Claims c;
    c.aud = r.service->base_url() + path;
    c.iat = unix_now();
    c.exp = c.iat + 300;
    c.jti = new_uuid();
    return ehr_jwt(key, c);
  }
  static httplib::Headers preflight_headers(const std::string& origin, const std::string& method) {
    return {{"Origin", origin},
            {"Access-Control-Request-Method", method},
            {"Access-Control-Request-Headers", "authorization,content-type"}};
  }
};

// Splits a comma-separated header value into lower-case trimmed items.
std::vector<std::string> items(const std::string& value) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : value + ",") {
    if (c == ',') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ' || !cur.empty()) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}
bool has_item(const std::string& value, const std::string& item) {
  const auto v = items(value);
  return std::find(v.begin(), v.end(), item) != v.end();
}

TEST_F(CorsTest, PreflightFromAnAllowedOriginIsAnsweredWithoutAJwt) {
  Running r(options, config, dir.file("audit.sqlite"));
  struct Endpoint {
    const char* path;
    const char* method;
  };
  for (const Endpoint e : {Endpoint{"/cds-services", "GET"}, Endpoint{kPatientView, "POST"},
                           Endpoint{"/cds-services/switchpoint-tace-order", "POST"}, Endpoint{kFeedback, "POST"}}) {
    for (const char* origin : {kSandbox, kLocalApp}) {
      auto res = r.client().Options(e.path, preflight_headers(origin, e.method));  // no Authorization
      ASSERT_TRUE(res) << e.path;
      EXPECT_GE(res->status, 200) << e.path << " " << origin;  // an ok status (Fetch: 200 to 299)
      EXPECT_LE(res->status, 299) << e.path << " " << origin;
      EXPECT_EQ(res->get_header_value_count("Access-Control-Allow-Origin"), 1u) << e.path;
      EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), origin) << e.path;
      EXPECT_TRUE(has_item(res->get_header_value("Access-Control-Allow-Methods"), items(e.method)[0])) << e.path;
      EXPECT_TRUE(has_item(res->get_header_value("Access-Control-Allow-Headers"), "authorization")) << e.path;
      EXPECT_TRUE(has_item(res->get_header_value("Access-Control-Allow-Headers"), "content-type")) << e.path;
      EXPECT_EQ(res->get_header_value("Access-Control-Max-Age"), "600") << e.path;
      EXPECT_TRUE(has_item(res->get_header_value("Vary"), "origin")) << e.path;
      // No cookies or HTTP authentication are used: credentials are never allowed.
      EXPECT_FALSE(res->has_header("Access-Control-Allow-Credentials")) << e.path;
      EXPECT_FALSE(res->has_header("WWW-Authenticate")) << e.path;
      EXPECT_EQ(res->body, "") << e.path;
    }
  }
  EXPECT_EQ(r.service->metrics().errors("auth_missing"), 0u);
  // Counted as preflights, not as discovery or service calls (a request is counted just after its
  // answer is written: the last one may take a moment).
  const std::string eight = "switchpoint_http_requests_total{route=\"cors_preflight\",status=\"200\"} 8\n";
  std::string m = r.service->metrics().render();
  for (int i = 0; i < 200 && m.find(eight) == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
    m = r.service->metrics().render();
  }
  EXPECT_NE(m.find(eight), std::string::npos) << m;
  EXPECT_EQ(m.find("switchpoint_http_requests_total{route=\"cds_"), std::string::npos) << m;
}

TEST_F(CorsTest, PreflightFromAnyOtherOriginIs403WithoutAllowOrigin) {
  Running r(options, config, dir.file("audit.sqlite"));
  // Each differs from an allowed origin in one part, or is not serialized as a browser does.
  const std::vector<std::string> others = {
      "https://evil.example",
      "https://sandbox.cds-hooks.org.evil.example",  // suffix
      "https://evil-sandbox.cds-hooks.org",
      "https://cds-hooks.org",               // parent domain
      "http://sandbox.cds-hooks.org",        // scheme
      "https://sandbox.cds-hooks.org:8443",  // port
      "http://localhost:8001",               // port next to an allowed one
      "http://localhost:7999",
      "http://localhost",                // no port
      "http://127.0.0.1:8000",           // the same machine by another name
      "https://sandbox.cds-hooks.org/",  // not a serialized origin
      "HTTPS://SANDBOX.CDS-HOOKS.ORG",
      "null",
      "*",
  };
  for (const std::string& origin : others) {
    auto res = r.client().Options(kPatientView, preflight_headers(origin, "POST"));
    ASSERT_TRUE(res) << origin;
    EXPECT_EQ(res->status, 403) << origin;
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin")) << origin;
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Methods")) << origin;
    EXPECT_NE(res->body.find("--cors-origin"), std::string::npos) << origin;
  }
  // Two Origin headers, one of them allowed: not an origin at all.
  auto twice = r.client().Options(
      kPatientView,
      {{"Origin", kSandbox}, {"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 403);
  EXPECT_FALSE(twice->has_header("Access-Control-Allow-Origin"));
  EXPECT_GE(r.service->metrics().errors("cors_origin_refused"), others.size() + 1);
}

TEST_F(CorsTest, NoOriginIsAllowedByDefault) {
  options.cors_origins.clear();
  Running r(options, config, dir.file("audit.sqlite"));
  for (const char* origin : {kSandbox, kLocalApp}) {
    auto pre = r.client().Options(kPatientView, preflight_headers(origin, "POST"));
    ASSERT_TRUE(pre);
    EXPECT_EQ(pre->status, 403);
    EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
    auto get = r.client().Get("/cds-services",
                              {{"Origin", origin}, {"Authorization", "Bearer " + jwt_for(r, "/cds-services")}});
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    EXPECT_FALSE(get->has_header("Access-Control-Allow-Origin"));
  }
}

TEST_F(CorsTest, OptionsWithoutOriginIsNotAPreflight) {
  Running r(options, config, dir.file("audit.sqlite"));
  auto discovery = r.client().Options("/cds-services");
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->status, 200);
  EXPECT_TRUE(has_item(discovery->get_header_value("Allow"), "get"));
  EXPECT_TRUE(has_item(discovery->get_header_value("Allow"), "options"));
  EXPECT_FALSE(has_item(discovery->get_header_value("Allow"), "post"));
  EXPECT_FALSE(discovery->has_header("Access-Control-Allow-Origin"));
  auto hook = r.client().Options(kPatientView);
  ASSERT_TRUE(hook);
  EXPECT_TRUE(has_item(hook->get_header_value("Allow"), "post"));
  EXPECT_FALSE(has_item(hook->get_header_value("Allow"), "get"));
}

TEST_F(CorsTest, ActualCallsStillNeedTheJwtAndCarryTheAllowedOrigin) {
  Running r(options, config, dir.file("audit.sqlite"));
  const std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));

  // Without the JWT: 401, readable by the allowed page (so that it can tell the user why).
  auto no_jwt = r.client().Post(kPatientView, {{"Origin", kSandbox}}, body, "application/json");
  ASSERT_TRUE(no_jwt);
  EXPECT_EQ(no_jwt->status, 401);
  EXPECT_EQ(no_jwt->get_header_value("Access-Control-Allow-Origin"), kSandbox);
  EXPECT_EQ(no_jwt->body.find("cards"), std::string::npos);
  auto no_jwt_discovery = r.client().Get("/cds-services", {{"Origin", kLocalApp}});
  ASSERT_TRUE(no_jwt_discovery);
  EXPECT_EQ(no_jwt_discovery->status, 401);

  // With it: cards, and the origin echoed with Vary: Origin.
  auto ok =
      r.client().Post(kPatientView, {{"Origin", kSandbox}, {"Authorization", "Bearer " + jwt_for(r, kPatientView)}},
                      body, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_NE(ok->body.find("\"cards\":[{"), std::string::npos);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), kSandbox);
  EXPECT_TRUE(has_item(ok->get_header_value("Vary"), "origin"));
  EXPECT_FALSE(ok->has_header("Access-Control-Allow-Credentials"));

  auto discovery = r.client().Get("/cds-services",
                                  {{"Origin", kLocalApp}, {"Authorization", "Bearer " + jwt_for(r, "/cds-services")}});
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->status, 200);
  EXPECT_EQ(discovery->get_header_value("Access-Control-Allow-Origin"), kLocalApp);

  // Another origin's call is answered (the JWT decides), but without Access-Control-Allow-Origin:
  // its page cannot read the answer.
  auto other = r.client().Get("/cds-services", {{"Origin", "https://evil.example"},
                                                {"Authorization", "Bearer " + jwt_for(r, "/cds-services")}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  EXPECT_TRUE(has_item(other->get_header_value("Vary"), "origin"));
}

// A browser sends the preflight and then the actual request on one kept-alive connection: the
// event-loop front frames OPTIONS like any method and keeps the connection.
TEST_F(CorsTest, PreflightThenCallOnOneConnection) {
  Running r(options, config, dir.file("audit.sqlite"));
  auto cli = r.client();
  cli.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto pre = cli.Options("/cds-services", preflight_headers(kSandbox, "GET"));
    ASSERT_TRUE(pre) << i;
    EXPECT_EQ(pre->status, 200);
    EXPECT_NE(pre->get_header_value("Connection"), "close");
    auto get =
        cli.Get("/cds-services", {{"Origin", kSandbox}, {"Authorization", "Bearer " + jwt_for(r, "/cds-services")}});
    ASSERT_TRUE(get) << i;
    EXPECT_EQ(get->status, 200);
    EXPECT_EQ(get->get_header_value("Access-Control-Allow-Origin"), kSandbox);
  }
}

TEST_F(CorsTest, OnlyTheCdsEndpointsAreOpenToOtherOrigins) {
  Running r(options, config, dir.file("audit.sqlite"));
  // Paths under /cds-services that are no endpoint: 404, without a JWT, without CORS headers.
  for (const char* path : {"/cds-services/", "/cds-services/a/b", "/cds-services/a/feedback/x", "/cds-services/a%2Fb",
                           "/cds-services//feedback", "/cds-servicesx"}) {
    auto pre = r.client().Options(path, preflight_headers(kSandbox, "POST"));
    ASSERT_TRUE(pre) << path;
    EXPECT_EQ(pre->status, 404) << path;
    EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin")) << path;
  }
  for (const char* path : {"/api/evaluate", "/healthz", "/metrics", "/", "/openapi.json", "/fhir/vocabulary"}) {
    auto pre = r.client().Options(path, preflight_headers(kSandbox, "POST"));
    ASSERT_TRUE(pre) << path;
    EXPECT_FALSE(pre->status >= 200 && pre->status <= 299) << path << " " << pre->status;
    EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin")) << path;
  }
  auto health = r.client().Get("/healthz", {{"Origin", kSandbox}});
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin"));
}

TEST_F(CorsTest, AnUnusableOriginStopsTheServiceFromStarting) {
  for (const char* bad : {"*", "https://sandbox.cds-hooks.org/", "sandbox.cds-hooks.org"}) {
    options.cors_origins = {kSandbox, bad};
    Service::Parts parts;
    parts.config = config;
    std::string why;
    parts.audit = AuditLog::open(dir.file("audit.sqlite"), &why);
    ASSERT_TRUE(parts.audit) << why;
    EXPECT_FALSE(Service::create(options, std::move(parts), nullptr, &why)) << bad;
    EXPECT_NE(why.find("--cors-origin"), std::string::npos) << why;
  }
}

}  // namespace
}  // namespace switchpoint
