// GET /fhir/…: the published vocabulary served by `serve` (docs/terminology.md "Published vocabulary").
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "server/api.h"
#include "server/server.h"
#include "terminology/vocabulary.h"

namespace switchpoint {
namespace {

const vocabulary::Vocabulary& voc() { return vocabulary::published_vocabulary(); }

TEST(FhirVocabulary, EveryResourceIsServedByTypeAndId) {
  for (const auto& r : vocabulary::vocabulary_resources(voc())) {
    const ApiResponse a = api_fhir_vocabulary("/fhir/" + r.resource_type + "/" + r.id);
    EXPECT_EQ(a.status, 200) << r.file_name;
    EXPECT_EQ(a.content_type, "application/fhir+json");
    EXPECT_EQ(a.body, r.json) << r.file_name;
  }
  const ApiResponse bundle = api_fhir_vocabulary("/fhir/vocabulary");
  EXPECT_EQ(bundle.status, 200);
  EXPECT_EQ(bundle.body, vocabulary::vocabulary_bundle(voc()));
}

TEST(FhirVocabulary, AnythingElseIsA404OperationOutcome) {
  for (const char* path :
       {"/fhir/", "/fhir/ValueSet/", "/fhir/ValueSet/no-such-set", "/fhir/CodeSystem/regimen",
        "/fhir/ValueSet/regimen/extra", "/fhir/Patient/p1", "/fhir/ValueSet/../CodeSystem/switchpoint-hcc",
        "/fhir/valueset/regimen", "/fhir/vocabulary/x", "/fhir/ValueSet/<script>"}) {
    const ApiResponse a = api_fhir_vocabulary(path);
    EXPECT_EQ(a.status, 404) << path;
    EXPECT_EQ(a.content_type, "application/fhir+json") << path;
    EXPECT_NE(a.body.find("\"resourceType\": \"OperationOutcome\""), std::string::npos) << path;
    EXPECT_NE(a.body.find("\"code\": \"not-found\""), std::string::npos) << path;
    EXPECT_EQ(a.body.find("<script>"), std::string::npos) << "the path is not echoed";
  }
  // The other side of the boundary: an existing id.
  EXPECT_EQ(api_fhir_vocabulary("/fhir/ValueSet/regimen").status, 200);
}

TEST(FhirVocabulary, OverLoopbackWithTheSecurityHeadersOfTheOtherGetRoutes) {
  httplib::Server svr;
  ServerOptions opt;
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
  for (const char* path : {"/fhir/vocabulary", "/fhir/CodeSystem/switchpoint-hcc", "/fhir/ValueSet/ascites",
                           "/fhir/ConceptMap/standard-to-record", "/fhir/ValueSet/nope"}) {
    auto res = cli.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, std::string_view(path) == "/fhir/ValueSet/nope" ? 404 : 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/fhir+json") << path;
    for (const char* h :
         {"Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Referrer-Policy", "X-Frame-Options"})
      EXPECT_EQ(res->get_header_value(h), health->get_header_value(h)) << path << " " << h;
  }
  EXPECT_FALSE(health->get_header_value("X-Content-Type-Options").empty());
  svr.stop();
  t.join();
}

}  // namespace
}  // namespace switchpoint
