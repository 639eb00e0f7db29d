// Up-to-seven (Mazzaferro 2009), six-and-twelve (Wang 2019) and the tumour burden score
// (CLINICAL_RULES.md §2), each threshold pinned on both sides, and the shared rule that the
// count and the largest diameter come from one study (P-tumor-burden-study).
#include "core/scores/tumor_burden.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(UpToSeven, ExactlySevenIsWithin) {
  // 4 cm + 3 tumours = 7.0: "≤ 7 → within".
  EXPECT_DOUBLE_EQ(up_to_seven_value(4.0, 3), 7.0);
  EXPECT_TRUE(within_up_to_seven(up_to_seven_value(4.0, 3)));
  // 4.1 cm + 3 = 7.1: beyond.
  EXPECT_FALSE(within_up_to_seven(up_to_seven_value(4.1, 3)));
  EXPECT_TRUE(within_up_to_seven(6.9));
}

TEST(UpToSeven, BoundaryHoldsForDiametersEnteredInMillimetres) {
  // 40 mm → 4 cm; 70 mm × 0.1 = 7.000000000000001 in binary floating point, still "7".
  EXPECT_TRUE(within_up_to_seven(up_to_seven_value(diameter_from_mm(40), 3)));
  EXPECT_TRUE(within_up_to_seven(up_to_seven_value(diameter_from_mm(70), 0)));
  EXPECT_FALSE(within_up_to_seven(up_to_seven_value(diameter_from_mm(41), 3)));
}

TEST(SixAndTwelve, StrataOnBothSidesOfEachBoundary) {
  EXPECT_EQ(six_and_twelve_stratum(6.0), SixAndTwelveStratum::Low);
  EXPECT_EQ(six_and_twelve_stratum(6.1), SixAndTwelveStratum::Intermediate);
  EXPECT_EQ(six_and_twelve_stratum(12.0), SixAndTwelveStratum::Intermediate);
  EXPECT_EQ(six_and_twelve_stratum(12.1), SixAndTwelveStratum::High);
  EXPECT_EQ(to_string(SixAndTwelveStratum::Low), "low");
  EXPECT_EQ(to_string(SixAndTwelveStratum::Intermediate), "intermediate");
  EXPECT_EQ(to_string(SixAndTwelveStratum::High), "high");
}

TEST(TumorBurdenScore, PythagoreanFormula) {
  // √(3² + 4²) = 5; √(5² + 12²) = 13; one 2 cm tumour: √(4 + 1) = 2.2360679…
  EXPECT_DOUBLE_EQ(tumor_burden_score_value(3.0, 4), 5.0);
  EXPECT_DOUBLE_EQ(tumor_burden_score_value(5.0, 12), 13.0);
  EXPECT_NEAR(tumor_burden_score_value(2.0, 1), 2.2360679775, 1e-9);
}

PatientRecord with_imaging(std::vector<ImagingStudy> studies) {
  PatientRecord r;
  r.patient_id = "t";
  r.imaging = std::move(studies);
  return r;
}

TEST(UpToSeven, FromRecordReportsValueAndWithinFields) {
  const Date d = day("2024-03-01");
  const auto res = up_to_seven(with_imaging({study(d, 3, 4.0)}), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_TRUE(res.value->within);
  EXPECT_TRUE(res.report.computed);
  EXPECT_EQ(res.report.key, "up_to_seven");
  EXPECT_EQ(res.report.rule->id, "up-to-seven");
  EXPECT_EQ(res.report.rule->grade, Grade::V);
  // INTERFACES.md: "up_to_seven": {"value": 7.0, "within": true}
  const auto* v = std::get_if<Number>(res.report.field("value"));
  ASSERT_NE(v, nullptr);
  EXPECT_DOUBLE_EQ(v->value, 7.0);
  EXPECT_EQ(v->decimals, 1);
  EXPECT_EQ(std::get<bool>(*res.report.field("within")), true);
  EXPECT_EQ(res.report.used.size(), 2u);

  const auto beyond = up_to_seven(with_imaging({study(d, 3, 4.1)}), d);
  ASSERT_TRUE(beyond.value.has_value());
  EXPECT_FALSE(beyond.value->within);
}

TEST(UpToSeven, SubMillimetreDiameterIsNotShownRoundedOntoTheCutOff) {
  // 4.04 cm + 3 = 7.04 is beyond; printed with 1 decimal it would read "7.0, beyond".
  const Date d = day("2024-03-01");
  const auto res = up_to_seven(with_imaging({study(d, 3, 4.04)}), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_FALSE(res.value->within);
  EXPECT_EQ(std::get<Number>(*res.report.field("value")).decimals, 2);
}

TEST(UpToSeven, NoTumourIsZeroAndWithinAndSaysSo) {
  const Date d = day("2024-03-01");
  const auto res = up_to_seven(with_imaging({study(d, 0, std::nullopt)}), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->value, 0.0);
  EXPECT_TRUE(res.value->within);
  ASSERT_FALSE(res.report.notes.empty());
  EXPECT_NE(res.report.notes[0].find("no intrahepatic tumour"), std::string::npos);
}

TEST(UpToSeven, NoImagingNamesBothInputs) {
  const auto res = up_to_seven(with_imaging({}), day("2024-03-01"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(res.report.fields.empty());
  EXPECT_TRUE(names_missing(res.report.missing, "intrahepatic_tumor_count"));
  EXPECT_TRUE(names_missing(res.report.missing, "largest_diameter_cm"));
}

TEST(UpToSeven, ImagingOlderThan92DaysIsMissing) {
  const Date d = day("2024-01-01");
  EXPECT_TRUE(up_to_seven(with_imaging({study(d, 2, 3.0)}), d.plus_days(92)).value.has_value());
  const auto res = up_to_seven(with_imaging({study(d, 2, 3.0)}), d.plus_days(93));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "intrahepatic_tumor_count"));
}

TEST(UpToSeven, NewerCountIsNotCombinedWithAnOlderDiameter) {
  // The latest study reports 5 tumours but no diameter; the 2 cm of the older study described a
  // different liver. Not computed, and the diameter is named.
  const auto r = with_imaging({study(day("2024-02-01"), 1, 2.0), study(day("2024-03-01"), 5, std::nullopt)});
  const auto res = up_to_seven(r, day("2024-03-02"));
  EXPECT_FALSE(res.value.has_value());
  ASSERT_EQ(res.report.missing.size(), 1u);
  EXPECT_TRUE(names_missing(res.report.missing, "largest_diameter_cm"));
  EXPECT_NE(res.report.missing[0].find("2024-03-01"), std::string::npos);
}

TEST(UpToSeven, NewerDiameterIsNotCombinedWithAnOlderCount) {
  const auto r = with_imaging({study(day("2024-02-01"), 1, 2.0), study(day("2024-03-01"), std::nullopt, 6.0)});
  const auto res = up_to_seven(r, day("2024-03-02"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "intrahepatic_tumor_count"));
}

TEST(UpToSeven, ContradictoryCountAndDiameterAreNotUsed) {
  const Date d = day("2024-03-01");
  const auto res = up_to_seven(with_imaging({study(d, 0, 3.0)}), d);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "consistent tumour count"));
  const auto zero_size = up_to_seven(with_imaging({study(d, 2, 0.0)}), d);
  EXPECT_FALSE(zero_size.value.has_value());
}

TEST(UpToSeven, SameDayStudiesMayEachGiveOneInput) {
  // CT gives the count, MRI the same day the diameter: one date, one liver.
  const Date d = day("2024-03-01");
  const auto res = up_to_seven(with_imaging({study(d, 2, std::nullopt), study(d, std::nullopt, 4.0)}), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->value, 6.0);
}

TEST(SixAndTwelve, FromRecord) {
  const Date d = day("2024-03-01");
  const auto low = six_and_twelve(with_imaging({study(d, 3, 3.0)}), d);
  ASSERT_TRUE(low.value.has_value());
  EXPECT_EQ(low.value->stratum, SixAndTwelveStratum::Low);
  EXPECT_EQ(std::get<std::string>(*low.report.field("stratum")), "low");
  EXPECT_EQ(low.report.key, "six_and_twelve");
  const auto high = six_and_twelve(with_imaging({study(d, 4, 8.1)}), d);  // 12.1
  ASSERT_TRUE(high.value.has_value());
  EXPECT_EQ(high.value->stratum, SixAndTwelveStratum::High);
  const auto mid = six_and_twelve(with_imaging({study(d, 4, 8.0)}), d);  // 12.0
  EXPECT_EQ(mid.value->stratum, SixAndTwelveStratum::Intermediate);
  const auto missing = six_and_twelve(with_imaging({}), d);
  EXPECT_FALSE(missing.report.computed);
  EXPECT_TRUE(names_missing(missing.report.missing, "largest_diameter_cm"));
}

TEST(TumorBurdenScore, FromRecord) {
  const Date d = day("2024-03-01");
  const auto res = tumor_burden_score(with_imaging({study(d, 4, 3.0)}), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(*res.value, 5.0);
  EXPECT_EQ(res.report.key, "tumor_burden_score");
  EXPECT_EQ(std::get<Number>(*res.report.field("value")).decimals, 2);
  EXPECT_FALSE(tumor_burden_score(with_imaging({}), d).report.computed);
}

}  // namespace
}  // namespace switchpoint
