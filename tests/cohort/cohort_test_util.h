#pragma once
// Helpers of the cohort tests: temporary folders and files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/files.h"

namespace switchpoint::cohort::testing {

// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / (std::string("switchpoint-cohort-") + info->test_suite_name() +
                                                      "-" + info->name() + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Outputs of the cohort commands, which a refused run rightly does not write.
inline std::string slurp(const std::string& path) { return testing_support::slurp_if_exists(path); }

inline void spit(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

inline const std::string kSource = SWITCHPOINT_SOURCE_DIR;

}  // namespace switchpoint::cohort::testing
