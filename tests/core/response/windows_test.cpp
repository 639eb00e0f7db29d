// CLINICAL_RULES.md §5 "Common terms": what a session is (P-session-merge), which study is a
// session's response assessment (P-assessment-window) and which is the baseline
// (P-baseline-window). Every window is tested on both sides of its boundary.
#include <gtest/gtest.h>

#include "../scores/test_records.h"
#include "core/refractoriness/tace_history.h"
#include "core/response/assessment.h"

namespace switchpoint {
namespace {

using namespace test_records;

const Date kP1 = day("2024-03-01");

std::vector<TaceSession> procedures(std::initializer_list<int> days_after_p1) {
  std::vector<TaceSession> out;
  for (int n : days_after_p1) out.push_back(session(kP1.plus_days(n)));
  return out;
}

std::vector<std::vector<Date>> dates_of(const std::vector<TaceSession>& sessions) {
  std::vector<std::vector<Date>> out;
  for (const auto& s : sessions) out.push_back(procedure_dates(s));
  return out;
}

// ---- P-session-merge ------------------------------------------------------------------------

TEST(SessionMerge, FourteenDaysApartWithoutImagingIsOneStagedSession) {
  const auto s = merge_tace_procedures(procedures({0, 14}), {});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].date, kP1);  // dated by the first
  EXPECT_EQ(procedure_dates(s[0]), (std::vector<Date>{kP1, kP1.plus_days(14)}));
}

TEST(SessionMerge, FifteenDaysApartAreTwoSessions) {
  const auto s = merge_tace_procedures(procedures({0, 15}), {});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].date, kP1.plus_days(15));
  EXPECT_TRUE(s[0].procedure_dates.empty());
  EXPECT_TRUE(s[1].procedure_dates.empty());
}

TEST(SessionMerge, StagedProceduresThreeDaysApartAreOneSession) {
  // The example: two staged procedures three days apart are one session, not two.
  const auto s = merge_tace_procedures(procedures({0, 3}), {study(kP1.plus_days(-5), 2, 4.0)});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(procedure_dates(s[0]).size(), 2u);
}

TEST(SessionMerge, ImagingBetweenSeparates) {
  // An imaging study after the first procedure and on or before the second separates them.
  EXPECT_EQ(merge_tace_procedures(procedures({0, 3}), {study(kP1.plus_days(1), 2, 4.0)}).size(), 2u);
  EXPECT_EQ(merge_tace_procedures(procedures({0, 3}), {study(kP1.plus_days(3), 2, 4.0)}).size(), 2u);
  // On the first procedure's day (taken as done before it) or after the second: not between.
  EXPECT_EQ(merge_tace_procedures(procedures({0, 3}), {study(kP1, 2, 4.0)}).size(), 1u);
  EXPECT_EQ(merge_tace_procedures(procedures({0, 3}), {study(kP1.plus_days(4), 2, 4.0)}).size(), 1u);
}

TEST(SessionMerge, ChainsConsecutiveProceduresAndKeepsLaterSessionsApart) {
  const auto s = merge_tace_procedures(procedures({0, 10, 20, 60, 62}), {study(kP1.plus_days(40), 2, 4.0)});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(dates_of(s), (std::vector<std::vector<Date>>{{kP1, kP1.plus_days(10), kP1.plus_days(20)},
                                                         {kP1.plus_days(60), kP1.plus_days(62)}}));
}

TEST(SessionMerge, IsIdempotentAndKeepsTheFirstTechnique) {
  auto p = procedures({0, 5, 30});
  p[1].technique = "DEB-TACE";
  const auto once = merge_tace_procedures(p, {});
  const auto twice = merge_tace_procedures(once, {});
  EXPECT_EQ(dates_of(once), dates_of(twice));
  EXPECT_EQ(once[0].technique, "cTACE");
}

TEST(SessionMerge, HistoryLabelsAStagedSession) {
  PatientRecord r;
  r.tace = procedures({0, 3});
  const TaceHistory h = build_tace_history(r, kP1.plus_days(10));
  ASSERT_EQ(h.sessions.size(), 1u);
  EXPECT_EQ(h.session_label(0), "S1 (2024-03-01, staged: 2024-03-01 + 2024-03-04)");
  r.tace = procedures({0});
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(10)).session_label(0), "S1 (2024-03-01)");
}

TEST(SessionMerge, CountsSessionsNotProceduresForScores) {
  // ART/ABCR count sessions before a date on the merged record evaluate() builds.
  PatientRecord r;
  r.tace = merge_tace_procedures(procedures({0, 3, 60}), {});
  EXPECT_EQ(tace_sessions_before(r, kP1.plus_days(61)), 2u);
}

// ---- P-assessment-window --------------------------------------------------------------------

TEST(AssessmentWindow, ThirteenDaysIsDepositionFourteenIsAnAssessment) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(13), 1, 2.0)};
  EXPECT_FALSE(response_assessment_study(r, 0).has_value());
  r.imaging = {study(kP1.plus_days(14), 1, 2.0)};
  EXPECT_EQ(response_assessment_study(r, 0), 0u);
}

TEST(AssessmentWindow, LipiodolCtTwoDaysAfterIsNotTheAssessment) {
  // The example: the unenhanced CT two days after TACE shows deposition, not response.
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(2), 1, 2.0), study(kP1.plus_days(40), 1, 2.0)};
  EXPECT_EQ(response_assessment_study(r, 0), 1u);
  const TaceHistory h = build_tace_history(r, kP1.plus_days(40));
  EXPECT_EQ(h.sessions[0].study_date, kP1.plus_days(40));
  EXPECT_EQ(h.sessions[0].days_after_session, 40);
}

TEST(AssessmentWindow, OnlyADepositionCtBeforeTheNextSessionLeavesTheAssessmentMissing) {
  PatientRecord r;
  r.tace = procedures({0, 30});
  r.imaging = {study(kP1.plus_days(2), 1, 2.0)};
  const TaceHistory h = build_tace_history(r, kP1.plus_days(31));
  EXPECT_EQ(h.sessions[0].state, AssessmentState::Missing);
}

TEST(AssessmentWindow, StagedSessionCountsFourteenDaysFromItsLastProcedure) {
  PatientRecord r;
  r.tace = procedures({0, 3});
  r.imaging = {study(kP1.plus_days(16), 1, 2.0)};  // 13 days after the second procedure
  EXPECT_FALSE(build_tace_history(r, kP1.plus_days(16)).sessions[0].study_date.has_value());
  r.imaging = {study(kP1.plus_days(17), 1, 2.0)};  // 14 days after it; 17 after the session's date
  const TaceHistory h = build_tace_history(r, kP1.plus_days(17));
  ASSERT_EQ(h.sessions.size(), 1u);
  EXPECT_EQ(h.sessions[0].study_date, kP1.plus_days(17));
  EXPECT_EQ(h.sessions[0].days_after_session, 17);
}

TEST(AssessmentWindow, At120DaysAnAssessmentAt121None) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(120), 1, 2.0)};
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(120)).sessions[0].state, AssessmentState::Assessed);
  r.imaging = {study(kP1.plus_days(121), 1, 2.0)};
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(121)).sessions[0].state, AssessmentState::Missing);
}

TEST(AssessmentWindow, FlaggedOutside28To92Days) {
  PatientRecord r;
  r.tace = procedures({0});
  const std::pair<int, bool> cases[] = {{27, true}, {28, false}, {92, false}, {93, true}};
  for (const auto& [days, flagged] : cases) {
    r.imaging = {study(kP1.plus_days(days), 1, 2.0)};
    const TaceHistory h = build_tace_history(r, kP1.plus_days(days));
    ASSERT_EQ(h.sessions[0].state, AssessmentState::Assessed) << days;
    EXPECT_EQ(h.sessions[0].outside_window, flagged) << days;
  }
}

TEST(AssessmentWindow, PendingUntilDay120WhenOnlyDepositionImagingExists) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(2), 1, 2.0)};
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(119)).sessions[0].state, AssessmentState::Pending);
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(120)).sessions[0].state, AssessmentState::Missing);
}

// ---- P-baseline-window ----------------------------------------------------------------------

TEST(BaselineWindow, At183DaysUsedAt184None) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(-183), 1, 2.0)};
  TaceHistory h = build_tace_history(r, kP1);
  ASSERT_TRUE(h.baseline_study.has_value());
  EXPECT_EQ(h.baseline_days_before, 183);
  r.imaging = {study(kP1.plus_days(-184), 1, 2.0)};
  h = build_tace_history(r, kP1);
  EXPECT_FALSE(h.baseline_study.has_value());
  EXPECT_FALSE(h.sessions[0].pre_study_index.has_value());
}

TEST(BaselineWindow, FlaggedWhenOlderThan92Days) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(-92), 1, 2.0)};
  EXPECT_FALSE(build_tace_history(r, kP1).baseline_outside_window);
  r.imaging = {study(kP1.plus_days(-93), 1, 2.0)};
  EXPECT_TRUE(build_tace_history(r, kP1).baseline_outside_window);
}

TEST(BaselineWindow, TheLatestOnOrBeforeTheFirstSession) {
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(-100), 1, 2.0), study(kP1, 1, 2.0), study(kP1.plus_days(1), 1, 2.0)};
  EXPECT_EQ(build_tace_history(r, kP1.plus_days(1)).baseline_study, 1u);
}

// ---- P-course-end ---------------------------------------------------------------------------

TEST(CourseEnd, SessionsAreGroupedByTheProceduresBetweenThem) {
  PatientRecord r;
  r.tace = {session(day("2023-01-10")), session(day("2023-05-10")), session(day("2023-06-10"))};
  r.procedures = {{day("2023-03-01"), CourseEndingKind::Resection},
                  {day("2023-08-01"), CourseEndingKind::Ablation},
                  {day("2023-09-01"), CourseEndingKind::LiverTransplantation}};
  const TaceCourse c = described_tace_course(r);
  // The latest session's course: after the resection, ended by the ablation (the first procedure
  // after it), not by the transplantation.
  ASSERT_EQ(c.sessions.size(), 2u);
  EXPECT_EQ(c.sessions[0].date, day("2023-05-10"));
  ASSERT_TRUE(c.started_after && c.ended_by);
  EXPECT_EQ(c.started_after->kind, CourseEndingKind::Resection);
  EXPECT_EQ(c.ended_by->kind, CourseEndingKind::Ablation);
  const PatientRecord cr = course_record(r);
  EXPECT_EQ(cr.tace.size(), 2u);
  EXPECT_EQ(cr.procedures.size(), 2u);  // cut at the ablation: the transplantation is later
  EXPECT_EQ(course_end_text(*c.ended_by), "ablation on 2023-08-01");
}

TEST(CourseEnd, ImagingAfterTheCourseEndIsNoResponseAssessment) {
  // Scores (ART, the response after the last TACE) read the assessment on the record directly.
  PatientRecord r;
  r.tace = procedures({0});
  r.imaging = {study(kP1.plus_days(40), 1, 2.0)};
  r.procedures = {{kP1.plus_days(40), CourseEndingKind::Resection}};  // the same day: still before it
  EXPECT_EQ(response_assessment_study(r, 0), 0u);
  r.procedures = {{kP1.plus_days(39), CourseEndingKind::Resection}};
  EXPECT_FALSE(response_assessment_study(r, 0).has_value());
  r.procedures = {{kP1.plus_days(-10), CourseEndingKind::Ablation}};  // before the session: no effect
  EXPECT_EQ(response_assessment_study(r, 0), 0u);
}

TEST(CourseEnd, NoProcedureMeansOneOpenCourse) {
  PatientRecord r;
  r.tace = {session(day("2023-01-10")), session(day("2023-05-10"))};
  const TaceCourse c = described_tace_course(r);
  EXPECT_EQ(c.sessions.size(), 2u);
  EXPECT_FALSE(c.started_after.has_value());
  EXPECT_FALSE(c.ended_by.has_value());
  r.procedures = {{day("2022-12-01"), CourseEndingKind::Resection}};  // before every session
  EXPECT_EQ(described_tace_course(r).sessions.size(), 2u);
  EXPECT_TRUE(described_tace_course(r).started_after.has_value());
}

TEST(RecordCut, AsOfDropsLaterProceduresAndLaterStagedDates) {
  PatientRecord r;
  r.tace = merge_tace_procedures(procedures({0, 3}), {});
  r.procedures = {{kP1.plus_days(30), CourseEndingKind::Resection}};
  const PatientRecord cut = r.as_of(kP1.plus_days(1));
  ASSERT_EQ(cut.tace.size(), 1u);
  EXPECT_EQ(procedure_dates(cut.tace[0]), std::vector<Date>{kP1});
  EXPECT_TRUE(cut.procedures.empty());
  EXPECT_EQ(r.entries_after(kP1.plus_days(29)), 1u);
  EXPECT_EQ(r.latest_entry_date(), kP1.plus_days(30));
  EXPECT_EQ(r.earliest_entry_date(), kP1);
}

}  // namespace
}  // namespace switchpoint
