// Property: the order of the resources in a FHIR Bundle never changes the decision. Every Bundle
// of tests/golden/records/ and examples/fhir/ is read and evaluated as written and with its entries
// shuffled (reversed, rotated, and random permutations from fixed seeds, so failures reproduce); the
// decision JSON (switchpoint.decision/1, with the input summary of skipped resources) must be
// byte-identical. A Bundle that does not read must stay unreadable, with the same number of problems.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "core/engine.h"
#include "presenters/decision_json.h"
#include "readers/read_any.h"
#include "support/files.h"
#include "support/splitmix.h"

namespace switchpoint {
namespace {

const std::string kSource = SWITCHPOINT_SOURCE_DIR;
constexpr int kShufflesPerBundle = 24;

using testing_support::slurp;

using Rng = testing_support::SplitMix;

struct Bundle {
  std::string prefix;                // everything of the Bundle but its entries, as JSON members
  std::vector<std::string> entries;  // each entry as written (minified)
  std::string with(const std::vector<std::size_t>& order) const {
    std::string out = "{" + prefix + "\"entry\":[";
    for (std::size_t k = 0; k < order.size(); ++k) out += (k ? "," : "") + entries.at(order[k]);
    return out + "]}";
  }
};

std::optional<Bundle> split(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS || !doc.is_object()) return std::nullopt;
  std::string_view type;
  if (doc["resourceType"].get(type) != simdjson::SUCCESS || type != "Bundle") return std::nullopt;
  Bundle b;
  simdjson::dom::object root;
  if (doc.get(root) != simdjson::SUCCESS) return std::nullopt;
  for (auto [k, v] : root) {
    if (k == "entry") continue;
    b.prefix += "\"" + std::string(k) + "\":" + simdjson::minify(v) + ",";
  }
  simdjson::dom::array arr;
  if (doc["entry"].get(arr) == simdjson::SUCCESS)
    for (auto e : arr) b.entries.push_back(simdjson::minify(e));
  return b;
}

// The decision JSON of a record as of its latest entry, or "invalid: N problems".
std::string outcome(const std::string& json) {
  const ReadResult rr = read_record(json);
  if (!rr.ok()) return "invalid: " + std::to_string(rr.problems.size()) + " problems";
  const auto at = default_as_of(*rr.record);
  if (!at) return "no dated entry";
  return decision_to_json(evaluate(*rr.record, *at), input_summary(rr, *at));
}

std::vector<std::filesystem::path> bundles() {
  std::vector<std::filesystem::path> out;
  for (const char* dir : {"/tests/golden/records", "/examples/fhir"})
    for (const auto& e : std::filesystem::directory_iterator(kSource + dir))
      if (e.path().extension() == ".json" && split(slurp(e.path()))) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BundleOrderProperty, TheOrderOfResourcesNeverChangesTheDecision) {
  const auto files = bundles();
  ASSERT_GE(files.size(), 10u) << "the golden records and examples/fhir should hold Bundles";
  Rng rng{20240501};
  int compared = 0, valid = 0;
  for (const auto& file : files) {
    const Bundle b = *split(slurp(file));
    const std::size_t n = b.entries.size();
    std::vector<std::size_t> identity(n);
    std::iota(identity.begin(), identity.end(), 0);
    const std::string expected = outcome(b.with(identity));
    valid += expected.starts_with("{") ? 1 : 0;
    std::vector<std::vector<std::size_t>> orders;
    orders.emplace_back(identity.rbegin(), identity.rend());
    if (n > 1) {
      std::vector<std::size_t> rotated(n);
      for (std::size_t i = 0; i < n; ++i) rotated[i] = (i + n / 2) % n;
      orders.push_back(rotated);
    }
    for (int k = 0; k < kShufflesPerBundle; ++k) {
      std::vector<std::size_t> order = identity;
      for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);  // Fisher–Yates
      orders.push_back(std::move(order));
    }
    for (const auto& order : orders) {
      const std::string got = outcome(b.with(order));
      ++compared;
      if (got != expected) {
        std::string o;
        for (auto i : order) o += std::to_string(i) + " ";
        ADD_FAILURE() << file.filename() << ": the decision changed with the entries in the order " << o;
        break;
      }
    }
  }
  EXPECT_GE(valid, 10) << "most Bundles should read, or the property says little";
  EXPECT_GE(compared, static_cast<int>(files.size()) * kShufflesPerBundle);
}

}  // namespace
}  // namespace switchpoint
