// MoRAL (Lee 2016; formula S) and the seed-004 MoRAL rule in the TACE setting (grade U:
// informational only), CLINICAL_RULES.md §2.
#include "core/scores/moral.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(Moral, FormulaWithHandComputedValues) {
  // DCP 100, AFP 400: 11 × 10 + 2 × 20 = 150.
  EXPECT_DOUBLE_EQ(moral_value(100, 400), 150.0);
  // DCP 64, AFP 1: 11 × 8 + 2 × 1 = 90.
  EXPECT_DOUBLE_EQ(moral_value(64, 1), 90.0);
  // DCP 45, AFP 22: 11 × 6.7082039 + 2 × 4.6904158 = 73.7902432 + 9.3808315 = 83.1710748.
  EXPECT_NEAR(moral_value(45, 22), 83.1710748, 1e-6);
  EXPECT_DOUBLE_EQ(moral_value(0, 0), 0.0);
}

TEST(MoralTace, FlagNeedsBoth89Point5AndA5PercentRise) {
  EXPECT_TRUE(moral_tace_flag(80.0, 89.5));     // 89.5 exactly, rise 11.9%
  EXPECT_FALSE(moral_tace_flag(80.0, 89.49));   // below 89.5
  EXPECT_TRUE(moral_tace_flag(86.0, 90.3));     // rise exactly 5%
  EXPECT_FALSE(moral_tace_flag(86.0, 90.29));   // rise 4.99%
  EXPECT_FALSE(moral_tace_flag(85.0, 89.25));   // 5% rise but below 89.5
  EXPECT_FALSE(moral_tace_flag(120.0, 110.0));  // high but falling
  EXPECT_TRUE(moral_tace_flag(0.0, 90.0));      // from 0: any value is a rise
}

TEST(Moral, FromRecordAndMissingInputs) {
  const Date d = day("2024-03-04");
  PatientRecord r;
  r.labs.dcp_mau_per_ml.push_back(lab(d, 64));
  r.labs.afp_ng_per_ml.push_back(lab(d, 1));
  const auto res = moral(r, d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(*res.value, 90.0);
  EXPECT_EQ(res.report.key, "moral");
  EXPECT_EQ(std::get<Number>(*res.report.field("value")).decimals, 1);
  EXPECT_FALSE(res.report.informational_only());

  r.labs.dcp_mau_per_ml.clear();
  const auto missing = moral(r, d);
  EXPECT_FALSE(missing.report.computed);
  ASSERT_EQ(missing.report.missing.size(), 1u);
  EXPECT_EQ(missing.report.missing[0], "dcp");
}

PatientRecord tace_course() {
  PatientRecord r;
  const Date before = day("2024-01-08"), tace = day("2024-01-10"), after = day("2024-02-20");
  r.tace.push_back(session(tace));
  // Before: 11 × √49 + 2 × √4 = 77 + 4 = 81. After: 11 × √64 + 2 × √1 = 88 + 2 = 90 (+11.1%).
  r.labs.dcp_mau_per_ml = {lab(before, 49), lab(after, 64)};
  r.labs.afp_ng_per_ml = {lab(before, 4), lab(after, 1)};
  return r;
}

TEST(MoralTace, ComputedAsInformationalOnly) {
  const auto res = moral_tace(tace_course(), day("2024-02-21"));
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->before, 81.0);
  EXPECT_DOUBLE_EQ(res.value->after, 90.0);
  EXPECT_NEAR(*res.value->rise_percent, 11.111111, 1e-5);
  EXPECT_TRUE(res.value->met);
  EXPECT_TRUE(res.report.informational_only());
  EXPECT_EQ(res.report.rule->grade, Grade::U);
  ASSERT_FALSE(res.report.notes.empty());
  EXPECT_NE(res.report.notes[0].find("informational only"), std::string::npos);
  EXPECT_NE(res.report.summary.find("informational only"), std::string::npos);
  EXPECT_EQ(std::get<bool>(*res.report.field("met")), true);
}

TEST(MoralTace, NotApplicableBeforeTheFirstTace) {
  // A session on the as-of date is the one being decided on, not one already done.
  const auto on_day = moral_tace(tace_course(), day("2024-01-10"));
  EXPECT_FALSE(on_day.report.applicable);
  EXPECT_FALSE(on_day.report.computed);
  EXPECT_TRUE(on_day.report.informational_only());
  EXPECT_FALSE(moral_tace(PatientRecord{}, day("2024-01-10")).report.applicable);
}

TEST(MoralTace, PreSessionMarkersAreNotAnAfterValue) {
  // Only the pre-session values exist within 30 days: "after" is missing, not equal to "before".
  PatientRecord r = tace_course();
  r.labs.dcp_mau_per_ml.pop_back();
  r.labs.afp_ng_per_ml.pop_back();
  const auto res = moral_tace(r, day("2024-01-20"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "dcp after the first TACE"));
  EXPECT_TRUE(names_missing(res.report.missing, "afp after the first TACE"));
}

TEST(MoralTace, MissingBaselineMarkerIsNamed) {
  PatientRecord r = tace_course();
  r.labs.dcp_mau_per_ml.erase(r.labs.dcp_mau_per_ml.begin());
  const auto res = moral_tace(r, day("2024-02-21"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "dcp before the first TACE"));
  EXPECT_FALSE(names_missing(res.report.missing, "afp"));
}

}  // namespace
}  // namespace switchpoint
