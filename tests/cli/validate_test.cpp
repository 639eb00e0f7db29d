// `switchpoint validate FILE` (INTERFACES.md): exit 0 for a valid record, 2 for invalid input,
// with every problem on stderr naming the file, the JSON pointer and what was wrong.
#include "cli/commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>
#include "support/cli_run.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;

using testing_support::CliRun;
CliRun run(std::vector<std::string> args) { return testing_support::run_switchpoint(std::move(args)); }

const fs::path kSource(SWITCHPOINT_SOURCE_DIR);
std::string example(const std::string& name) { return (kSource / "examples" / name).string(); }
std::string malformed(const std::string& name) {
  return (kSource / "tests/readers/malformed" / (name + ".json")).string();
}

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST(Validate, ExamplesAreValid) {
  for (const auto& [file, id] :
       std::vector<std::pair<std::string, std::string>>{{"01-responding-patient.json", "demo-001"},
                                                        {"02-refractory-patient.json", "demo-002"},
                                                        {"03-decompensating-patient.json", "demo-003"}}) {
    const CliRun r = run({"validate", example(file)});
    EXPECT_EQ(r.code, 0) << file << "\n" << r.err;
    EXPECT_TRUE(has(r.out, "valid switchpoint.record/1 record for patient " + id)) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST(Validate, ImplausibleValueExits2AndNamesFilePointerValueAndLikelyUnit) {
  const std::string file = malformed("albumin-35-g-per-dl");
  const CliRun r = run({"validate", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << "nothing on stdout for an invalid record: " << r.out;
  EXPECT_TRUE(has(r.err, file)) << r.err;
  EXPECT_TRUE(has(r.err, "1 problem")) << r.err;
  EXPECT_TRUE(has(r.err, "at /labs/0")) << r.err;
  EXPECT_TRUE(has(r.err, "albumin 35 g/dL")) << r.err;
  EXPECT_TRUE(has(r.err, "did you mean g/L?")) << r.err;
}

TEST(Validate, EveryProblemIsListed) {
  const CliRun r = run({"validate", malformed("three-problems")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "3 problems")) << r.err;
  EXPECT_TRUE(has(r.err, "at /labs/1: ")) << r.err;
  EXPECT_TRUE(has(r.err, "at /clinical/0/ecog: ")) << r.err;
  EXPECT_TRUE(has(r.err, "at /imaging/0/vascular_invasion: ")) << r.err;
}

TEST(Validate, EveryMalformedFileExits2) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kSource / "tests/readers/malformed")) {
    if (e.path().extension() != ".json") continue;
    ++n;
    const CliRun r = run({"validate", e.path().string()});
    EXPECT_EQ(r.code, 2) << e.path() << "\n" << r.out << r.err;
    EXPECT_TRUE(has(r.err, e.path().string())) << r.err;
    EXPECT_TRUE(r.out.empty()) << e.path() << ": " << r.out;
  }
  EXPECT_GE(n, 25);
}

TEST(Validate, NotJsonAndTopLevelArrayExit2) {
  const CliRun not_json = run({"validate", malformed("not-json")});
  EXPECT_EQ(not_json.code, 2);
  EXPECT_TRUE(has(not_json.err, "not valid JSON")) << not_json.err;
  const CliRun array = run({"validate", malformed("top-level-array")});
  EXPECT_EQ(array.code, 2);
  EXPECT_TRUE(has(array.err, "must be a JSON object")) << array.err;
}

TEST(Validate, MissingFileOrArgumentIsUsageError) {
  const CliRun missing = run({"validate", "/nonexistent/record.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(has(missing.err, "/nonexistent/record.json")) << missing.err;
  EXPECT_EQ(run({"validate"}).code, 2);
  EXPECT_EQ(run({"validate", example("01-responding-patient.json"), "extra-argument"}).code, 2);
}

// `demo` treats a shipped example that does not read as an internal error (exit 1).
TEST(Validate, DemoReadsEveryShippedExample) {
  const CliRun r = run({"demo"});
  EXPECT_EQ(r.code, 0) << r.err;
  for (std::string_view id : {"demo-001", "demo-002", "demo-003"}) EXPECT_TRUE(has(r.out, id)) << id;
}

}  // namespace
}  // namespace switchpoint
