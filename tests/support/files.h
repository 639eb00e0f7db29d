#pragma once
// Reading test fixtures and outputs, one definition for every suite (issue 16: the copies of
// slurp were spread over fifteen test files).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace switchpoint::testing_support {

// The file's bytes as they are. A file that cannot be read throws, so that a test never compares
// an expectation with the empty text of a fixture it failed to find.
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// For outputs that may rightly not exist (a refused command writes none): "" when there is no file.
inline std::string slurp_if_exists(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  if (f) ss << f.rdbuf();
  return ss.str();
}

}  // namespace switchpoint::testing_support
