// ABCR score (Adhoute 2015), CLINICAL_RULES.md §2: grade U, informational only.
#include "core/scores/abcr.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(Abcr, AfpAtLeast200) {
  EXPECT_EQ(abcr_afp_points(199.9), 0);
  EXPECT_EQ(abcr_afp_points(200.0), 1);
}

TEST(Abcr, BclcPoints) {
  EXPECT_EQ(abcr_bclc_points(BclcStage::A), 0);
  EXPECT_EQ(abcr_bclc_points(BclcStage::B), 2);
  EXPECT_EQ(abcr_bclc_points(BclcStage::C), 3);
  EXPECT_FALSE(abcr_bclc_points(BclcStage::Stage0).has_value());
  EXPECT_FALSE(abcr_bclc_points(BclcStage::D).has_value());
}

TEST(Abcr, ChildPughRiseAndResponse) {
  EXPECT_EQ(abcr_child_pugh_points(1), 0);
  EXPECT_EQ(abcr_child_pugh_points(2), 2);
  EXPECT_EQ(abcr_child_pugh_points(3), 2);
  EXPECT_EQ(abcr_response_points(MrecistCategory::CR), -3);
  EXPECT_EQ(abcr_response_points(MrecistCategory::PR), -3);
  EXPECT_EQ(abcr_response_points(MrecistCategory::SD), 0);
  EXPECT_EQ(abcr_response_points(MrecistCategory::PD), 0);
}

TEST(Abcr, Groups) {
  EXPECT_EQ(abcr_group(-3), AbcrGroup::FavoursRetreatment);
  EXPECT_EQ(abcr_group(0), AbcrGroup::FavoursRetreatment);
  EXPECT_EQ(abcr_group(1), AbcrGroup::Intermediate);
  EXPECT_EQ(abcr_group(3), AbcrGroup::Intermediate);
  EXPECT_EQ(abcr_group(4), AbcrGroup::NoBenefit);
}

// BCLC B at baseline (4 nodules), TACE 2024-01-10, assessment 2024-03-01.
PatientRecord course(double afp_before, int cp_after, std::optional<MrecistCategory> response) {
  PatientRecord r;
  const Date base = day("2024-01-08"), after = day("2024-03-04");
  add_child_pugh(r, base, 5, 0);
  add_child_pugh(r, after, cp_after, 0);
  r.labs.afp_ng_per_ml.push_back(lab(base, afp_before));
  r.tace.push_back(session(day("2024-01-10")));
  ImagingStudy b = study(day("2024-01-05"), 4, 3.0);
  b.vascular_invasion = VascularInvasion::Absent;
  b.extrahepatic_spread = false;
  r.imaging.push_back(b);
  ImagingStudy a = study(day("2024-03-01"), 4, 2.0);
  a.mrecist_recorded = response;
  r.imaging.push_back(a);
  return r;
}

const Date kAt = day("2024-03-05");

TEST(Abcr, FromRecordIsInformationalOnly) {
  // AFP 250 (1) + BCLC B (2) + Child-Pugh rise 0 (0) + PR (−3) = 0: favours retreatment.
  const auto res = abcr(course(250, 5, MrecistCategory::PR), kAt);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->points, 0);
  EXPECT_EQ(res.value->group, AbcrGroup::FavoursRetreatment);
  EXPECT_TRUE(res.report.informational_only());
  EXPECT_EQ(res.report.rule->grade, Grade::U);
  EXPECT_NE(res.report.summary.find("informational only"), std::string::npos);
  ASSERT_FALSE(res.report.notes.empty());
  EXPECT_NE(res.report.notes[0].find("informational only"), std::string::npos);
  EXPECT_EQ(std::get<int>(*res.report.field("points")), 0);

  // AFP 250 (1) + B (2) + rise 2 (2) + SD (0) = 5: no benefit.
  const auto worse = abcr(course(250, 7, MrecistCategory::SD), kAt);
  ASSERT_TRUE(worse.value.has_value());
  EXPECT_EQ(worse.value->points, 5);
  EXPECT_EQ(worse.value->group, AbcrGroup::NoBenefit);
}

TEST(Abcr, NotApplicableBeforeTheFirstTace) {
  const auto res = abcr(course(250, 5, MrecistCategory::PR), day("2024-01-09"));
  EXPECT_FALSE(res.report.applicable);
  EXPECT_TRUE(res.report.informational_only());
}

TEST(Abcr, NotApplicableWithBaselineStageD) {
  PatientRecord r = course(250, 5, MrecistCategory::PR);
  r.clinical.front().ecog = 3;
  const auto res = abcr(r, kAt);
  EXPECT_FALSE(res.report.applicable);
  EXPECT_NE(res.report.summary.find("BCLC stage D"), std::string::npos);
}

TEST(Abcr, MissingInputsAreNamed) {
  PatientRecord r = course(250, 5, MrecistCategory::PR);
  r.labs.afp_ng_per_ml.clear();
  r.imaging.front().extrahepatic_spread.reset();
  const auto res = abcr(r, kAt);
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(names_missing(res.report.missing, "afp before the first TACE"));
  EXPECT_TRUE(names_missing(res.report.missing, "bclc before the first TACE (missing extrahepatic_spread)"));
}

}  // namespace
}  // namespace switchpoint
