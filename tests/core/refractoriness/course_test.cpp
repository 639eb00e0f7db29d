// CLINICAL_RULES.md §5 "Common terms" through the whole engine: a resection, ablation or
// transplantation ends the TACE course (P-course-end), staged procedures are one session
// (P-session-merge) and the baseline may be up to 183 days old (P-baseline-window).
#include <gtest/gtest.h>

#include <algorithm>

#include "../scores/test_records.h"
#include "core/engine.h"

namespace switchpoint {
namespace {

using namespace test_records;

ImagingStudy ct(const char* date, VascularInvasion vi, std::optional<MrecistCategory> mrecist = std::nullopt) {
  ImagingStudy s = study(day(date), 2, 4.0);
  s.vascular_invasion = vi;
  s.extrahepatic_spread = false;
  s.mrecist_recorded = mrecist;
  return s;
}

const DefinitionResult& definition(const Decision& d, const char* id) {
  for (const auto& x : d.refractoriness)
    if (x.id == id) return x;
  throw std::logic_error(id);
}

const CriterionResult& criterion(const Decision& d, const char* def, const char* id) {
  for (const auto& c : definition(d, def).criteria)
    if (c.id == id) return c;
  throw std::logic_error(id);
}

bool has_note_containing(const std::vector<std::string>& notes, const std::string& text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// Baseline 2024-01-05, S1 2024-01-10, assessment 2024-02-20 (SD, no invasion), then invasion on
// 2024-04-20 (101 days after S1: not an assessment, but a study after S1).
PatientRecord one_course() {
  PatientRecord r;
  r.patient_id = "course";
  r.tace = {session(day("2024-01-10"))};
  r.imaging = {ct("2024-01-05", VascularInvasion::Absent),
               ct("2024-02-20", VascularInvasion::Absent, MrecistCategory::SD),
               ct("2024-04-20", VascularInvasion::Branch, MrecistCategory::PD)};
  return r;
}

TEST(CourseEnd, WithoutAProcedureLaterInvasionIsNewInvasion) {
  const Decision d = evaluate(one_course(), day("2024-04-20"));
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::Met);
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").on, day("2024-04-20"));
}

TEST(CourseEnd, FindingsAfterAResectionAreNotFailureOfTheCourseBeforeIt) {
  PatientRecord r = one_course();
  r.procedures = {{day("2024-03-01"), CourseEndingKind::Resection}};
  const Decision d = evaluate(r, day("2024-04-20"));
  ASSERT_EQ(d.history.sessions.size(), 1u);
  ASSERT_TRUE(d.history.course_ended_by.has_value());
  EXPECT_EQ(d.history.as_of, day("2024-03-01"));
  const CriterionResult& vi = criterion(d, "aasld-2018", "new-macrovascular-invasion");
  EXPECT_EQ(vi.state, CriterionState::NotMet);  // the latest study up to the resection: absent
  EXPECT_NE(definition(d, "aasld-2018").status, RefractorinessStatus::Refractory);
  EXPECT_NE(definition(d, "jsh-lcsgj-2014").status, RefractorinessStatus::Refractory);
  EXPECT_TRUE(has_note_containing(definition(d, "raoul-2011").notes, "TACE course ended by resection on 2024-03-01"));
}

TEST(CourseEnd, TheProcedureDayStillBelongsToTheCourse) {
  // Imaging on the day of the ablation is taken as done before it: still a finding of the course.
  PatientRecord r = one_course();
  r.procedures = {{day("2024-04-20"), CourseEndingKind::Ablation}};
  Decision d = evaluate(r, day("2024-04-20"));
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::Met);
  r.procedures = {{day("2024-04-19"), CourseEndingKind::Ablation}};
  d = evaluate(r, day("2024-04-20"));
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::NotMet);
}

TEST(CourseEnd, TaceOnTheDayOfAnAblationBelongsToTheEndedCourse) {
  PatientRecord r = one_course();
  r.tace.push_back(session(day("2024-03-01")));
  r.procedures = {{day("2024-03-01"), CourseEndingKind::Ablation}};
  const Decision d = evaluate(r, day("2024-04-20"));
  EXPECT_EQ(d.history.sessions.size(), 2u);
  ASSERT_TRUE(d.history.course_ended_by.has_value());
  EXPECT_EQ(d.history.course_ended_by->kind, CourseEndingKind::Ablation);
  // S2's window closed with the course: no study in it → missing, never pending.
  EXPECT_EQ(d.history.sessions[1].state, AssessmentState::Missing);
}

TEST(CourseEnd, SessionsAfterAResectionStartANewCourse) {
  PatientRecord r;
  r.tace = {session(day("2023-06-01")), session(day("2024-01-10"))};
  r.procedures = {{day("2023-09-01"), CourseEndingKind::LiverTransplantation}};
  r.imaging = {ct("2023-05-20", VascularInvasion::Absent), ct("2023-12-01", VascularInvasion::Branch),
               ct("2024-02-20", VascularInvasion::Branch, MrecistCategory::SD)};
  const Decision d = evaluate(r, day("2024-02-20"));
  ASSERT_EQ(d.history.sessions.size(), 1u);
  EXPECT_EQ(d.history.sessions[0].session_date, day("2024-01-10"));
  ASSERT_TRUE(d.history.course_started_after.has_value());
  EXPECT_FALSE(d.history.course_ended_by.has_value());
  EXPECT_EQ(d.history.baseline_study, 1u);  // the study after the transplantation, not the one before
  // Present at the new course's baseline: not new.
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::NotMet);
  EXPECT_TRUE(has_note_containing(definition(d, "raoul-2011").notes,
                                  "TACE course started after liver-transplantation on 2023-09-01"));
}

TEST(CourseEnd, ImagingBeforeTheProcedureIsNeverTheNewCourseBaseline) {
  PatientRecord r;
  r.tace = {session(day("2023-06-01")), session(day("2024-01-10"))};
  r.procedures = {{day("2023-12-01"), CourseEndingKind::Resection}};
  r.imaging = {ct("2023-11-30", VascularInvasion::Absent), ct("2024-02-20", VascularInvasion::Branch)};
  const Decision d = evaluate(r, day("2024-02-20"));
  EXPECT_FALSE(d.history.baseline_study.has_value());
  EXPECT_EQ(criterion(d, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::NotJudgeable);
  // Imaging on the day after the resection is a baseline.
  r.imaging.insert(r.imaging.begin() + 1, ct("2023-12-02", VascularInvasion::Absent));
  const Decision d2 = evaluate(r, day("2024-02-20"));
  EXPECT_EQ(d2.history.baseline_study, 1u);
  EXPECT_EQ(criterion(d2, "aasld-2018", "new-macrovascular-invasion").state, CriterionState::Met);
}

TEST(BaselineWindowEngine, A101DayOldBaselineJudgesNewInvasionAndIsFlagged) {
  // The example: a baseline CT 101 days before S1 made new vascular invasion not judgeable.
  PatientRecord r;
  r.tace = {session(day("2024-04-11"))};  // 2024-01-01 + 101 days
  r.imaging = {ct("2024-01-01", VascularInvasion::Absent), ct("2024-05-21", VascularInvasion::Branch)};
  const Decision d = evaluate(r, day("2024-05-21"));
  const CriterionResult& c = criterion(d, "jsh-lcsgj-2014", "3");
  EXPECT_EQ(c.state, CriterionState::Met);
  EXPECT_TRUE(has_note_containing(c.notes, "101 days before S1"));
  EXPECT_TRUE(d.history.baseline_outside_window);
  // 184 days: no baseline → not judgeable.
  r.tace = {session(day("2024-01-01").plus_days(184))};
  r.imaging[1].date = day("2024-01-01").plus_days(224);
  const Decision old = evaluate(r, r.imaging[1].date);
  EXPECT_EQ(criterion(old, "jsh-lcsgj-2014", "3").state, CriterionState::NotJudgeable);
}

TEST(SessionMergeEngine, StagedProceduresAreOneSessionAndReplayTrimsTheLaterProcedure) {
  PatientRecord r;
  r.tace = {session(day("2024-03-01")), session(day("2024-03-04"))};
  r.imaging = {ct("2024-02-20", VascularInvasion::Absent)};
  const Decision d = evaluate(r, day("2024-03-10"));
  ASSERT_EQ(d.history.sessions.size(), 1u);
  EXPECT_EQ(d.history.sessions[0].procedure_dates.size(), 2u);
  EXPECT_EQ(d.history.session_label(0), "S1 (2024-03-01, staged: 2024-03-01 + 2024-03-04)");
  // The evidence names the staged session with its procedures (CT 2024-04-12 is S1's assessment: SD).
  r.imaging.push_back(ct("2024-04-12", VascularInvasion::Absent, MrecistCategory::SD));
  const Decision later = evaluate(r, day("2024-04-12"));
  const auto& ev = criterion(later, "aasld-2018", "pd").evidence;
  EXPECT_TRUE(std::any_of(ev.begin(), ev.end(), [](const std::string& e) {
    return e.find("S1 (2024-03-01, staged: 2024-03-01 + 2024-03-04) → imaging 2024-04-12") != std::string::npos;
  })) << (ev.empty() ? "" : ev[0]);
  r.imaging.pop_back();
  const Decision before = evaluate(r, day("2024-03-02"));
  ASSERT_EQ(before.history.sessions.size(), 1u);
  EXPECT_EQ(before.history.sessions[0].procedure_dates, std::vector<Date>{day("2024-03-01")});
}

}  // namespace
}  // namespace switchpoint
