// docs/openapi.json against the server that really runs (issue 17): every route `serve` registers
// (Service::routes(), the table every registration goes through) is described, and every
// described operation is a registered route — both directions, by matching each operation's
// example path against the routes' patterns as cpp-httplib does (whole-path regex match). Then
// every described operation is called over loopback and must answer one of its described
// statuses with a described media type. The document's own validity is checked independently by
// an npm OpenAPI validator (tests/openapi).
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cds_test_support.h"
#include "running_service.h"
#include "server/cds_audit.h"
#include "server/server.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;
using namespace std::chrono_literals;

struct Operation {
  std::string method;    // upper case
  std::string path;      // the template, e.g. /fhir/CodeSystem/{id}
  std::string example;   // the template with each parameter's example
  bool secured = false;  // needs the CDS Hooks JWT
  std::set<int> statuses;
  std::vector<std::pair<int, std::vector<std::string>>> media;  // status → media types
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The operations of docs/openapi.json (components' $ref responses resolved by name).
std::vector<Operation> operations(const std::string& text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  simdjson::dom::object responses_of_components = doc["components"]["responses"].get_object();
  std::vector<Operation> out;
  for (auto [path, item] : doc["paths"].get_object()) {
    for (auto [method, op_el] : item.get_object()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      simdjson::dom::object op = op_el.get_object();
      Operation o{upper(method), std::string(path), std::string(path), false, {}, {}};
      // Each {name} of the path takes its parameter's example.
      std::string ex = o.path;
      simdjson::dom::array params;
      if (op["parameters"].get(params) == simdjson::SUCCESS) {
        for (simdjson::dom::element p : params) {
          std::string_view in, name, example;
          if (p["in"].get(in) || in != "path") continue;
          if (p["name"].get(name) || p["example"].get(example)) continue;
          const std::string slot = "{" + std::string(name) + "}";
          if (const auto at = ex.find(slot); at != std::string::npos) ex.replace(at, slot.size(), example);
        }
      }
      o.example = ex;
      simdjson::dom::array security;
      o.secured = op["security"].get(security) == simdjson::SUCCESS && security.size() > 0;
      for (auto [code, resp] : op["responses"].get_object()) {
        const int status = std::stoi(std::string(code));
        o.statuses.insert(status);
        simdjson::dom::element r = resp;
        std::string_view ref;
        if (r["$ref"].get(ref) == simdjson::SUCCESS)
          r = responses_of_components[std::string(ref.substr(ref.rfind('/') + 1))];
        std::vector<std::string> types;
        simdjson::dom::object content;
        if (r["content"].get(content) == simdjson::SUCCESS)
          for (auto [type, unused] : content) types.emplace_back(type);
        o.media.emplace_back(status, std::move(types));
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::string openapi_text() { return slurp(std::string(SWITCHPOINT_SOURCE_DIR) + "/docs/openapi.json"); }

using Running = RunningService;  // tests/server/running_service.h

TEST(OpenApi, EveryOperationHasAConcreteExamplePath) {
  const auto ops = operations(openapi_text());
  ASSERT_GE(ops.size(), 15u);
  for (const auto& o : ops)
    EXPECT_EQ(o.example.find('{'), std::string::npos)
        << o.method << " " << o.path << ": a path parameter has no example";
}

TEST(OpenApi, DescribesEveryRegisteredRouteAndNothingElse) {
  TempDir dir;
  Running r(ServerOptions{}, CdsConfig{}, dir.file("audit.sqlite"));
  const auto& routes = r.service->routes();
  const auto ops = operations(openapi_text());
  ASSERT_GE(routes.size(), 10u);
  std::vector<std::regex> patterns;
  for (const auto& rt : routes) patterns.emplace_back(rt.pattern);

  // Described → registered: the route that answers an operation's example path is the first
  // registered one of its method whose pattern matches (cpp-httplib's order).
  for (const auto& o : ops) {
    bool found = false;
    for (std::size_t i = 0; i < routes.size() && !found; ++i)
      found = routes[i].method == o.method && std::regex_match(o.example, patterns[i]);
    EXPECT_TRUE(found) << "docs/openapi.json describes " << o.method << " " << o.path << " (e.g. " << o.example
                       << "), which the server does not register";
  }
  // Registered → described.
  for (std::size_t i = 0; i < routes.size(); ++i) {
    bool found = false;
    for (const auto& o : ops)
      found = found || (routes[i].method == o.method && std::regex_match(o.example, patterns[i]));
    EXPECT_TRUE(found) << "the server registers " << routes[i].method << " " << routes[i].pattern
                       << ", which docs/openapi.json does not describe";
  }
  // Each method of a registered pattern is described, and no described method is missing from
  // the server: e.g. no OPTIONS is described outside /cds-services.
  std::set<std::string> methods_registered, methods_described;
  for (const auto& rt : routes) methods_registered.insert(rt.method);
  for (const auto& o : ops) methods_described.insert(o.method);
  EXPECT_EQ(methods_registered, methods_described);
}

TEST(OpenApi, EveryDescribedOperationAnswersADescribedStatusAndType) {
  TempDir dir;
  Running r(ServerOptions{}, CdsConfig{}, dir.file("audit.sqlite"));
  httplib::Client cli("127.0.0.1", r.port);
  cli.set_read_timeout(20, 0);
  for (const auto& o : operations(openapi_text())) {
    ASSERT_TRUE(o.method == "GET" || o.method == "POST" || o.method == "OPTIONS") << "no probe for " << o.method;
    httplib::Result res = o.method == "GET"    ? cli.Get(o.example)
                          : o.method == "POST" ? cli.Post(o.example, "{}", "application/json")
                                               : cli.Options(o.example);
    ASSERT_TRUE(res) << o.method << " " << o.example;
    EXPECT_TRUE(o.statuses.count(res->status))
        << o.method << " " << o.example << " answered " << res->status << ", not described in docs/openapi.json";
    // With no JWT (none is trusted here) a secured operation is 401; the others' examples are real
    // (but a report link exists only after a CDS call made it: its example is 404).
    if (o.secured) {
      EXPECT_EQ(res->status, 401) << o.method << " " << o.example;
    } else if (o.method != "POST" && !o.path.starts_with("/report/")) {
      EXPECT_EQ(res->status / 100, 2) << o.method << " " << o.example << ": " << res->status;
    }
    const std::string type =
        res->get_header_value("Content-Type").substr(0, res->get_header_value("Content-Type").find(';'));
    for (const auto& [status, types] : o.media) {
      if (status != res->status || types.empty()) continue;
      EXPECT_NE(std::find(types.begin(), types.end(), type), types.end())
          << o.method << " " << o.example << " " << status << ": Content-Type " << type << " is not described";
    }
  }
}

TEST(OpenApi, ServedAtOpenapiJsonAsInDocs) {
  TempDir dir;
  Running r(ServerOptions{}, CdsConfig{}, dir.file("audit.sqlite"));
  httplib::Client cli("127.0.0.1", r.port);
  auto res = cli.Get("/openapi.json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->body, openapi_text());
}

TEST(OpenApi, PathsOutsideTheDocumentAreNotAnswered) {
  TempDir dir;
  Running r(ServerOptions{}, CdsConfig{}, dir.file("audit.sqlite"));
  httplib::Client cli("127.0.0.1", r.port);
  // Near misses of described paths: none is a route, so none may succeed.
  for (const char* path : {"/api", "/metadata", "/api/evaluate/x", "/fhir/Patient/1", "/fhir/CodeSystem/no-such-id",
                           "/healthz/x", "/openapi.yaml", "/a/b"}) {
    auto res = cli.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
  auto put = cli.Put("/api/evaluate", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status / 100, 4);
  auto del = cli.Delete("/healthz");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status / 100, 4);
}

}  // namespace
}  // namespace switchpoint
