// Malformed and implausible records (tests/readers/malformed/*.json): each must be refused with
// every problem at its exact JSON pointer, and each message must name the field, the value, the
// unit and, for a probable unit slip, the unit that was likely meant (CLINICAL_RULES.md §1).
#include "readers/native_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace switchpoint {
namespace {

const std::string kDir = std::string(SWITCHPOINT_SOURCE_DIR) + "/tests/readers/malformed/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f.good()) << path;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct ExpectedProblem {
  std::string pointer;             // exact JSON pointer ("" = the whole document)
  std::vector<std::string> words;  // each must occur in the message
};

struct Case {
  std::string file;
  std::vector<ExpectedProblem> problems;  // all of them, in the order the reader reports them
};

// clang-format off
const std::vector<Case> kCases = {
  // --- units and plausibility: the classic slips -------------------------------------------------
  {"albumin-35-g-per-dl", {{"/labs/0", {"albumin 35 g/dL", "implausible", "10–60 g/L", "did you mean g/L?"}}}},
  {"bilirubin-2.6-umol-per-l", {{"/labs/0", {"total bilirubin 2.6 \xC2\xB5mol/L", "implausible", "did you mean mg/dL?"}}}},
  {"platelets-150000-in-1e9-per-l", {{"/labs/0", {"platelets 150000 10^9/L", "implausible", "did you mean /uL?"}}}},
  {"inr-12", {{"/labs/0", {"INR 12", "implausible", "0.7–10", "no accepted unit makes it plausible", "check the value"}}}},
  {"weight-50-lb", {{"/clinical/0/weight", {"weight", "body weight 50 lb", "implausible", "25–300 kg", "did you mean kg?"}}}},
  {"weight-400-kg", {{"/clinical/0/weight", {"body weight 400 kg", "implausible", "did you mean lb?"}}}},
  {"diameter-45-cm", {{"/imaging/0/largest_diameter", {"largest_diameter", "tumour diameter 45 cm", "implausible", "0–40 cm", "did you mean mm?"}}}},
  {"target-diameter-60-cm", {{"/imaging/0/target_lesions/0/viable_diameter", {"viable_diameter", "60 cm", "did you mean mm?"}}}},
  // --- units missing, unknown or of another assay -------------------------------------------------
  {"lab-missing-unit", {{"/labs/0/unit", {"albumin 40", "unit is missing", "never read without its unit", "g/L, g/dL"}}}},
  {"lab-null-unit", {{"/labs/0/unit", {"INR 1.1", "unit is missing"}}}},
  {"weight-missing-unit", {{"/clinical/0/weight/unit", {"body weight 70", "unit is missing", "kg, lb"}}}},
  {"lab-unknown-unit", {{"/labs/0", {"total bilirubin 0.02 mmol/L", "unknown unit 'mmol/L'", "accepted: umol/L", "mg/dL"}}}},
  {"lab-unit-wrong-type", {{"/labs/0/unit", {"'unit' must be a string", "found number 17.1"}}}},
  {"dcp-in-ng-per-ml", {{"/labs/0", {"DCP", "40 ng/mL", "unknown unit 'ng/mL'", "different DCP assay", "not converted to mAU/mL"}}}},
  // --- dates -------------------------------------------------------------------------------------
  {"date-2023-02-29", {{"/labs/0/date", {"'date' is '2023-02-29'", "real calendar date YYYY-MM-DD"}}}},
  {"date-not-iso", {{"/tace/0/date", {"'date' is '12/03/2024'", "YYYY-MM-DD"}}}},
  {"date-with-time", {{"/clinical/0/date", {"'2024-03-12T08:30:00Z'", "YYYY-MM-DD"}}}},
  {"date-null-required", {{"/tace/0/date", {"required field 'date' is missing"}}}},
  // --- types -------------------------------------------------------------------------------------
  {"lab-value-as-string", {{"/labs/0/value", {"'value' must be a number", "found string \"35\""}}}},
  {"patient-id-as-number", {{"/patient/id", {"'id' must be a string", "found number 4711"}}}},
  {"weight-as-number", {{"/clinical/0/weight", {"'weight' must be an object", "found number 70"}}}},
  {"boolean-as-string", {{"/imaging/0/extrahepatic_spread", {"'extrahepatic_spread' must be true or false", "found string \"no\""}}}},
  {"ecog-fraction", {{"/clinical/0/ecog", {"'ecog' must be a whole number", "1.5"}}}},
  {"labs-not-array", {{"/labs", {"'labs' must be an array", "found object"}}}},
  {"imaging-entry-not-object", {{"/imaging/0", {"each entry of 'imaging' must be an object", "found string"}}}},
  {"target-lesion-not-object", {{"/imaging/0/target_lesions/0", {"each target lesion must be an object"}}}},
  // --- unknown names and values ------------------------------------------------------------------
  {"unknown-lab-test", {{"/labs/0/test", {"'sodium' is not a known lab test", "bilirubin, albumin, inr"}}}},
  {"unknown-field-albumen", {{"/clinical/0/albumen", {"unknown field 'albumen'", "typo", "known fields here: date, ascites"}}}},
  {"unknown-top-level-field", {{"/lab", {"unknown field 'lab'", "labs"}}}},
  {"quantity-extra-key", {{"/imaging/0/largest_diameter/units", {"unknown field 'units'", "value, unit"}}}},
  {"unknown-enum-ascites-mild", {{"/clinical/0/ascites", {"'mild' is not a known ascites", "none, slight, moderate-severe"}}}},
  {"unknown-mrecist", {{"/imaging/0/mrecist", {"'partial response' is not a known mrecist", "CR, PR, SD, PD"}}}},
  {"unknown-varices", {{"/endoscopy/0/varices", {"'large' is not a known varices", "high-risk-untreated"}}}},
  // --- ranges and counts -------------------------------------------------------------------------
  {"ecog-6", {{"/clinical/0/ecog", {"'ecog' is 6", "from 0 to 5"}}}},
  {"negative-tumor-count", {{"/imaging/0/tumor_count", {"'tumor_count' is -2", "from 0 to 1000"}}}},
  {"viable-percent-120", {{"/imaging/0/viable_tumor_percent", {"'viable_tumor_percent' is 120", "percentage from 0 to 100"}}}},
  {"days-at-dose-29", {{"/systemic_therapy/0/days_at_dose_last_28", {"is 29", "from 0 to 28"}}}},
  {"six-target-lesions", {{"/imaging/0/target_lesions", {"6 target lesions", "at most 5"}}}},
  // --- contradictions ----------------------------------------------------------------------------
  {"tumor-count-0-with-diameter", {{"/imaging/0", {"tumor_count is 0", "largest_diameter is 3 cm", "contradictory"}}}},
  {"systemic-end-before-start", {{"/systemic_therapy/0/end", {"end 2024-03-01 is before start 2024-05-02"}}}},
  {"stop-reason-without-end", {{"/systemic_therapy/0/stop_reason", {"stop_reason", "no end date"}}}},
  {"abatement-before-onset", {{"/conditions/0/abatement", {"abatement is before onset"}}}},
  {"lab-twice-different-values", {{"/labs/2", {"bilirubin on 2024-03-04 is given twice with different values",
                                               "3.4 mg/dL here", "1.2 mg/dL at /labs/0", "one date holds one value"}}}},
  // --- the document itself -----------------------------------------------------------------------
  {"wrong-schema", {{"/schema", {"'switchpoint.record/2'", "reads 'switchpoint.record/1'"}}}},
  {"missing-schema", {{"/schema", {"required field 'schema' is missing"}}}},
  {"missing-patient", {{"/patient", {"required field 'patient' is missing"}}}},
  {"missing-patient-id", {{"/patient/id", {"required field 'id' is missing"}}}},
  {"empty-patient-id", {{"/patient/id", {"'id' must not be empty"}}}},
  {"not-json", {{"", {"not valid JSON"}}}},
  {"top-level-array", {{"", {"must be a JSON object", "found array"}}}},
  // --- every problem, not only the first ---------------------------------------------------------
  {"three-problems", {{"/labs/1", {"albumin 35 g/dL", "did you mean g/L?"}},
                      {"/clinical/0/ecog", {"'ecog' is 6", "from 0 to 5"}},
                      {"/imaging/0/vascular_invasion", {"'portal' is not a known vascular_invasion", "absent, branch, main-portal-vein"}}}},
  {"imaging-missing-date-and-bad-count", {{"/imaging/0/date", {"required field 'date' is missing"}},
                                          {"/imaging/0/tumor_count", {"'tumor_count' is -1"}}}},
};
// clang-format on

// gtest prints a failing parameter with this instead of its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ".json"; }

std::string describe(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  [" + p.location + "] " + p.message;
  return s;
}

class Malformed : public testing::TestWithParam<Case> {};

TEST_P(Malformed, IsRefusedWithEveryProblemAtItsPointer) {
  const Case& c = GetParam();
  const ReadResult rr = read_native_json(slurp(kDir + c.file + ".json"));
  EXPECT_FALSE(rr.ok());
  EXPECT_FALSE(rr.record.has_value()) << "an invalid record must never reach the engine";
  EXPECT_EQ(rr.format, "switchpoint.record/1");
  ASSERT_EQ(rr.problems.size(), c.problems.size()) << c.file << describe(rr);
  for (std::size_t i = 0; i < c.problems.size(); ++i) {
    EXPECT_EQ(rr.problems[i].location, c.problems[i].pointer) << c.file << describe(rr);
    for (const auto& w : c.problems[i].words)
      EXPECT_NE(rr.problems[i].message.find(w), std::string::npos)
          << c.file << ": '" << w << "' not in: " << rr.problems[i].message;
  }
}

std::string case_name(const testing::TestParamInfo<Case>& param_info) {
  std::string name;
  for (char ch : param_info.param.file) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, Malformed, testing::ValuesIn(kCases), case_name);

TEST(MalformedFiles, EveryFileHasACaseAndEveryCaseAFile) {
  std::set<std::string> on_disk, in_table;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".json") on_disk.insert(e.path().stem().string());
  for (const auto& c : kCases) EXPECT_TRUE(in_table.insert(c.file).second) << "duplicate case " << c.file;
  EXPECT_EQ(on_disk, in_table);
  EXPECT_GE(kCases.size(), 25u);
}

// The twins of the refused values: the same numbers in the right unit are read, and converted.
ReadResult read_one(const std::string& body) {
  return read_native_json(R"({"schema": "switchpoint.record/1", "patient": {"id": "twin"}, )" + body + "}");
}

TEST(MalformedTwins, TheSameNumbersInTheRightUnitAreAccepted) {
  {
    const auto rr = read_one(R"("labs": [{"date": "2024-03-04", "test": "albumin", "value": 35, "unit": "g/L"},
                                         {"date": "2024-03-04", "test": "bilirubin", "value": 2.6, "unit": "mg/dL"},
                                         {"date": "2024-03-04", "test": "platelets", "value": 150000, "unit": "/uL"},
                                         {"date": "2024-03-04", "test": "dcp", "value": 40, "unit": "mAU/mL"}])");
    ASSERT_TRUE(rr.ok()) << describe(rr);
    EXPECT_DOUBLE_EQ(rr.record->labs.albumin_g_per_l[0].value, 35.0);
    EXPECT_DOUBLE_EQ(rr.record->labs.bilirubin_umol_per_l[0].value, 2.6 * 17.1);
    EXPECT_DOUBLE_EQ(rr.record->labs.platelets_1e9_per_l[0].value, 150.0);
    EXPECT_DOUBLE_EQ(rr.record->labs.dcp_mau_per_ml[0].value, 40.0);
    // The value as entered is kept for the evidence shown to clinicians.
    EXPECT_DOUBLE_EQ(rr.record->labs.bilirubin_umol_per_l[0].entered_value, 2.6);
    EXPECT_EQ(rr.record->labs.bilirubin_umol_per_l[0].entered_unit, "mg/dL");
  }
  {
    const auto rr = read_one(R"("clinical": [{"date": "2024-03-04", "weight": {"value": 150, "unit": "lb"}},
                                             {"date": "2024-03-05", "weight": {"value": 150, "unit": "kg"}}])");
    ASSERT_TRUE(rr.ok()) << describe(rr);
    EXPECT_DOUBLE_EQ(rr.record->clinical[0].weight_kg->value, 68.04);
    EXPECT_DOUBLE_EQ(rr.record->clinical[1].weight_kg->value, 150.0);
  }
  {
    const auto rr = read_one(R"("imaging": [{"date": "2024-01-05", "tumor_count": 1,
                                             "largest_diameter": {"value": 45, "unit": "mm"},
                                             "target_lesions": [{"id": "S7", "viable_diameter": {"value": 45, "unit": "mm"}}]},
                                            {"date": "2024-03-01", "tumor_count": 0, "largest_diameter": {"value": 0, "unit": "cm"}}])");
    ASSERT_TRUE(rr.ok()) << describe(rr);
    EXPECT_DOUBLE_EQ(*rr.record->imaging[0].largest_diameter_cm, 4.5);
    EXPECT_DOUBLE_EQ((*rr.record->imaging[0].target_lesions)[0].viable_diameter_cm, 4.5);
  }
  {
    const auto rr = read_one(R"("imaging": [{"date": "2024-01-05", "target_lesions": [
        {"id": "a", "viable_diameter": {"value": 1, "unit": "cm"}}, {"id": "b", "viable_diameter": {"value": 1, "unit": "cm"}},
        {"id": "c", "viable_diameter": {"value": 1, "unit": "cm"}}, {"id": "d", "viable_diameter": {"value": 1, "unit": "cm"}},
        {"id": "e", "viable_diameter": {"value": 1, "unit": "cm"}}]}],
      "clinical": [{"date": "2024-03-04", "ecog": 5, "ascites": "moderate-severe"}],
      "systemic_therapy": [{"regimen": "sorafenib", "start": "2024-05-02", "end": "2024-05-02", "stop_reason": "intolerance",
                            "days_at_dose_last_28": 28}],
      "labs": [{"date": "2024-02-29", "test": "inr", "value": 10, "unit": "INR"}])");
    ASSERT_TRUE(rr.ok()) << describe(rr);
    EXPECT_EQ(rr.record->imaging[0].target_lesions->size(), 5u);
  }
}

TEST(MalformedTwins, AnEqualRepeatOfALabValueIsMerged) {
  const auto rr = read_one(R"("labs": [{"date": "2024-03-04", "test": "bilirubin", "value": 3.0, "unit": "mg/dL"},
                                       {"date": "2024-03-04", "test": "bilirubin", "value": 51.3, "unit": "umol/L"},
                                       {"date": "2024-03-05", "test": "bilirubin", "value": 51.3, "unit": "umol/L"}])");
  ASSERT_TRUE(rr.ok()) << describe(rr);
  ASSERT_EQ(rr.record->labs.bilirubin_umol_per_l.size(), 2u);
  EXPECT_EQ(rr.record->labs.bilirubin_umol_per_l[0].entered_unit, "mg/dL");  // the first one is kept
}

TEST(MalformedTwins, WholeNumbersMayCarryAZeroFraction) {
  const auto rr = read_one(R"("clinical": [{"date": "2024-03-04", "ecog": 1.0}],
      "imaging": [{"date": "2024-03-01", "tumor_count": 3.0, "new_lesions": 0.0}])");
  ASSERT_TRUE(rr.ok()) << describe(rr);
  EXPECT_EQ(rr.record->clinical[0].ecog, 1);
  EXPECT_EQ(rr.record->imaging[0].intrahepatic_tumor_count, 3);
  EXPECT_EQ(rr.record->imaging[0].new_lesions, 0);
}

TEST(MalformedTwins, NullIsReadAsAbsentForOptionalFields) {
  const auto rr = read_one(R"("labs": null, "tace": [{"date": "2024-01-10", "technique": null, "selective": null}],
      "clinical": [{"date": "2024-03-04", "ascites": null, "ecog": null, "weight": null}],
      "systemic_therapy": [{"regimen": "sorafenib", "start": "2024-05-02", "end": null}])");
  ASSERT_TRUE(rr.ok()) << describe(rr);
  EXPECT_FALSE(rr.record->clinical[0].ascites.has_value());
  EXPECT_FALSE(rr.record->clinical[0].weight_kg.has_value());
  EXPECT_FALSE(rr.record->systemic[0].end.has_value());
}

}  // namespace
}  // namespace switchpoint
