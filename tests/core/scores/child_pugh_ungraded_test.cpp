// Child-Pugh with ascites or hepatic encephalopathy recorded as present but not graded (issue 14):
// never a guessed grade. Pugh 1973 (CLINICAL_RULES.md §2): ascites none 1 / slight 2 /
// moderate-severe 3 points; encephalopathy none 1 / grade 1-2 2 / grade 3-4 3 points; classes
// A 5-6, B 7-9, C 10-15.
#include <gtest/gtest.h>

#include "core/scores/child_pugh.h"
#include "core/timeline.h"
#include "test_records.h"

namespace switchpoint {
namespace {

using test_records::add_child_pugh;
using test_records::day;
using test_records::names_missing;

bool any_contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x.find(s) != std::string::npos) return true;
  return false;
}

// Labs giving 3 points (bilirubin, albumin, INR 1 each) and encephalopathy none (1 point);
// ascites present but not graded: 4 + 2 = 6 (A) or 4 + 3 = 7 (B).
TEST(ChildPughUngraded, AscitesPresentUngradedIsNotComputedWithTheRangeAcrossAClassBoundary) {
  PatientRecord r;
  add_child_pugh(r, day("2024-03-01"), 5);
  r.clinical.back().ascites.reset();
  r.clinical.back().ascites_present_ungraded = true;
  const auto cp = child_pugh(r, day("2024-03-01"));
  EXPECT_FALSE(cp.value.has_value());
  EXPECT_FALSE(cp.report.computed);
  EXPECT_TRUE(cp.report.fields.empty());
  EXPECT_TRUE(names_missing(cp.report.missing, "ascites grade"));
  EXPECT_NE(cp.report.summary.find("ascites present on 2024-03-01 but its grade (slight or moderate-severe) is not "
                                   "recorded"),
            std::string::npos)
      << cp.report.summary;
  EXPECT_NE(cp.report.summary.find("6–7 points, class A or B"), std::string::npos) << cp.report.summary;
  EXPECT_TRUE(any_contains(cp.report.notes, "record the grade"));
  EXPECT_FALSE(child_pugh_value(r, day("2024-03-01")).has_value());
}

// Albumin 2, bilirubin 2, INR 2 (8 with the rest 1 point each, ascites counted as 1 here):
// the ungraded ascites gives 7 + 2 = 9 (B) or 7 + 3 = 10 (C).
TEST(ChildPughUngraded, TheRangeNamesBothClassesOnTheBCBoundary) {
  PatientRecord r;
  add_child_pugh(r, day("2024-03-01"), 8);
  ASSERT_EQ(r.clinical.back().ascites, Ascites::None);
  r.clinical.back().ascites.reset();
  r.clinical.back().ascites_present_ungraded = true;
  const auto cp = child_pugh(r, day("2024-03-01"));
  EXPECT_FALSE(cp.report.computed);
  EXPECT_NE(cp.report.summary.find("9–10 points, class B or C"), std::string::npos) << cp.report.summary;
}

TEST(ChildPughUngraded, BothUngradedAddTheirRanges) {
  PatientRecord r;
  add_child_pugh(r, day("2024-03-01"), 5);  // labs 3 points
  r.clinical.back().ascites.reset();
  r.clinical.back().encephalopathy.reset();
  r.clinical.back().ascites_present_ungraded = true;
  r.clinical.back().encephalopathy_present_ungraded = true;
  const auto cp = child_pugh(r, day("2024-03-01"));
  EXPECT_FALSE(cp.report.computed);
  EXPECT_NE(cp.report.summary.find("hepatic encephalopathy present on 2024-03-01 but its grade (1-2 or 3-4)"),
            std::string::npos)
      << cp.report.summary;
  EXPECT_NE(cp.report.summary.find("7–9 points, class B)"), std::string::npos) << cp.report.summary;
  EXPECT_TRUE(names_missing(cp.report.missing, "encephalopathy grade"));
}

TEST(ChildPughUngraded, NoRangeWhenAnotherInputIsMissing) {
  PatientRecord r;
  add_child_pugh(r, day("2024-03-01"), 5);
  r.labs.albumin_g_per_l.clear();
  r.clinical.back().ascites.reset();
  r.clinical.back().ascites_present_ungraded = true;
  const auto cp = child_pugh(r, day("2024-03-01"));
  EXPECT_FALSE(cp.report.computed);
  EXPECT_TRUE(names_missing(cp.report.missing, "albumin"));
  EXPECT_NE(cp.report.summary.find("is not recorded"), std::string::npos) << cp.report.summary;
  EXPECT_EQ(cp.report.summary.find("points"), std::string::npos) << cp.report.summary;
}

// An earlier grade never stands for a later "present, not graded" finding; a later grade
// replaces an earlier ungraded finding.
TEST(ChildPughUngraded, AnEarlierGradeIsNotUsedForALaterUngradedFinding) {
  PatientRecord r;
  add_child_pugh(r, day("2024-03-01"), 5);  // ascites none on 03-01
  ClinicalAssessment later;
  later.date = day("2024-03-10");
  later.ascites_present_ungraded = true;
  r.clinical.push_back(later);
  EXPECT_EQ(latest_ascites(r, day("2024-03-10")), nullptr);
  EXPECT_FALSE(child_pugh(r, day("2024-03-10")).report.computed);
  // On 03-05 the ungraded finding is not yet recorded: the grade of 03-01 holds.
  EXPECT_TRUE(child_pugh(r, day("2024-03-05")).report.computed);

  ClinicalAssessment graded;
  graded.date = day("2024-03-12");
  graded.ascites = Ascites::Slight;
  r.clinical.push_back(graded);
  const auto cp = child_pugh(r, day("2024-03-12"));
  ASSERT_TRUE(cp.value.has_value());
  EXPECT_EQ(cp.value->points, 6);
}

// The HCC diagnosis date (issue 14) is known on the as-of date only when it is not later.
TEST(RecordAsOf, TheDiagnosisDateAfterTheCutIsNotKnownThen) {
  PatientRecord r;
  r.hcc_diagnosis = day("2024-02-01");
  EXPECT_EQ(r.as_of(day("2024-02-01")).hcc_diagnosis, day("2024-02-01"));
  EXPECT_FALSE(r.as_of(day("2024-01-31")).hcc_diagnosis.has_value());
}

}  // namespace
}  // namespace switchpoint
