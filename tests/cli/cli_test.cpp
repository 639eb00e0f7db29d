// The command line run in-process: exit codes and outputs of INTERFACES.md.
#include "cli/commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>
#include "support/cli_run.h"

namespace switchpoint {
namespace {

using testing_support::CliRun;
CliRun run(std::vector<std::string> args) { return testing_support::run_switchpoint(std::move(args)); }

const std::string kExample = std::string(SWITCHPOINT_SOURCE_DIR) + "/examples/01-responding-patient.json";

TEST(Cli, DemoPrintsEveryExampleWithNotice) {
  const CliRun r = run({"demo"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("demo-001"), std::string::npos);
  EXPECT_NE(r.out.find("not a substitute for clinical judgement"), std::string::npos);
}

TEST(Cli, EvaluateIsDeterministic) {
  const CliRun a = run({"evaluate", kExample, "--format", "json"});
  const CliRun b = run({"evaluate", kExample, "--format", "json"});
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("\"schema\": \"switchpoint.decision/1\""), std::string::npos);
}

TEST(Cli, MissingFileIsUsageError) {
  const CliRun r = run({"evaluate", "/nonexistent/file.json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/file.json"), std::string::npos);
}

TEST(Cli, UnknownCommandIsUsageError) { EXPECT_EQ(run({"frobnicate"}).code, 2); }

}  // namespace
}  // namespace switchpoint

namespace switchpoint {
namespace {

// Issue 14 point 3 (text): what the input held and the engine did not read is said at the top of the
// clinician's text, not only by `validate` and the JSON. A replay leaves later entries unread.
TEST(Cli, TextSaysWhatWasNotRead) {
  const std::string ex2 = std::string(SWITCHPOINT_SOURCE_DIR) + "/examples/02-refractory-patient.json";
  const CliRun replay = run({"evaluate", ex2, "--as-of", "2024-05-01"});
  ASSERT_EQ(replay.code, 0) << replay.err;
  EXPECT_NE(replay.out.find("NOT READ from the input: "), std::string::npos);
  EXPECT_NE(replay.out.find("entries dated after the as-of date"), std::string::npos);
  const CliRun whole = run({"evaluate", ex2});
  ASSERT_EQ(whole.code, 0) << whole.err;
  EXPECT_EQ(whole.out.find("NOT READ"), std::string::npos);
}

// `validate` says what was sent but not read in the same words as every other output.
TEST(Cli, ValidateSaysWhatWasNotRead) {
  const std::string path = ::testing::TempDir() + "/switchpoint-not-read.bundle.json";
  {
    std::ofstream f(path);
    f << R"({"resourceType":"Bundle","type":"collection","entry":[)"
         R"({"resource":{"resourceType":"Patient","id":"p1"}},)"
         R"({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":72,"unit":"/min"}}},)"
         R"({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}}]})";
  }
  const CliRun r = run({"validate", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("  skipped 1 × Observation http://loinc.org|8867-4\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  not read: 1 resource (LOINC 8867-4 Heart rate (Observation; code not read))\n"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace switchpoint
