// ART score (Sieghart 2013), CLINICAL_RULES.md §2: each component on both sides of its
// threshold, the interpretation bands, "before the first TACE", and every missing-input path.
#include "core/scores/art.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(Art, AstRiseAbove25Percent) {
  EXPECT_EQ(art_ast_points(40, 50), 0.0);     // exactly +25%: not "> 25%"
  EXPECT_EQ(art_ast_points(40, 50.04), 4.0);  // +25.1%
  EXPECT_EQ(art_ast_points(100, 125), 0.0);
  EXPECT_EQ(art_ast_points(100, 125.1), 4.0);
  EXPECT_EQ(art_ast_points(100, 60), 0.0);  // a fall scores nothing
}

TEST(Art, ChildPughRisePoints) {
  EXPECT_EQ(art_child_pugh_points(-1), 0.0);
  EXPECT_EQ(art_child_pugh_points(0), 0.0);
  EXPECT_EQ(art_child_pugh_points(1), 1.5);
  EXPECT_EQ(art_child_pugh_points(2), 3.0);
  EXPECT_EQ(art_child_pugh_points(4), 3.0);
}

TEST(Art, NoRadiologicalResponsePoint) {
  EXPECT_EQ(art_response_points(MrecistCategory::CR), 0.0);
  EXPECT_EQ(art_response_points(MrecistCategory::PR), 0.0);
  EXPECT_EQ(art_response_points(MrecistCategory::SD), 1.0);
  EXPECT_EQ(art_response_points(MrecistCategory::PD), 1.0);
}

TEST(Art, InterpretationBands) {
  EXPECT_EQ(art_group(0.0), ArtGroup::FavoursRetreatment);
  EXPECT_EQ(art_group(1.5), ArtGroup::FavoursRetreatment);
  EXPECT_EQ(art_group(2.0), ArtGroup::BetweenGroups);  // neither 0–1.5 nor ≥ 2.5
  EXPECT_EQ(art_group(2.5), ArtGroup::PoorPrognosis);
  EXPECT_EQ(art_group(8.0), ArtGroup::PoorPrognosis);
  EXPECT_EQ(to_string(ArtGroup::BetweenGroups), "between-groups");
}

// Baseline 2024-01-08, TACE 2024-01-10, response assessment 2024-03-01, labs 2024-03-04.
PatientRecord course(int cp_before, int cp_after, double ast_before, double ast_after,
                     std::optional<MrecistCategory> response) {
  PatientRecord r;
  r.patient_id = "t";
  const Date base = day("2024-01-08"), after = day("2024-03-04");
  add_child_pugh(r, base, cp_before, 0);
  add_child_pugh(r, after, cp_after, 0);
  r.labs.ast_u_per_l = {lab(base, ast_before), lab(after, ast_after)};
  r.tace.push_back(session(day("2024-01-10")));
  r.imaging.push_back(study(day("2024-01-05"), 2, 4.0));
  ImagingStudy a = study(day("2024-03-01"), 2, 3.0);
  a.mrecist_recorded = response;
  r.imaging.push_back(a);
  return r;
}

const Date kAt = day("2024-03-05");

TEST(Art, FromRecordAllComponents) {
  // AST +25.1% (4) + Child-Pugh 5 → 6 (1.5) + SD (1) = 6.5: poor prognosis.
  const auto res = art(course(5, 6, 40, 50.04, MrecistCategory::SD), kAt);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->points, 6.5);
  EXPECT_EQ(res.value->group, ArtGroup::PoorPrognosis);
  EXPECT_EQ(res.group, ArtGroup::PoorPrognosis);
  EXPECT_EQ(res.report.key, "art");
  const auto* p = std::get_if<Number>(res.report.field("points"));
  ASSERT_NE(p, nullptr);
  EXPECT_DOUBLE_EQ(p->value, 6.5);
  EXPECT_EQ(p->decimals, 1);
  EXPECT_EQ(std::get<std::string>(*res.report.field("interpretation")), "poor-prognosis");
}

TEST(Art, FavoursRetreatment) {
  // AST exactly +25% (0), no Child-Pugh rise (0), PR (0) = 0.
  auto res = art(course(5, 5, 40, 50, MrecistCategory::PR), kAt);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->points, 0.0);
  EXPECT_EQ(res.value->group, ArtGroup::FavoursRetreatment);
  // Child-Pugh +1 (1.5) with CR: 1.5, still favours retreatment.
  res = art(course(5, 6, 40, 40, MrecistCategory::CR), kAt);
  EXPECT_DOUBLE_EQ(res.value->points, 1.5);
  EXPECT_EQ(res.value->group, ArtGroup::FavoursRetreatment);
  // Child-Pugh +1 (1.5) with SD (1): 2.5, poor prognosis.
  res = art(course(5, 6, 40, 40, MrecistCategory::SD), kAt);
  EXPECT_DOUBLE_EQ(res.value->points, 2.5);
  EXPECT_EQ(res.value->group, ArtGroup::PoorPrognosis);
  // Child-Pugh +2 (3) alone.
  res = art(course(5, 7, 40, 40, MrecistCategory::PR), kAt);
  EXPECT_DOUBLE_EQ(res.value->points, 3.0);
}

TEST(Art, NotApplicableBeforeTheFirstTace) {
  const auto before = art(course(5, 5, 40, 40, MrecistCategory::PR), day("2024-01-09"));
  EXPECT_FALSE(before.report.applicable);
  EXPECT_NE(before.report.summary.find("before the first TACE"), std::string::npos);
  // On the day of the first session, that session is the one being decided on.
  EXPECT_FALSE(art(course(5, 5, 40, 40, MrecistCategory::PR), day("2024-01-10")).report.applicable);
}

TEST(Art, MissingResponseAssessmentIsNamed) {
  PatientRecord r = course(5, 5, 40, 40, std::nullopt);
  r.imaging.pop_back();
  const auto res = art(r, kAt);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(res.report.fields.empty());
  EXPECT_TRUE(names_missing(res.report.missing, "mrecist response after the last TACE"));
  // Known 0 points, the missing response adds at most 1: favours retreatment whatever it is.
  EXPECT_EQ(res.group, ArtGroup::FavoursRetreatment);
}

TEST(Art, AssessmentWithoutACategoryIsNamed) {
  // Imaging after the session with no mRECIST data and no baseline targets.
  const auto res = art(course(5, 5, 40, 40, std::nullopt), kAt);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "mrecist response after the last TACE (imaging of 2024-03-01"));
}

TEST(Art, KnownPointsAtLeast2Point5FixThePoorGroupDespiteAMissingComponent) {
  PatientRecord r = course(5, 5, 40, 60, std::nullopt);  // AST +50%: 4
  r.imaging.pop_back();
  const auto res = art(r, kAt);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.computed);
  EXPECT_EQ(res.group, ArtGroup::PoorPrognosis);
  ASSERT_FALSE(res.report.notes.empty());
}

TEST(Art, UndecidedGroupWhenMissingComponentsCouldChangeIt) {
  PatientRecord r = course(5, 6, 40, 40, std::nullopt);  // 1.5 known, response missing (+1)
  r.imaging.pop_back();
  EXPECT_FALSE(art(r, kAt).group.has_value());
}

TEST(Art, MissingAstBeforeTheFirstTaceIsNamed) {
  PatientRecord r = course(5, 5, 40, 40, MrecistCategory::PR);
  r.labs.ast_u_per_l.erase(r.labs.ast_u_per_l.begin());
  const auto res = art(r, kAt);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "ast before the first TACE"));
  EXPECT_FALSE(res.group.has_value());  // 0 known, AST could add 4
}

TEST(Art, PreSessionAstIsNotTheCurrentValue) {
  // At 2024-01-20 the latest AST (2024-01-08) is within 30 days but predates the session.
  PatientRecord r = course(5, 5, 40, 40, MrecistCategory::PR);
  const auto res = art(r, day("2024-01-20"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "ast after the first TACE"));
  EXPECT_TRUE(names_missing(res.report.missing, "child_pugh after the first TACE"));
}

TEST(Art, ChildPughWithAPreSessionComponentIsMissingNotUnchanged) {
  // TACE 2024-01-10. Labs after it (2024-01-20), but ascites and encephalopathy assessed only on
  // 2024-01-09: at 2024-01-25 that assessment is within 30 days yet predates the session, so the
  // "now" Child-Pugh would partly be the baseline — missing, not "no rise".
  PatientRecord r;
  const Date base = day("2024-01-08");
  add_child_pugh(r, base, 5, 0);
  r.clinical.front().date = day("2024-01-09");
  r.labs.bilirubin_umol_per_l.push_back(lab(day("2024-01-20"), 15));
  r.labs.albumin_g_per_l.push_back(lab(day("2024-01-20"), 40));
  r.labs.inr.push_back(lab(day("2024-01-20"), 1.1));
  r.tace.push_back(session(day("2024-01-10")));
  const auto res = art(r, day("2024-01-25"));
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "child_pugh after the first TACE (the latest ascites of 2024-01-09"));
}

TEST(Art, MissingChildPughBeforeTheFirstTaceNamesItsInputs) {
  PatientRecord r = course(5, 5, 40, 40, MrecistCategory::PR);
  r.labs.albumin_g_per_l.erase(r.labs.albumin_g_per_l.begin());
  const auto res = art(r, kAt);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_TRUE(names_missing(res.report.missing, "child_pugh before the first TACE of 2024-01-10 (missing albumin)"));
}

TEST(Art, ResponseIsTakenAfterTheLastSession) {
  // Second session 2024-03-05; its assessment 2024-04-20 shows PR. At 2024-04-25 the response
  // used is that PR (after the last session), not the SD after the first.
  PatientRecord r = course(5, 5, 40, 40, MrecistCategory::SD);
  r.tace.push_back(session(day("2024-03-05")));
  ImagingStudy s = study(day("2024-04-20"), 3, 3.0);
  s.mrecist_recorded = MrecistCategory::PR;
  r.imaging.push_back(s);
  r.labs.ast_u_per_l.push_back(lab(day("2024-04-20"), 40));
  add_child_pugh(r, day("2024-04-20"), 5, 0);
  const auto res = art(r, day("2024-04-25"));
  ASSERT_TRUE(res.value.has_value());
  EXPECT_DOUBLE_EQ(res.value->points, 0.0);  // PR after the last session
}

}  // namespace
}  // namespace switchpoint
