// Issue 15 item 8, no silent surprises: `cohort` on a file that is not NDJSON (one FHIR Bundle,
// pretty-printed or on one line; any JSON document over several lines) is refused with exit 2,
// a message saying what to do and no output file; `synth` into a folder that is not empty is
// refused unless --force, and --force removes the old .ndjson and .ndjson.gz files first.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "cohort/cohort.h"
#include "cohort_test_util.h"
#include "support/cli_run.h"

namespace switchpoint::cohort {
namespace {

using testing::slurp;
using testing::spit;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kPrettyBundle = R"({
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    {"resource": {"resourceType": "Patient", "id": "p1"}},
    {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
      "subject": {"reference": "Patient/p1"}}}
  ]
}
)";

using testing_support::CliRun;
using testing_support::run_switchpoint;

CliRun cohort_on(const std::string& in, const std::string& out_csv) {
  return run_switchpoint({"cohort", in, "-o", out_csv, "--threads", "1"});
}

CliRun synth_into(const std::string& dir, std::vector<std::string> extra = {}, const std::string& seed = "5") {
  std::vector<std::string> args = {"synth", "--patients", "3", "--seed", seed, "-o", dir};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_switchpoint(std::move(args));
}

TEST(NotNdjson, PrettyPrintedBundleIsRefusedWithWhatToDoAndNoOutput) {
  TempDir d;
  spit(d.file("bundle.ndjson"), kPrettyBundle);
  const CliRun r = cohort_on(d.file("bundle.ndjson"), d.file("rows.csv"));
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("one FHIR Bundle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("switchpoint evaluate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NDJSON"), std::string::npos) << r.err;
  // Refused before reading: not one line error per line of the document.
  EXPECT_EQ(r.err.find(":2:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d.file("rows.csv")));
  EXPECT_EQ(std::distance(fs::directory_iterator(d.path()), fs::directory_iterator{}), 1);
}

TEST(NotNdjson, BundleInAFolderAndGzippedIsRefusedToo) {
  TempDir d;
  fs::create_directories(d.file("export"));
  spit(d.file("export/Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n");
  gzFile gz = gzopen(d.file("export/Bundle.ndjson.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, kPrettyBundle.data(), static_cast<unsigned>(kPrettyBundle.size()));
  gzclose(gz);
  const CliRun r = cohort_on(d.file("export"), d.file("rows.csv"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Bundle.ndjson.gz: this is one FHIR Bundle"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d.file("rows.csv")));
}

TEST(NotNdjson, OneLineBundleAndOtherPrettyJsonAreRefused) {
  TempDir d;
  spit(d.file("a.ndjson"), "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": []}\n");
  EXPECT_NE(not_ndjson_reason(d.file("a.ndjson")).value_or("").find("first line is a FHIR Bundle"), std::string::npos);
  spit(d.file("b.ndjson"), "\xEF\xBB\xBF\n  {\n  \"resourceType\": \"Patient\",\n  \"id\": \"p1\"\n}\n");
  EXPECT_NE(not_ndjson_reason(d.file("b.ndjson")).value_or("").find("over several lines"), std::string::npos);
  spit(d.file("c.ndjson"), "[\n{\"resourceType\": \"Patient\", \"id\": \"p1\"}\n]\n");
  EXPECT_TRUE(not_ndjson_reason(d.file("c.ndjson")).has_value());
  const CliRun r = cohort_on(d.file("b.ndjson"), d.file("rows.csv"));
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(fs::exists(d.file("rows.csv")));
}

TEST(NotNdjson, RealNdjsonAndBrokenLinesAreNotRefusedWhole) {
  TempDir d;
  // The other side: NDJSON (with a Bundle nested in no line), blank files and a truncated first line
  // are read, their bad lines reported one by one.
  spit(d.file("ok.ndjson"),
       "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n");
  EXPECT_FALSE(not_ndjson_reason(d.file("ok.ndjson")).has_value());
  spit(d.file("blank.ndjson"), "\n\n");
  EXPECT_FALSE(not_ndjson_reason(d.file("blank.ndjson")).has_value());
  spit(d.file("cut.ndjson"),
       "{\"resourceType\":\"Patient\",\"id\":\"p1\"\n{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n");
  EXPECT_FALSE(not_ndjson_reason(d.file("cut.ndjson")).has_value());
  const CliRun r = cohort_on(d.file("cut.ndjson"), d.file("rows.csv"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cut.ndjson:1:"), std::string::npos) << r.err;
}

TEST(SynthOutputDir, NewOrEmptyFolderIsWritten) {
  TempDir d;
  EXPECT_EQ(synth_into(d.file("new")).code, 0);
  fs::create_directories(d.file("empty"));
  EXPECT_EQ(synth_into(d.file("empty")).code, 0);
  EXPECT_TRUE(fs::exists(d.file("empty/Patient.ndjson")));
}

TEST(SynthOutputDir, FolderHoldingACohortIsRefusedAndKept) {
  TempDir d;
  const std::string dir = d.file("cohort");
  ASSERT_EQ(synth_into(dir).code, 0);
  const std::string before = slurp(dir + "/Patient.ndjson");
  const CliRun r = synth_into(dir, {}, "9");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir + "/Patient.ndjson"), before);
  // Any file makes the folder not empty, not only NDJSON.
  fs::create_directories(d.file("other"));
  spit(d.file("other/notes.txt"), "x");
  EXPECT_EQ(synth_into(d.file("other")).code, 2);
}

TEST(SynthOutputDir, ForceWithGzipLeavesNoOldPlainFileBeside) {
  TempDir d;
  const std::string dir = d.file("cohort");
  ASSERT_EQ(synth_into(dir).code, 0);
  spit(dir + "/README.txt", "kept");
  const CliRun r = synth_into(dir, {"--gzip", "--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("removed Patient.ndjson"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/Patient.ndjson"));
  EXPECT_TRUE(fs::exists(dir + "/Patient.ndjson.gz"));
  EXPECT_TRUE(fs::exists(dir + "/README.txt"));
  // The cohort then reads each patient once: no conflicts from two copies.
  const CliRun c = cohort_on(dir, d.file("rows.csv"));
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("3 patients"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("0 invalid lines"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace switchpoint::cohort
