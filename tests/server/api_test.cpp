// The HTTP API: status codes and bodies of INTERFACES.md, in-process and over loopback.
#include "server/api.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "server/server.h"
#include "support/files.h"

namespace switchpoint {
namespace {

using testing_support::slurp;

const std::string kExample02 = std::string(SWITCHPOINT_SOURCE_DIR) + "/examples/02-refractory-patient.json";

TEST(Api, EvaluateReturnsTheDecision) {
  const ApiResponse r = api_evaluate(slurp(kExample02), "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(r.body.find("\"schema\": \"switchpoint.decision/1\""), std::string::npos);
  EXPECT_NE(r.body.find("\"verdict\": \"switch\""), std::string::npos);
}

TEST(Api, InvalidRecordIs400WithEveryProblem) {
  const ApiResponse r = api_evaluate(R"({"schema":"switchpoint.record/1","patient":{"id":"x"},
      "labs":[{"date":"2024-01-01","test":"albumin","value":35,"unit":"g/dL"},
              {"date":"2024-01-01","test":"inr","value":1.1}]})",
                                     "", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"location\": \"/labs/0\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("did you mean g/L?"), std::string::npos);
  EXPECT_NE(r.body.find("\"location\": \"/labs/1/unit\""), std::string::npos);
}

TEST(Api, AsOfReplaysAndBadAsOfIs400) {
  const ApiResponse before = api_evaluate(slurp(kExample02), "2024-03-01", "json");
  EXPECT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("\"as_of\": \"2024-03-01\""), std::string::npos);
  EXPECT_EQ(api_evaluate(slurp(kExample02), "2024-13-01", "json").status, 400);
  EXPECT_EQ(api_evaluate(slurp(kExample02), "", "pdf").status, 400);
}

TEST(Api, HtmlAndTextFormats) {
  const ApiResponse html = api_evaluate(slurp(kExample02), "", "html");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_NE(html.body.find("not a substitute for clinical judgement"), std::string::npos);
  const ApiResponse text = api_evaluate(slurp(kExample02), "", "text");
  EXPECT_NE(text.body.find("CHECKPOINT before the next TACE: SWITCH"), std::string::npos);
}

TEST(Api, ExamplesAndAssets) {
  EXPECT_NE(api_examples_index().body.find("02-refractory-patient.json"), std::string::npos);
  ASSERT_TRUE(api_example("02-refractory-patient.json").has_value());
  EXPECT_FALSE(api_example("../CMakeLists.txt").has_value());
  ASSERT_TRUE(static_asset("/").has_value());
  EXPECT_EQ(static_asset("/")->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(static_asset("/../../etc/passwd").has_value());
}

// Over loopback: the library's own limits come back as JSON.
TEST(Server, LoopbackRoundTripAndBodyLimit) {
  httplib::Server svr;
  ServerOptions opt;
  opt.max_body_bytes = 64 * 1024;
  install_routes(svr, opt, nullptr);
  const int port = svr.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(10, 0);

  auto health = cli.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  auto ok = cli.Post("/api/evaluate", slurp(kExample02), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("Cache-Control"), "no-store");

  auto big = cli.Post("/api/evaluate", std::string(100 * 1024, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->body.find("size limit"), std::string::npos);

  auto missing = cli.Get("/nope.txt");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  svr.stop();
  t.join();
}

}  // namespace
}  // namespace switchpoint
