// Issue 13, rule P-recorded-vs-measured: a recorded mRECIST category that the study's own
// measurements rule out does not drive a verdict; the measurements decide and a warning names the
// study. Where the measurements leave the recorded category possible, it is used (CLINICAL_RULES
// §3). Also P-course-end for mRECIST: baseline and nadir never come from before a resection,
// ablation or transplantation that preceded the course.
#include <gtest/gtest.h>

#include <algorithm>

#include "../scores/test_records.h"
#include "core/engine.h"
#include "core/response/mrecist.h"

namespace switchpoint {
namespace {

using namespace test_records;
using C = MrecistCategory;

// S1 2024-01-10; baseline CT 2024-01-05: S7 4.0 + S8 2.0 = 6.0 cm, non-target absent, no new lesion.
PatientRecord course() {
  PatientRecord r;
  r.patient_id = "rvm";
  r.tace.push_back(session(day("2024-01-10")));
  ImagingStudy b = study(day("2024-01-05"), 2, 4.0);
  b.target_lesions = targets({{"S7", 4.0}, {"S8", 2.0}});
  b.nontarget = NonTargetStatus::Absent;
  b.new_lesions = 0;
  r.imaging.push_back(b);
  return r;
}

ImagingStudy followup(const char* date, double s7, double s8, std::optional<NonTargetStatus> nt, std::optional<int> nl,
                      std::optional<C> recorded) {
  ImagingStudy s = study(day(date), 2, std::max(s7, s8));
  s.target_lesions = targets({{"S7", s7}, {"S8", s8}});
  s.nontarget = nt;
  s.new_lesions = nl;
  s.mrecist_recorded = recorded;
  return s;
}

StudyResponse judge(const ImagingStudy& s) {
  PatientRecord r = course();
  r.imaging.push_back(s);
  return mrecist_response(r, 1);
}

TEST(RecordedVsMeasured, RecordedCompleteResponseWithThreeNewLesionsIsProgression) {
  // Targets unchanged (6.0 cm: SD), 3 new lesions → overall PD whatever else.
  const StudyResponse r = judge(followup("2024-04-12", 4.0, 2.0, NonTargetStatus::Absent, 3, C::CR));
  EXPECT_EQ(r.recorded, C::CR);
  EXPECT_EQ(r.computed, C::PD);
  EXPECT_EQ(r.category, C::PD);
  EXPECT_TRUE(r.contradicted);
  EXPECT_EQ(r.contradiction,
            "mRECIST recorded CR on the CT of 2024-04-12 is contradicted by the measurements (3 new lesions → PD): "
            "the measurements are used; check the report");
}

TEST(RecordedVsMeasured, OneNewLesionIsEnoughAndIsNamedInTheSingular) {
  const StudyResponse r = judge(followup("2024-04-12", 0.0, 0.0, std::nullopt, 1, C::CR));
  EXPECT_EQ(r.category, C::PD);
  EXPECT_NE(r.contradiction.find("(1 new lesion → PD)"), std::string::npos) << r.contradiction;
}

TEST(RecordedVsMeasured, NonTargetProgressionOverrulesARecordedPartialResponse) {
  const StudyResponse r = judge(followup("2024-03-01", 2.0, 1.0, NonTargetStatus::PD, std::nullopt, C::PR));
  EXPECT_EQ(r.category, C::PD);
  EXPECT_TRUE(r.contradicted);
  EXPECT_NE(r.contradiction.find("non-target PD"), std::string::npos) << r.contradiction;
}

TEST(RecordedVsMeasured, RecordedPartialResponseWithTargetsMinusTenPercentIsStable) {
  // 3.6 + 1.8 = 5.4 cm: −10 % from 6.0 (not ≥ 30 % less, not ≥ 20 % more) → SD.
  const StudyResponse r = judge(followup("2024-03-01", 3.6, 1.8, NonTargetStatus::Absent, 0, C::PR));
  EXPECT_EQ(r.computed, C::SD);
  EXPECT_EQ(r.category, C::SD);
  EXPECT_TRUE(r.contradicted);
  EXPECT_EQ(r.contradiction,
            "mRECIST recorded PR on the CT of 2024-03-01 is contradicted by the measurements (target sum 5.4 cm, "
            "-10.0% from the baseline 6.0 cm: target SD, non-target absent, no new lesion → SD): the measurements "
            "are used; check the report");
}

TEST(RecordedVsMeasured, RecordedProgressionWithTargetsHalvedIsPartialResponse) {
  // 2.0 + 1.0 = 3.0 cm: −50 % → target PR; non-target absent, no new lesion → overall PR.
  const StudyResponse r = judge(followup("2024-03-01", 2.0, 1.0, NonTargetStatus::Absent, 0, C::PD));
  EXPECT_EQ(r.category, C::PR);
  EXPECT_TRUE(r.contradicted);
  EXPECT_NE(r.contradiction.find("-50.0% from the baseline 6.0 cm: target PR"), std::string::npos) << r.contradiction;
}

TEST(RecordedVsMeasured, RecordedCategoryWithIncompleteMeasurementsIsUsed) {
  // Targets −10 % (SD) but non-target status and new lesions not reported: PD stays possible.
  StudyResponse r = judge(followup("2024-03-01", 3.6, 1.8, std::nullopt, std::nullopt, C::PD));
  EXPECT_FALSE(r.computed.has_value());
  EXPECT_EQ(r.category, C::PD);
  EXPECT_FALSE(r.contradicted);
  EXPECT_TRUE(r.contradiction.empty());
  // SD too is possible with those measurements.
  r = judge(followup("2024-03-01", 3.6, 1.8, std::nullopt, std::nullopt, C::SD));
  EXPECT_EQ(r.category, C::SD);
  EXPECT_FALSE(r.contradicted);
  // No measurements at all: the recorded category is all there is.
  ImagingStudy bare = study(day("2024-03-01"), 2, 3.0);
  bare.mrecist_recorded = C::CR;
  r = judge(bare);
  EXPECT_EQ(r.category, C::CR);
  EXPECT_FALSE(r.contradicted);
  // All targets at 0 with non-target and new lesions unknown: CR stays possible.
  r = judge(followup("2024-03-01", 0.0, 0.0, std::nullopt, std::nullopt, C::CR));
  EXPECT_EQ(r.category, C::CR);
  EXPECT_FALSE(r.contradicted);
}

TEST(RecordedVsMeasured, RecordedPartialResponseWithTargetsMinusTenPercentAndUnknownNewLesions) {
  // Target SD, non-target absent, new lesions unknown: SD or PD, never PR → contradicted, and no
  // category can be given (the measurements do not decide between SD and PD).
  const StudyResponse r = judge(followup("2024-03-01", 3.6, 1.8, NonTargetStatus::Absent, std::nullopt, C::PR));
  EXPECT_TRUE(r.contradicted);
  EXPECT_FALSE(r.category.has_value());
  ASSERT_FALSE(r.missing.empty());
  EXPECT_NE(r.missing.front().find("SD or PD"), std::string::npos) << r.missing.front();
  EXPECT_NE(r.contradiction.find("no category is used"), std::string::npos) << r.contradiction;
}

TEST(RecordedVsMeasured, RecordedCompleteResponseWithAViableTargetAndNoBaseline) {
  // No baseline: no target category, but S7 still enhances (2.0 cm) → not CR.
  PatientRecord r = course();
  r.imaging.front().target_lesions.reset();
  r.imaging.push_back(followup("2024-03-01", 2.0, 0.0, NonTargetStatus::Absent, 0, C::CR));
  const StudyResponse s = mrecist_response(r, 1);
  EXPECT_TRUE(s.contradicted);
  EXPECT_FALSE(s.category.has_value());
  EXPECT_NE(s.contradiction.find("viable target sum 2.0 cm (S7 2 + S8 0): not CR"), std::string::npos)
      << s.contradiction;
  EXPECT_NE(s.contradiction.find("baseline target measurements"), std::string::npos) << s.contradiction;
  // Both targets at 0: CR is what the study shows, no contradiction.
  r.imaging.back().target_lesions = targets({{"S7", 0.0}, {"S8", 0.0}});
  EXPECT_FALSE(mrecist_response(r, 1).contradicted);
  EXPECT_EQ(mrecist_response(r, 1).category, C::CR);
}

TEST(RecordedVsMeasured, AgreeingRecordedCategoryOnBothSidesOfThirtyPercent) {
  // 2.8 + 1.4 = 4.2 cm: exactly −30 % → PR; 2.81 + 1.4 = 4.21: −29.8 % → SD.
  StudyResponse r = judge(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0, C::PR));
  EXPECT_EQ(r.category, C::PR);
  EXPECT_FALSE(r.contradicted);
  r = judge(followup("2024-03-01", 2.81, 1.4, NonTargetStatus::Absent, 0, C::SD));
  EXPECT_EQ(r.category, C::SD);
  EXPECT_FALSE(r.contradicted);
  // And a recorded PR just above the line is contradicted.
  r = judge(followup("2024-03-01", 2.81, 1.4, NonTargetStatus::Absent, 0, C::PR));
  EXPECT_EQ(r.category, C::SD);
  EXPECT_TRUE(r.contradicted);
}

TEST(RecordedVsMeasured, AgreeingRecordedCategoryOnBothSidesOfTwentyPercent) {
  // 4.8 + 2.4 = 7.2 cm: exactly +20 % from the nadir (= baseline 6.0) → PD; 4.79 + 2.4 = 7.19 → SD.
  StudyResponse r = judge(followup("2024-03-01", 4.8, 2.4, NonTargetStatus::Absent, 0, C::PD));
  EXPECT_EQ(r.category, C::PD);
  EXPECT_FALSE(r.contradicted);
  r = judge(followup("2024-03-01", 4.79, 2.4, NonTargetStatus::Absent, 0, C::SD));
  EXPECT_EQ(r.category, C::SD);
  EXPECT_FALSE(r.contradicted);
  r = judge(followup("2024-03-01", 4.79, 2.4, NonTargetStatus::Absent, 0, C::PD));
  EXPECT_EQ(r.category, C::SD);
  EXPECT_TRUE(r.contradicted);
}

TEST(RecordedVsMeasured, PreTreatmentStudyIsNeverAContradiction) {
  PatientRecord r = course();
  r.imaging.front().new_lesions = 2;
  r.imaging.front().mrecist_recorded = C::CR;
  EXPECT_FALSE(mrecist_response(r, 0).contradicted);
  EXPECT_TRUE(response_contradictions(r, day("2024-01-20")).empty());
}

// S1 2024-01-10, Child-Pugh 5 throughout; CT 2024-02-20 recorded CR with 3 new lesions.
PatientRecord evaluated_course(int new_lesions, C recorded) {
  PatientRecord r = course();
  for (const char* d : {"2024-01-05", "2024-02-20"}) add_child_pugh(r, day(d), 5, 0);
  r.imaging.push_back(followup("2024-02-20", 0.0, 0.0, NonTargetStatus::Absent, new_lesions, recorded));
  return r;
}

TEST(RecordedVsMeasured, EvaluateWarnsAndDoesNotProceedOnTheRecordedCategory) {
  const Decision d = evaluate(evaluated_course(3, C::CR), day("2024-02-20"));
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings.front(),
            "mRECIST recorded CR on the CT of 2024-02-20 is contradicted by the measurements (3 new lesions → PD): "
            "the measurements are used; check the report");
  EXPECT_NE(d.checkpoint.verdict, Verdict::Proceed);
  ASSERT_EQ(d.history.sessions.size(), 1u);
  ASSERT_TRUE(d.history.sessions[0].response.category.has_value());
  EXPECT_EQ(*d.history.sessions[0].response.category, C::PD);
  // The same study without new lesions agrees with its CR: no warning.
  const Decision ok = evaluate(evaluated_course(0, C::CR), day("2024-02-20"));
  EXPECT_TRUE(ok.warnings.empty());
  EXPECT_EQ(*ok.history.sessions[0].response.category, C::CR);
}

TEST(RecordedVsMeasured, ContradictionsAreListedUpToTheAsOfDateOnly) {
  PatientRecord r = course();
  r.imaging.push_back(followup("2024-03-01", 2.0, 1.0, NonTargetStatus::Absent, 0, C::PD));  // PR
  EXPECT_EQ(response_contradictions(r, day("2024-03-01")).size(), 1u);
  EXPECT_TRUE(response_contradictions(r, day("2024-02-29")).empty());
}

// P-course-end: TACE 2023-06-01 (baseline 2023-05-25, 6.0 cm), nadir 3.0 cm on 2023-08-01,
// resection 2023-09-01, TACE 2024-01-10 (baseline 2024-01-05, 6.0 cm).
PatientRecord two_courses() {
  PatientRecord r;
  r.tace = {session(day("2023-06-01")), session(day("2024-01-10"))};
  r.procedures.push_back(CourseEndingProcedure{day("2023-09-01"), CourseEndingKind::Resection});
  r.imaging.push_back(followup("2023-05-25", 4.0, 2.0, NonTargetStatus::Absent, 0, std::nullopt));
  r.imaging.push_back(followup("2023-08-01", 2.0, 1.0, NonTargetStatus::Absent, 0, std::nullopt));
  r.imaging.push_back(followup("2024-01-05", 4.0, 2.0, NonTargetStatus::Absent, 0, std::nullopt));
  return r;
}

TEST(MrecistCourse, NadirAndBaselineNeverComeFromBeforeTheCourseEndingProcedure) {
  PatientRecord r = two_courses();
  // 2.8 + 1.4 = 4.2: −30 % from the new baseline (PR); from the old nadir 3.0 it would be +40 % (PD).
  r.imaging.push_back(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0, std::nullopt));
  EXPECT_EQ(mrecist_baseline_study(r), 2u);
  const StudyResponse s = mrecist_response(r, 3);
  EXPECT_EQ(s.computed, C::PR);
  EXPECT_NE(s.basis.find("baseline 6.0 cm on 2024-01-05"), std::string::npos) << s.basis;
  // The first course's own study is still judged against its own baseline.
  EXPECT_EQ(mrecist_response(r, 1).computed, C::PR);
}

TEST(MrecistCourse, ABaselineBeforeTheProcedureIsNoBaseline) {
  PatientRecord r = two_courses();
  r.imaging.erase(r.imaging.begin() + 2);         // no study in the new course before S1
  r.procedures.front().date = day("2023-12-01");  // resection after the 2023-11-20 study
  r.imaging.push_back(followup("2023-11-20", 4.0, 2.0, NonTargetStatus::Absent, 0, std::nullopt));
  std::sort(r.imaging.begin(), r.imaging.end(),
            [](const ImagingStudy& a, const ImagingStudy& b) { return a.date < b.date; });
  r.imaging.push_back(followup("2024-03-01", 2.8, 1.4, NonTargetStatus::Absent, 0, std::nullopt));
  EXPECT_FALSE(mrecist_baseline_study(r).has_value());
  const StudyResponse s = mrecist_response(r, r.imaging.size() - 1);
  EXPECT_FALSE(s.category.has_value());
  EXPECT_EQ(s.missing, std::vector<std::string>{"baseline target measurements"});
  // A resection on the day of the study: the study is taken as done before it, still no baseline.
  r.procedures.front().date = day("2023-11-20");
  EXPECT_FALSE(mrecist_baseline_study(r).has_value());
  // A resection the day before: the study (51 days before S1) is the baseline.
  r.procedures.front().date = day("2023-11-19");
  EXPECT_EQ(mrecist_baseline_study(r), 2u);
  EXPECT_EQ(mrecist_response(r, r.imaging.size() - 1).computed, C::PR);
}

TEST(MrecistCourse, StudyAfterTheCourseEndWithNoTaceSinceHasNoResponse) {
  PatientRecord r = course();
  r.procedures.push_back(CourseEndingProcedure{day("2024-03-01"), CourseEndingKind::Ablation});
  r.imaging.push_back(followup("2024-04-10", 5.0, 2.5, NonTargetStatus::Absent, 1, C::CR));
  const StudyResponse s = mrecist_response(r, 1);
  EXPECT_FALSE(s.computed.has_value());
  EXPECT_FALSE(s.contradicted);
  EXPECT_NE(s.basis.find("study after the ablation on 2024-03-01 with no TACE since"), std::string::npos) << s.basis;
  // A study on the day of the ablation is taken as done before it: a response to S1.
  r.imaging.back().date = day("2024-03-01");
  EXPECT_EQ(mrecist_response(r, 1).computed, C::PD);
}

}  // namespace
}  // namespace switchpoint
