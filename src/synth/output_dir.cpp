#include "synth/output_dir.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace switchpoint::synth {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::string> prepare_output_dir(const std::string& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw std::runtime_error(fmt::format("{}: not a folder; synth writes its NDJSON files into a folder", dir));
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create the folder: {}", dir, ec.message()));
  std::vector<std::string> names, ndjson;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    names.push_back(name);
    if (e.is_regular_file() && (ends_with(name, ".ndjson") || ends_with(name, ".ndjson.gz"))) ndjson.push_back(name);
  }
  if (ec) throw std::runtime_error(fmt::format("{}: cannot list the folder: {}", dir, ec.message()));
  std::sort(names.begin(), names.end());
  std::sort(ndjson.begin(), ndjson.end());
  if (names.empty()) return {};
  if (!force)
    throw std::runtime_error(fmt::format(
        "{}: the folder is not empty ({} entr{}, such as {}{}); synth writes a new cohort into an empty or new folder "
        "so that no earlier cohort is replaced or mixed in: give another folder with -o, or add --force to remove the "
        ".ndjson and .ndjson.gz files in it first",
        dir, names.size(), names.size() == 1 ? "y" : "ies", names.front(),
        ndjson.empty() ? "" : fmt::format("; {} NDJSON file{}", ndjson.size(), ndjson.size() == 1 ? "" : "s")));
  for (const auto& n : ndjson) {
    fs::remove(fs::path(dir) / n, ec);
    if (ec) throw std::runtime_error(fmt::format("{}: cannot remove {}: {}", dir, n, ec.message()));
  }
  return ndjson;
}

}  // namespace switchpoint::synth
