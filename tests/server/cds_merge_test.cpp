// The CDS Hooks service reads the prefetch straight from its parsed values (cds::read_merged) and
// keeps the spliced Bundle for the audit log and the report link, which reads it again with
// read_fhir_bundle. The two readings must be the same — record, problems with their pointers,
// skipped counts, unread resources — or the report behind a card would show another decision
// than the card. Checked on every FHIR Bundle fixture of the project (standard-coded twins,
// reader fixtures, examples, CDS fixtures, foreign examples) split into prefetch keys as an EHR
// sends them, and on hand-made entries that are wrong at the entry level.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "cds_test_support.h"
#include "core/engine.h"
#include "presenters/decision_json.h"
#include "readers/fhir_r4.h"
#include "server/cds_merge.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;

// Prefetch values, each in its own padded buffer and DOM, alive as long as the object.
class Sources {
 public:
  void add(const std::string& key, const std::string& json) {
    const auto& text = texts_.emplace_back(json);
    auto& parser = parsers_.emplace_back();
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(text).get(e), simdjson::SUCCESS) << json;
    list.push_back({key, e, std::string_view(text.data(), text.size()), text.data() + text.size()});
  }
  std::vector<cds::PrefetchSource> list;

 private:
  std::deque<simdjson::padded_string> texts_;
  std::deque<simdjson::dom::parser> parsers_;
};

std::string decision_json(const ReadResult& rr) {
  const auto as_of = default_as_of(*rr.record);
  if (!as_of) return "(no dated entry)";
  return decision_to_json(evaluate(*rr.record, *as_of), input_summary(rr, *as_of));
}

// read_merged(m) is read_fhir_bundle(m.bundle), in every part of the result.
void expect_same_reading(const cds::MergedPrefetch& m, const std::string& what) {
  const ReadResult direct = cds::read_merged(m);
  const ReadResult again = read_fhir_bundle(m.bundle);
  ASSERT_EQ(direct.ok(), again.ok()) << what;
  EXPECT_EQ(direct.format, again.format) << what;
  ASSERT_EQ(direct.problems.size(), again.problems.size()) << what;
  for (std::size_t i = 0; i < direct.problems.size(); ++i) {
    EXPECT_EQ(direct.problems[i].location, again.problems[i].location) << what << " problem " << i;
    EXPECT_EQ(direct.problems[i].message, again.problems[i].message) << what << " problem " << i;
  }
  EXPECT_EQ(direct.skipped, again.skipped) << what;
  ASSERT_EQ(direct.not_read.size(), again.not_read.size()) << what;
  for (std::size_t i = 0; i < direct.not_read.size(); ++i) {
    const auto& a = direct.not_read[i];
    const auto& b = again.not_read[i];
    EXPECT_EQ(std::tie(a.resource, a.system, a.code, a.display, a.reason, a.count, a.key),
              std::tie(b.resource, b.system, b.code, b.display, b.reason, b.count, b.key))
        << what << " not read " << i;
  }
  if (direct.ok() && again.ok()) {
    EXPECT_EQ(decision_json(direct), decision_json(again)) << what;
  }
}

// The Bundle with every date of `member` made unreadable ("x2024-01-02"): a problem per resource,
// at pointers into the merged Bundle.
std::string with_bad_dates(std::string text, std::string_view member) {
  const std::string key = "\"" + std::string(member) + "\"";
  for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    const auto quote = text.find('"', text.find(':', pos + key.size()) + 1);
    if (quote == std::string::npos) break;
    text.insert(quote + 1, "x");
  }
  return text;
}

// The prefetch an EHR would send for this Bundle (tests/server/cds_test_support.h), as sources.
bool sources_from_bundle(const std::string& bundle_json, Sources& s) {
  std::string request;
  try {
    request = testing::hook_request(bundle_json);
  } catch (const std::exception&) {
    return false;  // not a Bundle of typed resources: a reader fixture for malformed input
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(request).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::object prefetch;
  if (root["prefetch"].get(prefetch) != simdjson::SUCCESS) return false;
  for (auto [key, value] : prefetch)
    if (!value.is_null()) s.add(std::string(key), simdjson::minify(value));
  return true;
}

TEST(CdsMerge, EveryFhirFixtureReadsTheSameFromTheParsedPrefetchAsFromTheSplicedBundle) {
  const fs::path root(SWITCHPOINT_SOURCE_DIR);
  int compared = 0, with_problems = 0, with_not_read = 0;
  for (const char* dir :
       {"tests/golden/twins", "tests/readers", "examples/fhir", "tests/cds/fixtures", "tests/foreign"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(root / dir))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string text = testing::slurp(f.string());
      if (text.find("\"Bundle\"") == std::string::npos) continue;
      const std::string name = f.lexically_relative(root).string();
      // As the EHR's prefetch keys, when the Bundle is one of typed resources; and whole, as one
      // searchset page (every entry as it is, malformed ones included).
      Sources split, whole;
      std::vector<std::pair<std::string, cds::MergedPrefetch>> merged;
      if (sources_from_bundle(text, split) && !split.list.empty())
        merged.emplace_back(name + " (prefetch keys)", cds::merge_prefetch(split.list, ""));
      {
        simdjson::dom::parser probe;
        simdjson::dom::element e;
        if (probe.parse(text).get(e) != simdjson::SUCCESS || !e.is_object()) continue;
      }
      whole.add("page", text);
      merged.emplace_back(name + " (one page)", cds::merge_prefetch(whole.list, ""));
      // The same with problems in it: unreadable dates.
      Sources broken;
      if (std::string(dir) == "tests/golden/twins" &&
          sources_from_bundle(with_bad_dates(text, "effectiveDateTime"), broken) && !broken.list.empty())
        merged.emplace_back(name + " (prefetch keys, bad dates)", cds::merge_prefetch(broken.list, ""));
      // The patient id check is the service's own (merge flags it); here every entry is read.
      for (const auto& [what, m] : merged) {
        if (m.entries.empty()) continue;
        expect_same_reading(m, what);
        ++compared;
        const ReadResult rr = cds::read_merged(m);
        with_problems += rr.problems.empty() ? 0 : 1;
        with_not_read += rr.not_read.empty() ? 0 : 1;
      }
    }
  }
  // The fixtures cover valid records, invalid ones and records with unread resources.
  // Each folder of foreign examples (mCODE, US Core: one patient's resources, one file each) as one
  // searchset page: codes the reader does not read, and Medications named by reference.
  for (const auto& dir : fs::recursive_directory_iterator(root / "tests/foreign")) {
    if (!dir.is_directory()) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir.path()))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::string page = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
    int n = 0;
    for (const auto& f : files) {
      const std::string text = testing::slurp(f.string());
      if (text.find("\"Bundle\"") != std::string::npos) continue;
      page += (n++ ? "," : "") + std::string(R"({"resource":)") + text + "}";
    }
    if (n == 0) continue;
    Sources s;
    s.add("page", page + "]}");
    const auto m = cds::merge_prefetch(s.list, "");
    expect_same_reading(m, dir.path().lexically_relative(root).string() + " (one page)");
    ++compared;
    const ReadResult rr = cds::read_merged(m);
    with_problems += rr.problems.empty() ? 0 : 1;
    with_not_read += rr.not_read.empty() ? 0 : 1;
  }
  std::printf("[ compared ] %d readings, %d with problems, %d with resources not read\n", compared, with_problems,
              with_not_read);
  EXPECT_GE(compared, 300);
  EXPECT_GE(with_problems, 100);
  EXPECT_GE(with_not_read, 10);
}

TEST(CdsMerge, EntryLevelProblemsKeepTheirPointersAndOrder) {
  Sources s;
  s.add("patient", R"({"resourceType":"Patient","id":"p1","birthDate":"1950-01-01"})");
  // Entry 1: fullUrl is a number; entry 2: a member twice in the entry (outside the resource);
  // entry 3: a member twice inside the resource; entry 4: search.mode outcome (left out);
  // entry 5: a resource without resourceType (left out); entry 6: an entry that is not an object.
  s.add("observations", R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"fullUrl":42,"resource":{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-02","valueQuantity":{"value":3.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}},
    {"search":{"mode":"match"},"search":{"mode":"include"},"resource":{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-02","valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}},
    {"resource":{"resourceType":"Observation","id":"o3","status":"final","status":"amended","code":{"coding":[{"system":"http://loinc.org","code":"6301-6"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-02","valueQuantity":{"value":1.1,"unit":"{INR}","system":"http://unitsofmeasure.org","code":"{INR}"}}},
    {"search":{"mode":"outcome"},"resource":{"resourceType":"OperationOutcome","issue":[]}},
    {"resource":{"id":"no-type"}},
    7
  ]})");
  const auto m = cds::merge_prefetch(s.list, "p1");
  EXPECT_FALSE(m.other_patient);
  ASSERT_EQ(m.entries.size(), 4u);  // the Patient and o1, o2, o3
  expect_same_reading(m, "entry-level problems");
  const ReadResult rr = cds::read_merged(m);
  ASSERT_GE(rr.problems.size(), 3u);
  // The duplicate member of entry 2 comes first (as read_fhir_bundle walks the whole Bundle first).
  EXPECT_EQ(rr.problems[0].location, "/entry/2/search");
  bool full_url = false, inner_twice = false;
  for (const auto& p : rr.problems) {
    full_url = full_url || p.location == "/entry/1/fullUrl";
    inner_twice = inner_twice || p.location == "/entry/3/resource/status";
  }
  EXPECT_TRUE(full_url);
  EXPECT_TRUE(inner_twice);
  EXPECT_EQ(cds::locate("/entry/3/resource/status", m.labels), "Observation/o3 (observations) /status");
}

TEST(CdsMerge, AnotherPatientsResourceIsFlagged) {
  Sources s;
  s.add("patient", R"({"resourceType":"Patient","id":"p1"})");
  s.add(
      "conditions",
      R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","id":"c1","subject":{"reference":"https://ehr.example/fhir/Patient/p2"}}}]})");
  EXPECT_TRUE(cds::merge_prefetch(s.list, "p1").other_patient);
  Sources same;
  same.add(
      "conditions",
      R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","id":"c1","subject":{"reference":"https://ehr.example/fhir/Patient/p1"}}}]})");
  EXPECT_FALSE(cds::merge_prefetch(same.list, "p1").other_patient);
}

}  // namespace
}  // namespace switchpoint
