// `switchpoint vocabulary [--out DIR]` (docs/terminology.md "Published vocabulary").
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli/commands.h"
#include "support/cli_run.h"
#include "support/files.h"
#include "terminology/vocabulary.h"

namespace switchpoint {
namespace {

using testing_support::CliRun;
CliRun run(std::vector<std::string> args) { return testing_support::run_switchpoint(std::move(args)); }

using testing_support::slurp;

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(CliVocabulary, WithoutOutPrintsTheBundle) {
  const CliRun r = run({"vocabulary"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, vocabulary::vocabulary_bundle(vocabulary::published_vocabulary()));
  EXPECT_NE(r.out.find("\"type\": \"collection\""), std::string::npos);
  EXPECT_TRUE(r.err.empty());
}

TEST(CliVocabulary, OutWritesEveryResourceAndRemovesOnlyStaleVocabularyFiles) {
  const auto dir = fresh_dir("switchpoint-vocabulary");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ValueSet-gone.json") << "{}";  // left from an earlier version: removed
  std::ofstream(dir / "README.md") << "keep";         // not ours: kept
  std::ofstream(dir / "Patient-demo.json") << "{}";   // not a vocabulary file: kept
  const CliRun r = run({"vocabulary", "--out", dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto resources = vocabulary::vocabulary_resources(vocabulary::published_vocabulary());
  EXPECT_NE(r.out.find(std::to_string(resources.size()) + " resources written"), std::string::npos) << r.out;
  for (const auto& res : resources) EXPECT_EQ(slurp(dir / res.file_name), res.json) << res.file_name;
  EXPECT_FALSE(std::filesystem::exists(dir / "ValueSet-gone.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "README.md"));
  EXPECT_TRUE(std::filesystem::exists(dir / "Patient-demo.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "CodeSystem-switchpoint-hcc.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "ConceptMap-standard-to-record.json"));
  std::filesystem::remove_all(dir);
}

TEST(CliVocabulary, HelpListsTheCommand) {
  const CliRun r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("vocabulary"), std::string::npos) << r.out;
  EXPECT_EQ(run({"vocabulary", "--bogus"}).code, 2);
}

TEST(CliVocabulary, OutThatIsAFileIsAUsageError) {
  const auto dir = fresh_dir("switchpoint-vocabulary-file");
  std::ofstream(dir.string()) << "x";
  const CliRun r = run({"vocabulary", "--out", dir.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(dir.string()), std::string::npos) << r.err;
  std::filesystem::remove(dir);
}

}  // namespace
}  // namespace switchpoint
