// Standard-coded twins (issue 14, item 4): every example patient and every golden record, written
// by tests/golden/tools/standard_twins.py with each fact in its standard code only (LOINC, SNOMED CT,
// ICD-10-CM, RxNorm, ATC; the project code only where there is none, listed in the twin's meta.tag),
// must give the same decision as its project-coded original at the same date, field by field.
// Only the `input` summary may differ (the twin reports what it read differently).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/engine.h"
#include "presenters/decision_json.h"
#include "readers/read_any.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

const fs::path kRoot = fs::path(SWITCHPOINT_SOURCE_DIR);
const fs::path kGolden = kRoot / "tests" / "golden";

using testing_support::slurp;

std::string escape_pointer(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

// The JSON pointer of the first difference between a and b (objects compared key by key, arrays
// element by element, scalars by their minified text), or nullopt when they are equal. Keys of
// the top level listed in `ignore` are not compared.
std::optional<std::string> first_difference(element a, element b, const std::string& where,
                                            const std::set<std::string>& ignore = {}) {
  if (a.type() != b.type()) return where + " (" + simdjson::minify(a) + " vs " + simdjson::minify(b) + ")";
  if (a.is_object()) {
    object ao = a, bo = b;
    std::set<std::string> keys;
    for (auto [k, v] : ao) keys.insert(std::string(k));
    for (auto [k, v] : bo) keys.insert(std::string(k));
    for (const auto& k : keys) {
      if (ignore.contains(k)) continue;
      element av, bv;
      const bool ha = ao.at_key(k).get(av) == simdjson::SUCCESS, hb = bo.at_key(k).get(bv) == simdjson::SUCCESS;
      const std::string here = where + "/" + escape_pointer(k);
      if (ha != hb) return here + (ha ? " (only in the original)" : " (only in the twin)");
      if (auto d = first_difference(av, bv, here)) return d;
    }
    return std::nullopt;
  }
  if (a.is_array()) {
    array aa = a, ba = b;
    if (aa.size() != ba.size())
      return where + " (" + std::to_string(aa.size()) + " vs " + std::to_string(ba.size()) + " elements)";
    std::size_t i = 0;
    for (auto it = aa.begin(), jt = ba.begin(); it != aa.end(); ++it, ++jt, ++i)
      if (auto d = first_difference(*it, *jt, where + "/" + std::to_string(i))) return d;
    return std::nullopt;
  }
  if (simdjson::minify(a) != simdjson::minify(b))
    return where + " (" + simdjson::minify(a) + " vs " + simdjson::minify(b) + ")";
  return std::nullopt;
}

struct Pair {
  std::string name;
  fs::path original;
  fs::path twin;
  std::vector<std::string> as_of;  // besides the original's default date: the dates its cases use
};

std::vector<Pair> pairs() {
  std::vector<Pair> out;
  const fs::path ex = kRoot / "examples";
  const fs::path ext = ex / "fhir" / "twins";
  if (fs::exists(ext)) {
    for (const auto& e : fs::directory_iterator(ex)) {
      const std::string f = e.path().filename().string();
      if (e.is_regular_file() && f.ends_with(".json") && f[0] == '0') {
        const std::string stem = f.substr(0, f.size() - 5);
        out.push_back({"example_" + stem, e.path(), ext / (stem + ".twin.bundle.json"), {}});
        out.push_back({"example_" + stem + "_alt", e.path(), ext / (stem + ".alt.twin.bundle.json"), {}});
      }
    }
    out.push_back({"example_fhir_01",
                   ex / "fhir" / "01-responding-patient.bundle.json",
                   ext / "01-responding-patient.fhir-twin.bundle.json",
                   {}});
    out.push_back({"example_fhir_01_alt",
                   ex / "fhir" / "01-responding-patient.bundle.json",
                   ext / "01-responding-patient.fhir-twin.alt.bundle.json",
                   {}});
  }
  // Golden records: the dates of the cases that use each record.
  std::map<std::string, std::vector<std::string>> case_dates;
  simdjson::dom::parser parser;
  if (fs::exists(kGolden / "cases"))
    for (const auto& e : fs::directory_iterator(kGolden / "cases")) {
      if (!e.path().string().ends_with(".case.json")) continue;
      element c;
      std::string_view rec, as_of;
      if (parser.load(e.path().string()).get(c) != simdjson::SUCCESS || c["record"].get(rec) != simdjson::SUCCESS)
        continue;
      if (c["as_of"].get(as_of) == simdjson::SUCCESS) case_dates[std::string(rec)].emplace_back(as_of);
    }
  if (fs::exists(kGolden / "twins"))
    for (const auto& e : fs::directory_iterator(kGolden / "twins")) {
      const std::string f = e.path().filename().string();
      if (!f.ends_with(".twin.json")) continue;
      std::string name = f.substr(0, f.size() - std::string(".twin.json").size());
      // <name>.twin.json is the twin of records/<name>.json, <name>.fhir.twin.json of
      // records/<name>.fhir.json; <name>[.fhir].alt.twin.json the same facts written another way.
      const bool alt = name.ends_with(".alt");
      if (alt) name.resize(name.size() - 4);
      const std::string rel = "records/" + name + ".json";
      out.push_back({"golden_" + name + (alt ? "_alt" : ""), kGolden / rel, e.path(), case_dates[rel]});
    }
  std::sort(out.begin(), out.end(), [](const Pair& a, const Pair& b) { return a.name < b.name; });
  return out;
}

std::string problems_of(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  " + p.location + " " + p.message;
  return s;
}

class StandardTwin : public ::testing::TestWithParam<Pair> {};

TEST_P(StandardTwin, GivesTheOriginalsDecisionFieldByField) {
  const Pair& p = GetParam();
  ASSERT_TRUE(fs::exists(p.twin)) << "no twin " << p.twin << " (run tests/golden/tools/standard_twins.py)";
  const ReadResult orig = read_record(slurp(p.original));
  const ReadResult twin = read_record(slurp(p.twin));
  ASSERT_TRUE(orig.ok()) << p.original << problems_of(orig);
  ASSERT_TRUE(twin.ok()) << p.twin << problems_of(twin);
  EXPECT_EQ(twin.format, "FHIR R4 Bundle");

  // Every resource of the twin is read: a standard code the reader skipped would leave a fact out
  // without necessarily changing this decision. The HCC diagnosis is recognised, not a fact.
  for (const auto& [key, n] : twin.skipped)
    EXPECT_EQ(key, "used: diagnosis") << p.twin.filename() << " skipped " << n << " × " << key;

  // The twin carries the same dates: its default evaluation date is the original's.
  const std::optional<Date> d_orig = default_as_of(*orig.record), d_twin = default_as_of(*twin.record);
  ASSERT_TRUE(d_orig.has_value());
  ASSERT_TRUE(d_twin.has_value());
  EXPECT_EQ(d_orig->iso(), d_twin->iso());

  // A FHIR id has at most 64 characters: a longer native patient id is cut to its first 64 in the
  // twin (its meta.tag says so); every other field must be equal.
  std::set<std::string> ignore{"input"};
  if (orig.record->patient_id.size() > 64) {
    EXPECT_EQ(twin.record->patient_id, orig.record->patient_id.substr(0, 64));
    ignore.insert("patient_id");
  } else {
    EXPECT_EQ(twin.record->patient_id, orig.record->patient_id);
  }

  std::vector<Date> dates{*d_orig};
  for (const auto& s : p.as_of) dates.push_back(*Date::parse(s));
  for (const Date& as_of : dates) {
    const std::string a = decision_to_json(evaluate(*orig.record, as_of), InputSummary{orig.format, orig.skipped});
    const std::string b = decision_to_json(evaluate(*twin.record, as_of), InputSummary{twin.format, twin.skipped});
    simdjson::dom::parser pa, pb;
    element ea, eb;
    ASSERT_EQ(pa.parse(a).get(ea), simdjson::SUCCESS);
    ASSERT_EQ(pb.parse(b).get(eb), simdjson::SUCCESS);
    const auto diff = first_difference(ea, eb, "", ignore);
    EXPECT_FALSE(diff.has_value()) << p.name << " as of " << as_of.iso() << ": the decisions differ at " << *diff;
  }
}

INSTANTIATE_TEST_SUITE_P(Twins, StandardTwin, ::testing::ValuesIn(pairs()),
                         [](const ::testing::TestParamInfo<Pair>& i) {
                           std::string n = i.param.name;
                           for (auto& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// Every example patient and every golden record has a twin (a record added without one fails here).
TEST(StandardTwins, EveryExampleAndGoldenRecordHasOne) {
  const auto ps = pairs();
  std::set<fs::path> originals;
  for (const auto& p : ps) originals.insert(p.original);
  for (const auto& e : fs::directory_iterator(kGolden / "records"))
    EXPECT_TRUE(originals.contains(e.path())) << e.path().filename() << " has no standard-coded twin";
  for (const auto& e : fs::directory_iterator(kRoot / "examples")) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      EXPECT_TRUE(originals.contains(e.path())) << e.path().filename() << " has no standard-coded twin";
    }
  }
  EXPECT_TRUE(originals.contains(kRoot / "examples" / "fhir" / "01-responding-patient.bundle.json"));
}

// The comparison itself: a difference is found and named by its JSON pointer; `input` is ignored.
TEST(StandardTwins, FirstDifferenceNamesThePointer) {
  simdjson::dom::parser p1, p2, p3;
  element a, b, c;
  const std::string ja = R"({"input":{"x":1},"scores":{"child_pugh":[5,{"class":"A"}]}})";
  const std::string jb = R"({"input":{"x":2},"scores":{"child_pugh":[5,{"class":"B"}]}})";
  const std::string jc = R"({"input":{"x":3},"scores":{"child_pugh":[5,{"class":"A"}]}})";
  ASSERT_EQ(p1.parse(ja).get(a), simdjson::SUCCESS);
  ASSERT_EQ(p2.parse(jb).get(b), simdjson::SUCCESS);
  ASSERT_EQ(p3.parse(jc).get(c), simdjson::SUCCESS);
  const auto d = first_difference(a, b, "", {"input"});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->substr(0, d->find(' ')), "/scores/child_pugh/1/class");
  EXPECT_FALSE(first_difference(a, c, "", {"input"}).has_value());
  EXPECT_TRUE(first_difference(a, c, "").has_value());  // `input` differs when not ignored
}

}  // namespace
}  // namespace switchpoint
