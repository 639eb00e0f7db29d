// Issue 16: the engine computes repeated questions once per evaluation (Child-Pugh on a date, a
// study's mRECIST response, untreatable progression, a rule by id, the course record). These
// tests pin that the answers are the ones computed afresh, that another record or another id is
// never answered from what was kept for the first, and that nothing is kept after the scope.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "core/engine.h"
#include "core/knowledge/catalogue.h"
#include "core/refractoriness/patterns.h"
#include "core/response/assessment.h"
#include "core/response/mrecist_once.h"
#include "core/scores/child_pugh_once.h"
#include "scores/test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(RuleLookup, AnIdAtAnAddressSeenBeforeIsLookedUpByItsText) {
  char id[32] = "child-pugh";
  EXPECT_EQ(rule(std::string_view(id)).id, "child-pugh");
  std::strcpy(id, "albi");  // same address, another id
  EXPECT_EQ(rule(std::string_view(id)).id, "albi");
  std::strcpy(id, "malbi");
  EXPECT_EQ(rule(std::string_view(id)).id, "malbi");
  std::strcpy(id, "child-pugh");
  EXPECT_EQ(rule(std::string_view(id)).id, "child-pugh");
}

TEST(RuleLookup, AnUnknownIdAtAnAddressSeenBeforeIsStillUnknown) {
  char id[32] = "albi";
  EXPECT_EQ(rule(std::string_view(id)).id, "albi");
  std::strcpy(id, "albi-x");
  EXPECT_THROW(rule(std::string_view(id)), std::logic_error);
  std::strcpy(id, "alb");  // a prefix of a known id is not that id
  EXPECT_THROW(rule(std::string_view(id)), std::logic_error);
}

TEST(ChildPughOnce, AnswersAsComputedAfreshForEachRecordAndDate) {
  PatientRecord a, b;
  add_child_pugh(a, day("2024-03-01"), 5);
  add_child_pugh(b, day("2024-03-01"), 8);
  const ChildPughResult fresh_a = child_pugh(a, day("2024-03-01"));
  const ChildPughResult fresh_b = child_pugh(b, day("2024-03-01"));
  ASSERT_TRUE(fresh_a.value && fresh_b.value);
  {
    const ChildPughOnce once(a);
    for (int i = 0; i < 2; ++i) {
      const ChildPughResult got = child_pugh(a, day("2024-03-01"));
      ASSERT_TRUE(got.value);
      EXPECT_EQ(got.value->points, 5);
      EXPECT_EQ(got.report.summary, fresh_a.report.summary);
      EXPECT_EQ(got.report.used.size(), fresh_a.report.used.size());
    }
    // Another record under the same scope: its own inputs (8 points), not a's.
    const ChildPughResult other = child_pugh(b, day("2024-03-01"));
    ASSERT_TRUE(other.value);
    EXPECT_EQ(other.value->points, 8);
    EXPECT_EQ(other.report.summary, fresh_b.report.summary);
    // Another date of the same record: 31 days later the labs are outside their 30-day window.
    const ChildPughResult later = child_pugh(a, day("2024-04-01"));
    EXPECT_FALSE(later.value);
    EXPECT_FALSE(later.report.missing.empty());
    // The day before: at the window's edge (30 days) the inputs are current.
    EXPECT_TRUE(child_pugh(a, day("2024-03-31")).value);
  }
  // Nothing is kept after the scope: a record changed since is computed from its new inputs.
  a = PatientRecord{};
  add_child_pugh(a, day("2024-03-01"), 9);
  const ChildPughResult after = child_pugh(a, day("2024-03-01"));
  ASSERT_TRUE(after.value);
  EXPECT_EQ(after.value->points, 9);
}

TEST(ChildPughOnce, ANestedScopeForTheSameRecordKeepsTheOuterAnswers) {
  PatientRecord a;
  add_child_pugh(a, day("2024-03-01"), 7);
  const ChildPughOnce outer(a);
  EXPECT_EQ(ChildPughOnce::of(a), &outer);
  {
    const ChildPughOnce inner(a);  // inert: the outer one answers
    EXPECT_EQ(ChildPughOnce::of(a), &outer);
    EXPECT_EQ(child_pugh(a, day("2024-03-01")).value->points, 7);
  }
  EXPECT_EQ(ChildPughOnce::of(a), &outer);
  EXPECT_NE(outer.find(day("2024-03-01")), nullptr);
  EXPECT_EQ(outer.find(day("2024-03-02")), nullptr);
}

// Baseline CT, S1, then a CT with measured targets: the response is computed from them.
PatientRecord responding(double later_cm) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10"))};
  ImagingStudy base = study(day("2024-01-05"), 1, 4.0);
  base.target_lesions = targets({{"a", 4.0}});
  base.nontarget = NonTargetStatus::Absent;
  base.new_lesions = 0;
  ImagingStudy after = study(day("2024-02-20"), 1, later_cm);
  after.target_lesions = targets({{"a", later_cm}});
  after.nontarget = NonTargetStatus::Absent;
  after.new_lesions = 0;
  r.imaging = {base, after};
  return r;
}

TEST(MrecistOnce, AnswersAsJudgedAfreshForEachRecordAndStudy) {
  const PatientRecord shrinking = responding(1.0), growing = responding(6.0);
  const StudyResponse fresh_s = mrecist_response(shrinking, 1);
  const StudyResponse fresh_g = mrecist_response(growing, 1);
  ASSERT_TRUE(fresh_s.computed && fresh_g.computed);
  ASSERT_NE(*fresh_s.computed, *fresh_g.computed);  // PR (−75%) and PD (+50%)
  const MrecistOnce once(shrinking);
  for (int i = 0; i < 2; ++i) {
    const StudyResponse got = mrecist_response(shrinking, 1);
    EXPECT_EQ(got.computed, fresh_s.computed);
    EXPECT_EQ(got.basis, fresh_s.basis);
  }
  EXPECT_EQ(mrecist_response(growing, 1).computed, fresh_g.computed);
  EXPECT_EQ(mrecist_response(growing, 1).basis, fresh_g.basis);
  EXPECT_EQ(mrecist_response(shrinking, 0).basis, mrecist_response(responding(1.0), 0).basis);
}

// S1, a CT showing new portal vein branch invasion 40 days later (absent at baseline).
PatientRecord invaded(VascularInvasion later) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10"))};
  ImagingStudy base = study(day("2024-01-05"), 2, 4.0);
  base.vascular_invasion = VascularInvasion::Absent;
  base.extrahepatic_spread = false;
  ImagingStudy after = study(day("2024-02-20"), 2, 4.0);
  after.vascular_invasion = later;
  after.extrahepatic_spread = false;
  r.imaging = {base, after};
  return r;
}

TEST(UntreatableProgressionOnce, EachDefinitionCitesItsOwnRuleOverOneJudgement) {
  const PatientRecord r = invaded(VascularInvasion::Branch);
  const TaceHistory h = build_tace_history(r, day("2024-02-20"));
  const CriterionResult fresh = untreatable_progression(r, h, "bclc-2022/untreatable-progression");
  ASSERT_EQ(fresh.state, CriterionState::Met);
  const UntreatableProgressionOnce once(r, h);
  for (const char* id : {"galle-2017/untreatable-progression", "easl-2018/untreatable-progression",
                         "bclc-2022/untreatable-progression"}) {
    const CriterionResult got = untreatable_progression(r, h, id);
    ASSERT_NE(got.rule, nullptr);
    EXPECT_EQ(got.rule->id, id);
    EXPECT_EQ(got.id, fresh.id);
    EXPECT_EQ(got.state, fresh.state);
    EXPECT_EQ(got.on, fresh.on);
    EXPECT_EQ(got.evidence, fresh.evidence);
    EXPECT_EQ(got.missing, fresh.missing);
  }
  // Another record and history under the same scope: judged on their own (no invasion: not met).
  const PatientRecord clear = invaded(VascularInvasion::Absent);
  const TaceHistory hc = build_tace_history(clear, day("2024-02-20"));
  EXPECT_NE(untreatable_progression(clear, hc, "bclc-2022/untreatable-progression").state, CriterionState::Met);
}

TEST(CourseRecord, TheRecordItselfWhenNothingChangesElseTheCourseRecord) {
  PatientRecord r = invaded(VascularInvasion::Absent);
  std::optional<PatientRecord> storage;
  EXPECT_EQ(&course_record(r, storage), &r);
  EXPECT_FALSE(storage);
  // Ended by a resection: the record cut at its date, as course_record(r) gives.
  r.procedures = {{day("2024-02-01"), CourseEndingKind::Resection}};
  const PatientRecord& ended = course_record(r, storage);
  ASSERT_NE(&ended, &r);
  EXPECT_EQ(ended.imaging.size(), course_record(r).imaging.size());
  EXPECT_EQ(ended.imaging.size(), 1u);  // the CT of 2024-02-20 is after the resection
  // Two procedures 7 days apart with no imaging between: one staged session, not the record's two.
  PatientRecord staged = invaded(VascularInvasion::Absent);
  staged.tace.push_back(session(day("2024-01-17")));
  std::optional<PatientRecord> kept;
  const PatientRecord& merged = course_record(staged, kept);
  ASSERT_NE(&merged, &staged);
  EXPECT_EQ(merged.tace.size(), 1u);
  EXPECT_EQ(merged.tace.size(), course_record(staged).tace.size());
}

TEST(EngineOnce, EvaluatingTwiceGivesTheSameDecisionText) {
  // The scopes of one evaluation end with it: a second evaluation of another record is not
  // answered from the first one's answers.
  PatientRecord a = invaded(VascularInvasion::Branch), b = invaded(VascularInvasion::Absent);
  add_child_pugh(a, day("2024-02-20"), 5);
  add_child_pugh(b, day("2024-02-20"), 9);
  const Decision da = evaluate(a, day("2024-02-20"));
  const Decision db = evaluate(b, day("2024-02-20"));
  ASSERT_TRUE(da.scores.child_pugh && db.scores.child_pugh);
  EXPECT_EQ(da.scores.child_pugh->points, 5);
  EXPECT_EQ(db.scores.child_pugh->points, 9);
  EXPECT_EQ(evaluate(a, day("2024-02-20")).scores.report(ScoreKey::ChildPugh).summary,
            da.scores.report(ScoreKey::ChildPugh).summary);
}

}  // namespace
}  // namespace switchpoint
