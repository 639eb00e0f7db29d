// mRECIST (Lencioni & Llovet 2010), CLINICAL_RULES.md §3: target thresholds on both sides,
// nadir, overall rules, recorded vs computed, and every reason a category cannot be given.
#include "core/response/mrecist.h"

#include <gtest/gtest.h>

#include "../scores/test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(MrecistTarget, CompleteResponseWhenNoTargetEnhances) {
  EXPECT_EQ(mrecist_target_response(6.0, 6.0, 0.0, true), MrecistCategory::CR);
}

TEST(MrecistTarget, ThirtyPercentDecreaseFromBaseline) {
  EXPECT_EQ(mrecist_target_response(10.0, 10.0, 7.0, false), MrecistCategory::PR);   // exactly −30%
  EXPECT_EQ(mrecist_target_response(10.0, 10.0, 7.01, false), MrecistCategory::SD);  // −29.9%
  // Sums of diameters in mm: 42 + 25 = 67 mm = 6.7 cm; −30% = 4.69 cm (sums are inexact in binary).
  const double base = diameter_from_mm(42) + diameter_from_mm(25);
  const double now = diameter_from_mm(32.83) + diameter_from_mm(14.07);
  EXPECT_EQ(mrecist_target_response(base, base, now, false), MrecistCategory::PR);
}

TEST(MrecistTarget, TwentyPercentIncreaseFromNadir) {
  EXPECT_EQ(mrecist_target_response(10.0, 10.0, 12.0, false), MrecistCategory::PD);   // exactly +20%
  EXPECT_EQ(mrecist_target_response(10.0, 10.0, 11.99, false), MrecistCategory::SD);  // +19.9%
  EXPECT_EQ(mrecist_target_response(5.0, 5.0, 6.0, false), MrecistCategory::PD);
}

TEST(MrecistTarget, NadirLowerThanBaseline) {
  // Baseline 10, nadir 6: 7.2 is −28% from baseline (not PR) but +20% from the nadir: PD.
  EXPECT_EQ(mrecist_target_response(10.0, 6.0, 7.2, false), MrecistCategory::PD);
  // 7.19: +19.8% from nadir, −28.1% from baseline: SD.
  EXPECT_EQ(mrecist_target_response(10.0, 6.0, 7.19, false), MrecistCategory::SD);
  // Still PR from baseline while below the PD line: 6.5 is −35% and +8.3%.
  EXPECT_EQ(mrecist_target_response(10.0, 6.0, 6.5, false), MrecistCategory::PR);
}

TEST(MrecistTarget, EnhancementReturningAfterANadirOfZeroIsProgression) {
  EXPECT_EQ(mrecist_target_response(6.0, 0.0, 0.5, false), MrecistCategory::PD);
}

// TACE 2024-01-10; baseline 2024-01-05 with S7 4.0 + S8 2.0 = 6.0 cm.
PatientRecord course() {
  PatientRecord r;
  r.tace.push_back(session(day("2024-01-10")));
  ImagingStudy b = study(day("2024-01-05"), 2, 4.0);
  b.target_lesions = targets({{"S7", 4.0}, {"S8", 2.0}});
  b.nontarget = NonTargetStatus::Absent;
  b.new_lesions = 0;
  r.imaging.push_back(b);
  return r;
}

ImagingStudy followup(const char* date, double s7, double s8, std::optional<NonTargetStatus> nt,
                      std::optional<int> nl) {
  ImagingStudy s = study(day(date), 2, std::max(s7, s8));
  s.target_lesions = targets({{"S7", s7}, {"S8", s8}});
  s.nontarget = nt;
  s.new_lesions = nl;
  return s;
}

TEST(Mrecist, PartialResponseComputedWithItsBasis) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0));  // 4.2 = −30%
  const StudyResponse s = mrecist_response(r, 1);
  EXPECT_EQ(s.date, day("2024-03-01"));
  EXPECT_EQ(s.computed, MrecistCategory::PR);
  EXPECT_EQ(s.category, MrecistCategory::PR);
  EXPECT_FALSE(s.recorded.has_value());
  EXPECT_FALSE(s.disagreement);
  EXPECT_TRUE(s.missing.empty());
  EXPECT_NE(s.basis.find("baseline 6.0 cm on 2024-01-05"), std::string::npos) << s.basis;
  EXPECT_NE(s.basis.find("-30.0%"), std::string::npos) << s.basis;
  EXPECT_NE(s.basis.find("new lesions 0"), std::string::npos) << s.basis;
}

TEST(Mrecist, StableDiseaseJustShortOfThirtyPercent) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.81, 1.4, NonTargetStatus::Absent, 0));  // 4.21 = −29.8%
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::SD);
}

TEST(Mrecist, ProgressionFromTheNadirOfEarlierStudies) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.0, 1.0, NonTargetStatus::Absent, 0));  // 3.0: nadir, PR
  r.imaging.push_back(followup("2024-05-01", 2.4, 1.2, NonTargetStatus::Absent, 0));  // 3.6: +20% from 3.0
  r.imaging.push_back(followup("2024-06-01", 2.39, 1.2, NonTargetStatus::Absent, 0));
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::PR);
  const StudyResponse pd = mrecist_response(r, 2);
  EXPECT_EQ(pd.computed, MrecistCategory::PD);  // still −40% from baseline
  EXPECT_NE(pd.basis.find("nadir 3.0 cm on 2024-03-01"), std::string::npos) << pd.basis;
  // The nadir is taken up to the study before: 3.59 vs nadir 3.0 is +19.7%: PR from baseline.
  EXPECT_EQ(mrecist_response(r, 3).computed, MrecistCategory::PR);
}

TEST(Mrecist, NewLesionIsProgressionWhateverTheTargets) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 1.0, 0.5, NonTargetStatus::Absent, 1));
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::PD);
}

TEST(Mrecist, NewLesionIsProgressionEvenWithoutMeasurements) {
  PatientRecord r = course();
  ImagingStudy s = study(day("2024-03-01"), 3, 3.0);
  s.new_lesions = 2;
  r.imaging.push_back(s);
  const StudyResponse resp = mrecist_response(r, 1);
  EXPECT_EQ(resp.computed, MrecistCategory::PD);
  EXPECT_TRUE(resp.missing.empty());
}

TEST(Mrecist, NonTargetProgressionIsProgression) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 1.0, 0.5, NonTargetStatus::PD, 0));
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::PD);
}

TEST(Mrecist, TargetCompleteResponseWithPersistingNonTargetIsPartial) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 0.0, 0.0, NonTargetStatus::NonCRNonPD, 0));
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::PR);
}

TEST(Mrecist, CompleteResponseNeedsNonTargetAbsentOrCrAndNoNewLesion) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 0.0, 0.0, NonTargetStatus::Absent, 0));
  r.imaging.push_back(followup("2024-04-01", 0.0, 0.0, NonTargetStatus::CR, 0));
  r.imaging.push_back(followup("2024-05-01", 0.0, 0.0, NonTargetStatus::CR, 1));
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::CR);
  EXPECT_EQ(mrecist_response(r, 2).computed, MrecistCategory::CR);
  EXPECT_EQ(mrecist_response(r, 3).computed, MrecistCategory::PD);
}

TEST(Mrecist, UnreportedNonTargetOrNewLesionsIsNotComputedUnlessAlreadyProgression) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.0, 1.0, std::nullopt, 0));
  r.imaging.push_back(followup("2024-04-01", 2.0, 1.0, NonTargetStatus::Absent, std::nullopt));
  r.imaging.push_back(followup("2024-05-01", 6.0, 3.0, std::nullopt, std::nullopt));  // target PD
  StudyResponse s = mrecist_response(r, 1);
  EXPECT_FALSE(s.computed.has_value());
  EXPECT_FALSE(s.category.has_value());
  EXPECT_EQ(s.missing, std::vector<std::string>{"non-target lesion status"});
  s = mrecist_response(r, 2);
  EXPECT_FALSE(s.category.has_value());
  EXPECT_EQ(s.missing, std::vector<std::string>{"new lesions"});
  EXPECT_EQ(mrecist_response(r, 3).computed, MrecistCategory::PD);
}

// Issue 13 (P-recorded-vs-measured) replaced "the recorded category is used": measurements that
// decide a category (here PR, −30 %) overrule a recorded SD, and the contradiction is flagged.
TEST(Mrecist, RecordedCategoryContradictedByDecisiveMeasurementsIsNotUsed) {
  PatientRecord r = course();
  ImagingStudy s = followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0);  // computed PR
  s.mrecist_recorded = MrecistCategory::SD;
  r.imaging.push_back(s);
  const StudyResponse resp = mrecist_response(r, 1);
  EXPECT_EQ(resp.category, MrecistCategory::PR);
  EXPECT_EQ(resp.computed, MrecistCategory::PR);
  EXPECT_EQ(resp.recorded, MrecistCategory::SD);
  EXPECT_TRUE(resp.disagreement);
  EXPECT_TRUE(resp.contradicted);
  EXPECT_NE(resp.basis.find("recorded SD is contradicted by the measurements: the computed PR is used"),
            std::string::npos)
      << resp.basis;

  r.imaging.back().mrecist_recorded = MrecistCategory::PR;
  EXPECT_FALSE(mrecist_response(r, 1).disagreement);
  EXPECT_FALSE(mrecist_response(r, 1).contradicted);
}

TEST(Mrecist, RecordedCategoryAloneIsUsed) {
  PatientRecord r = course();
  ImagingStudy s = study(day("2024-03-01"), 2, 3.0);
  s.mrecist_recorded = MrecistCategory::PR;
  r.imaging.push_back(s);
  const StudyResponse resp = mrecist_response(r, 1);
  EXPECT_EQ(resp.category, MrecistCategory::PR);
  EXPECT_FALSE(resp.computed.has_value());
  EXPECT_FALSE(resp.disagreement);
  EXPECT_TRUE(resp.missing.empty());
  EXPECT_NE(resp.basis.find("not computed from measurements"), std::string::npos);
}

TEST(Mrecist, NoBaselineIsNamed) {
  PatientRecord r = course();
  r.imaging.front().target_lesions.reset();
  r.imaging.push_back(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0));
  const StudyResponse s = mrecist_response(r, 1);
  EXPECT_FALSE(s.category.has_value());
  EXPECT_EQ(s.missing, std::vector<std::string>{"baseline target measurements"});
}

TEST(Mrecist, BaselineOlderThanTheImagingWindowIsNoBaseline) {
  PatientRecord r = course();
  r.imaging.front().date = day("2023-10-09");  // 93 days before the session
  r.imaging.push_back(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0));
  EXPECT_EQ(mrecist_response(r, 1).missing, std::vector<std::string>{"baseline target measurements"});
  r.imaging.front().date = day("2023-10-10");  // 92 days
  EXPECT_EQ(mrecist_response(r, 1).computed, MrecistCategory::PR);
}

TEST(Mrecist, StudyBeforeTheFirstSessionHasNoResponse) {
  const PatientRecord r = course();
  const StudyResponse s = mrecist_response(r, 0);
  EXPECT_FALSE(s.category.has_value());
  EXPECT_TRUE(names_missing(s.missing, "a TACE session before the study"));
  PatientRecord no_tace = course();
  no_tace.tace.clear();
  EXPECT_TRUE(names_missing(mrecist_response(no_tace, 0).missing, "a TACE session before the study"));
}

TEST(Mrecist, DifferentTargetLesionsAreNotCompared) {
  PatientRecord r = course();
  ImagingStudy s = followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0);
  s.target_lesions = targets({{"S7", 2.8}, {"S4", 1.4}});
  r.imaging.push_back(s);
  const StudyResponse resp = mrecist_response(r, 1);
  EXPECT_FALSE(resp.category.has_value());
  EXPECT_TRUE(names_missing(resp.missing, "target measurements of the baseline lesions"));
}

TEST(Mrecist, MissingTargetMeasurementsOnTheStudyAreNamed) {
  PatientRecord r = course();
  ImagingStudy s = study(day("2024-03-01"), 2, 3.0);
  s.nontarget = NonTargetStatus::Absent;
  s.new_lesions = 0;
  r.imaging.push_back(s);
  EXPECT_EQ(mrecist_response(r, 1).missing, std::vector<std::string>{"target measurements"});
}

TEST(MrecistSummary, LatestStudyAsAScore) {
  PatientRecord r = course();
  ImagingStudy s = followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0);
  s.mrecist_recorded = MrecistCategory::SD;
  r.imaging.push_back(s);
  const auto res = mrecist(r, day("2024-03-05"));
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.report.key, "mrecist");
  EXPECT_TRUE(res.report.computed);
  EXPECT_EQ(std::get<std::string>(*res.report.field("category")), "PR");  // measurements decide (issue 13)
  EXPECT_EQ(std::get<std::string>(*res.report.field("computed_category")), "PR");
  EXPECT_EQ(std::get<std::string>(*res.report.field("recorded_category")), "SD");
  EXPECT_EQ(std::get<bool>(*res.report.field("disagreement")), true);
  EXPECT_EQ(std::get<bool>(*res.report.field("recorded_contradicted")), true);
  ASSERT_FALSE(res.report.notes.empty());
  EXPECT_NE(res.report.notes.front().find("mRECIST recorded SD on the CT of 2024-03-01 is contradicted"),
            std::string::npos)
      << res.report.notes.front();
}

TEST(MrecistSummary, NotComputedNamesWhy) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.0, 1.0, std::nullopt, 0));
  const auto res = mrecist(r, day("2024-03-05"));
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(res.report.fields.empty());
  EXPECT_EQ(res.report.missing, std::vector<std::string>{"non-target lesion status"});
  // Nothing within 92 days.
  const auto old = mrecist(r, day("2024-06-02"));
  EXPECT_FALSE(old.value.has_value());
  EXPECT_TRUE(names_missing(old.report.missing, "imaging with mRECIST data"));
}

}  // namespace
}  // namespace switchpoint
