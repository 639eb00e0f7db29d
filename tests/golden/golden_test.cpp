// Golden cases: patient records with expectations written by hand from CLINICAL_RULES.md and
// docs/refractoriness.md (tests/golden/cases/*.case.json). Each listed expectation is
// asserted against the decision JSON; unlisted keys are not.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
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

const fs::path kGolden = fs::path(SWITCHPOINT_SOURCE_DIR) / "tests" / "golden";

using testing_support::slurp;

std::string show(element e) { return simdjson::minify(e); }

// Finds the element of `arr` whose `key` equals `value`.
std::optional<element> find_by(array arr, std::string_view key, std::string_view value) {
  for (element e : arr) {
    std::string_view v;
    if (e.is_object() && e[key].get(v) == simdjson::SUCCESS && v == value) return e;
  }
  return std::nullopt;
}

// expected ⊆ actual, recursively for objects; scalars compared by their minified JSON, with
// numbers compared numerically.
void expect_subset(element expected, element actual, const std::string& where) {
  if (expected.is_object()) {
    object eo = expected, ao;
    ASSERT_EQ(actual.get(ao), simdjson::SUCCESS) << where << ": expected an object, got " << show(actual);
    for (auto [k, v] : eo) {
      element a;
      ASSERT_EQ(ao.at_key(k).get(a), simdjson::SUCCESS) << where << "/" << k << ": missing in the decision";
      expect_subset(v, a, where + "/" + std::string(k));
    }
    return;
  }
  if (expected.is_number() && actual.is_number()) {
    EXPECT_NEAR(double(expected), double(actual), 1e-9) << where;
    return;
  }
  EXPECT_EQ(show(expected), show(actual)) << where;
}

struct Case {
  std::string name;
  fs::path path;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const fs::path dir = kGolden / "cases";
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().string().ends_with(".case.json")) out.push_back({e.path().filename().string(), e.path()});
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, MatchesHandDerivedExpectations) {
  simdjson::dom::parser case_parser;
  element c;
  ASSERT_EQ(case_parser.load(GetParam().path.string()).get(c), simdjson::SUCCESS) << "case file is not JSON";
  std::string_view record_rel;
  ASSERT_EQ(c["record"].get(record_rel), simdjson::SUCCESS) << "case has no \"record\"";
  const ReadResult rr = read_record(slurp(kGolden / record_rel));
  ASSERT_TRUE(rr.ok()) << record_rel << ": "
                       << (rr.problems.empty() ? "" : rr.problems[0].location + " " + rr.problems[0].message);
  std::string_view as_of_text;
  std::optional<Date> as_of = default_as_of(*rr.record);
  if (c["as_of"].get(as_of_text) == simdjson::SUCCESS) as_of = Date::parse(as_of_text);
  ASSERT_TRUE(as_of.has_value());
  const std::string json = decision_to_json(evaluate(*rr.record, *as_of), InputSummary{rr.format, rr.skipped});

  simdjson::dom::parser parser;
  element decision;
  ASSERT_EQ(parser.parse(json).get(decision), simdjson::SUCCESS);
  object expect;
  ASSERT_EQ(c["expect"].get(expect), simdjson::SUCCESS);

  for (auto [section, body] : expect) {
    if (section == "refractoriness") {
      for (auto [def, exp] : object(body)) {
        auto actual = find_by(decision["refractoriness"], "definition", def);
        ASSERT_TRUE(actual.has_value()) << "no definition " << def;
        for (auto [k, v] : object(exp)) {
          if (k == "criteria") {
            for (auto [cid, cexp] : object(v)) {
              auto crit = find_by((*actual)["criteria"], "id", cid);
              ASSERT_TRUE(crit.has_value()) << def << ": no criterion " << cid;
              expect_subset(cexp, *crit, std::string(def) + "/" + std::string(cid));
            }
          } else {
            element a;
            ASSERT_EQ(actual->at_key(k).get(a), simdjson::SUCCESS) << def << "/" << k;
            expect_subset(v, a, std::string(def) + "/" + std::string(k));
          }
        }
      }
    } else if (section == "therapy") {
      // "options" is keyed by regimen id; "dose_contains" checks a substring of the dose.
      for (auto [k, v] : object(body)) {
        if (k != "options") {
          element a;
          ASSERT_EQ(decision["therapy"].at_key(k).get(a), simdjson::SUCCESS) << "therapy/" << k;
          expect_subset(v, a, "therapy/" + std::string(k));
          continue;
        }
        for (auto [regimen, oexp] : object(v)) {
          auto actual = find_by(decision["therapy"]["options"], "regimen", regimen);
          ASSERT_TRUE(actual.has_value()) << "therapy.options has no " << regimen;
          for (auto [ok, ov] : object(oexp)) {
            if (ok == "dose_contains") {
              std::string_view dose, want;
              ASSERT_EQ((*actual)["dose"].get(dose), simdjson::SUCCESS);
              ASSERT_EQ(ov.get(want), simdjson::SUCCESS);
              EXPECT_NE(dose.find(want), std::string_view::npos)
                  << regimen << " dose '" << dose << "' lacks '" << want << "'";
            } else if (ok == "reasons_contain" || ok == "prerequisites_contain" || ok == "confirm_contains") {
              // Each listed text is a substring of some entry of the option's list.
              const char* list = ok == "reasons_contain"         ? "reasons"
                                 : ok == "prerequisites_contain" ? "prerequisites"
                                                                 : "confirm_before_prescribing";
              array entries;
              ASSERT_EQ((*actual)[list].get(entries), simdjson::SUCCESS) << regimen << "/" << list;
              for (element want : array(ov)) {
                std::string_view w;
                ASSERT_EQ(want.get(w), simdjson::SUCCESS) << regimen << "/" << ok << ": expected strings";
                bool found = false;
                for (element e : entries) {
                  std::string_view t;
                  if (e.get(t) == simdjson::SUCCESS && t.find(w) != std::string_view::npos) found = true;
                }
                EXPECT_TRUE(found) << regimen << " " << list << " " << simdjson::minify(entries) << " lack '" << w
                                   << "'";
              }
            } else {
              element a;
              ASSERT_EQ(actual->at_key(ok).get(a), simdjson::SUCCESS) << regimen << "/" << ok;
              expect_subset(ov, a, "therapy/options/" + std::string(regimen) + "/" + std::string(ok));
            }
          }
        }
      }
    } else if (section == "alerts") {
      // {"<alert id>": true | false | "critical"}: raised (with that severity) or not raised.
      for (auto [id, exp] : object(body)) {
        auto actual = find_by(decision["alerts"], "id", id);
        bool raised = false;
        std::string_view severity;
        if (exp.get(raised) == simdjson::SUCCESS) {
          EXPECT_EQ(actual.has_value(), raised) << "alert " << id << (raised ? " not raised" : " raised");
        } else {
          ASSERT_EQ(exp.get(severity), simdjson::SUCCESS) << "alert " << id << ": expected true, false or a severity";
          ASSERT_TRUE(actual.has_value()) << "alert " << id << " not raised";
          std::string_view got;
          ASSERT_EQ((*actual)["severity"].get(got), simdjson::SUCCESS);
          EXPECT_EQ(got, severity) << "alert " << id;
        }
      }
    } else if (section == "tace_candidacy") {
      for (auto [g, exp] : object(body)) {
        auto actual = find_by(decision["tace_candidacy"], "guideline", g);
        ASSERT_TRUE(actual.has_value()) << "no guideline " << g;
        expect_subset(exp, (*actual)["candidate"], "tace_candidacy/" + std::string(g));
      }
    } else {
      element a;
      ASSERT_EQ(decision.at_key(section).get(a), simdjson::SUCCESS) << "decision has no " << section;
      expect_subset(body, a, std::string(section));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(cases()), [](const ::testing::TestParamInfo<Case>& i) {
  std::string n = i.param.name.substr(0, i.param.name.size() - std::string(".case.json").size());
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);

TEST(GoldenSuite, HasTheRequiredNumberOfCases) { EXPECT_GE(cases().size(), 40u); }

}  // namespace
}  // namespace switchpoint
