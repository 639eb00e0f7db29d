// JSH treatment effect, RECICL 2015 (CLINICAL_RULES.md §3): TE4 100% necrosis or shrinkage;
// TE3 50% to < 100%; TE1 enlargement ≥ 50% irrespective of necrosis; TE2 otherwise.
#include "core/response/jsh_te.h"

#include <gtest/gtest.h>

#include "../scores/test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(JshTe, ViableFractionBoundaries) {
  EXPECT_EQ(jsh_te_grade(0.0, std::nullopt), TeGrade::TE4);  // 100% necrosis
  EXPECT_EQ(jsh_te_grade(0.1, std::nullopt), TeGrade::TE3);
  EXPECT_EQ(jsh_te_grade(50.0, std::nullopt), TeGrade::TE3);   // necrosis exactly 50%
  EXPECT_EQ(jsh_te_grade(50.1, std::nullopt), TeGrade::TE2);   // necrosis 49.9%
  EXPECT_EQ(jsh_te_grade(100.0, std::nullopt), TeGrade::TE2);  // no necrosis
}

TEST(JshTe, EnlargementBoundary) {
  EXPECT_EQ(jsh_te_grade(60.0, 49.9), TeGrade::TE2);
  EXPECT_EQ(jsh_te_grade(60.0, 50.0), TeGrade::TE1);
  EXPECT_EQ(jsh_te_grade(30.0, 49.9), TeGrade::TE3);
  // Irrespective of necrosis: even a fully necrotic nodule that grew by half is TE1.
  EXPECT_EQ(jsh_te_grade(0.0, 50.0), TeGrade::TE1);
  EXPECT_EQ(jsh_te_grade(30.0, 80.0), TeGrade::TE1);
}

TEST(JshTe, ShrinkageGrades) {
  EXPECT_EQ(jsh_te_grade(80.0, -100.0), TeGrade::TE4);  // 100% shrinkage
  EXPECT_EQ(jsh_te_grade(80.0, -50.0), TeGrade::TE3);   // shrinkage 50%
  EXPECT_EQ(jsh_te_grade(80.0, -49.9), TeGrade::TE2);
  EXPECT_EQ(jsh_te_grade(0.0, -60.0), TeGrade::TE4);  // necrosis decides the better grade
}

TEST(JshTe, WithoutViableFractionOnlyAnUnambiguousSizeDecides) {
  EXPECT_EQ(jsh_te_grade(std::nullopt, -100.0), TeGrade::TE4);
  EXPECT_EQ(jsh_te_grade(std::nullopt, 50.0), TeGrade::TE1);
  EXPECT_FALSE(jsh_te_grade(std::nullopt, -60.0).has_value());  // TE3, or TE4 with full necrosis
  EXPECT_FALSE(jsh_te_grade(std::nullopt, 0.0).has_value());
  EXPECT_FALSE(jsh_te_grade(std::nullopt, 49.9).has_value());
  EXPECT_FALSE(jsh_te_grade(std::nullopt, std::nullopt).has_value());
}

TEST(JshTe, Names) {
  EXPECT_EQ(to_string(TeGrade::TE1), "TE1");
  EXPECT_EQ(to_string(TeGrade::TE2), "TE2");
  EXPECT_EQ(to_string(TeGrade::TE3), "TE3");
  EXPECT_EQ(to_string(TeGrade::TE4), "TE4");
}

PatientRecord treated(const char* imaging_date, std::optional<double> viable, std::optional<double> size) {
  PatientRecord r;
  r.tace.push_back(session(day("2024-01-10")));
  ImagingStudy s = study(day(imaging_date), 1, 3.0);
  s.viable_tumor_percent = viable;
  s.treated_size_change_percent = size;
  r.imaging.push_back(s);
  return r;
}

TEST(JshTeSummary, LatestStudyGraded) {
  const auto res = jsh_te(treated("2024-03-01", 30.0, -10.0), day("2024-03-05"));
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(*res.value, TeGrade::TE3);
  EXPECT_EQ(res.report.key, "jsh_te");
  EXPECT_EQ(res.report.rule->id, "jsh-te");
  EXPECT_EQ(std::get<std::string>(*res.report.field("grade")), "TE3");
  EXPECT_TRUE(res.report.notes.empty());  // 51 days after TACE, size reported
}

TEST(JshTeSummary, SaysWhenEnlargementWasNotAssessed) {
  const auto res = jsh_te(treated("2024-03-01", 60.0, std::nullopt), day("2024-03-05"));
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(*res.value, TeGrade::TE2);
  ASSERT_EQ(res.report.notes.size(), 1u);
  EXPECT_NE(res.report.notes[0].find("TE1"), std::string::npos);
}

TEST(JshTeSummary, FlagsAssessmentOutsideOneToThreeMonths) {
  const auto res = jsh_te(treated("2024-01-25", 30.0, 0.0), day("2024-01-26"));  // 15 days
  ASSERT_TRUE(res.value.has_value());
  ASSERT_EQ(res.report.notes.size(), 1u);
  EXPECT_NE(res.report.notes[0].find("15 days"), std::string::npos);
}

TEST(JshTeSummary, MissingAndNotApplicable) {
  const auto undecided = jsh_te(treated("2024-03-01", std::nullopt, -60.0), day("2024-03-05"));
  EXPECT_FALSE(undecided.report.computed);
  EXPECT_TRUE(names_missing(undecided.report.missing, "viable_tumor_percent"));

  const auto none = jsh_te(treated("2024-03-01", std::nullopt, std::nullopt), day("2024-03-05"));
  EXPECT_FALSE(none.report.computed);
  EXPECT_TRUE(names_missing(none.report.missing, "viable_tumor_percent or treated_size_change_percent"));

  PatientRecord no_tace = treated("2024-03-01", 30.0, 0.0);
  no_tace.tace.clear();
  const auto na = jsh_te(no_tace, day("2024-03-05"));
  EXPECT_FALSE(na.report.applicable);
  EXPECT_FALSE(na.report.computed);
}

}  // namespace
}  // namespace switchpoint
