// Child-Pugh thresholds from CLINICAL_RULES.md §2 (Pugh 1973), each pinned on both sides.
#include "core/scores/child_pugh.h"

#include <gtest/gtest.h>

#include "core/units.h"

namespace switchpoint {
namespace {

double mgdl_bilirubin(double mgdl) { return *to_canonical(Quantity::Bilirubin, mgdl, "mg/dL").canonical; }
double gdl_albumin(double gdl) { return *to_canonical(Quantity::Albumin, gdl, "g/dL").canonical; }

TEST(ChildPugh, BilirubinBoundariesInMgPerDl) {
  EXPECT_EQ(child_pugh_bilirubin_points(mgdl_bilirubin(1.99)), 1);
  EXPECT_EQ(child_pugh_bilirubin_points(mgdl_bilirubin(2.0)), 2);
  EXPECT_EQ(child_pugh_bilirubin_points(mgdl_bilirubin(3.0)), 2);  // 51.300000000000004 µmol/L
  EXPECT_EQ(child_pugh_bilirubin_points(mgdl_bilirubin(3.01)), 3);
}

TEST(ChildPugh, BilirubinBoundariesInMicromolPerL) {
  EXPECT_EQ(child_pugh_bilirubin_points(34.1), 1);
  EXPECT_EQ(child_pugh_bilirubin_points(34.2), 2);
  EXPECT_EQ(child_pugh_bilirubin_points(51.3), 2);
  EXPECT_EQ(child_pugh_bilirubin_points(51.4), 3);
  // The rounded 34/51 of some tables are not the cut-offs.
  EXPECT_EQ(child_pugh_bilirubin_points(34.0), 1);
  EXPECT_EQ(child_pugh_bilirubin_points(51.0), 2);
}

TEST(ChildPugh, AlbuminBoundaries) {
  EXPECT_EQ(child_pugh_albumin_points(gdl_albumin(3.51)), 1);
  EXPECT_EQ(child_pugh_albumin_points(gdl_albumin(3.5)), 2);
  EXPECT_EQ(child_pugh_albumin_points(gdl_albumin(2.8)), 2);
  EXPECT_EQ(child_pugh_albumin_points(gdl_albumin(2.79)), 3);
  EXPECT_EQ(child_pugh_albumin_points(35.1), 1);
  EXPECT_EQ(child_pugh_albumin_points(35.0), 2);
  EXPECT_EQ(child_pugh_albumin_points(28.0), 2);
  EXPECT_EQ(child_pugh_albumin_points(27.9), 3);
}

TEST(ChildPugh, InrBoundaries) {
  EXPECT_EQ(child_pugh_inr_points(1.69), 1);
  EXPECT_EQ(child_pugh_inr_points(1.7), 2);
  EXPECT_EQ(child_pugh_inr_points(2.3), 2);
  EXPECT_EQ(child_pugh_inr_points(2.31), 3);
}

TEST(ChildPugh, ProthrombinTimeBoundaries) {
  EXPECT_EQ(child_pugh_pt_points(3.9), 1);
  EXPECT_EQ(child_pugh_pt_points(4.0), 2);
  EXPECT_EQ(child_pugh_pt_points(6.0), 2);
  EXPECT_EQ(child_pugh_pt_points(6.1), 3);
}

TEST(ChildPugh, GradesAndClasses) {
  EXPECT_EQ(child_pugh_ascites_points(Ascites::None), 1);
  EXPECT_EQ(child_pugh_ascites_points(Ascites::Slight), 2);
  EXPECT_EQ(child_pugh_ascites_points(Ascites::ModerateSevere), 3);
  EXPECT_EQ(child_pugh_encephalopathy_points(Encephalopathy::None), 1);
  EXPECT_EQ(child_pugh_encephalopathy_points(Encephalopathy::Grade1to2), 2);
  EXPECT_EQ(child_pugh_encephalopathy_points(Encephalopathy::Grade3to4), 3);
  EXPECT_EQ(child_pugh_class(5), 'A');
  EXPECT_EQ(child_pugh_class(6), 'A');
  EXPECT_EQ(child_pugh_class(7), 'B');
  EXPECT_EQ(child_pugh_class(9), 'B');
  EXPECT_EQ(child_pugh_class(10), 'C');
  EXPECT_EQ(child_pugh_class(15), 'C');
}

PatientRecord full_record(Date d) {
  PatientRecord r;
  r.patient_id = "t";
  r.labs.bilirubin_umol_per_l.push_back({d, 51.3, 3.0, "mg/dL"});                     // 2
  r.labs.albumin_g_per_l.push_back({d, 30, 30, "g/L"});                               // 2
  r.labs.inr.push_back({d, 1.2, 1.2, "INR"});                                         // 1
  r.clinical.push_back({d, Ascites::Slight, Encephalopathy::None, 0, std::nullopt});  // 2 + 1
  return r;
}

TEST(ChildPugh, FromRecordUsesLatestInputsAndNamesThem) {
  const Date d = *Date::parse("2024-05-01");
  const auto res = child_pugh(full_record(d), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->points, 8);
  EXPECT_EQ(res.value->cls, 'B');
  EXPECT_TRUE(res.report.computed);
  EXPECT_TRUE(res.report.missing.empty());
  EXPECT_EQ(res.report.used.size(), 5u);
  EXPECT_EQ(res.report.rule->id, "child-pugh");
  EXPECT_EQ(res.report.rule->grade, Grade::V);
}

TEST(ChildPugh, MissingInputIsNotComputedAndNamed) {
  const Date d = *Date::parse("2024-05-01");
  PatientRecord r = full_record(d);
  r.labs.albumin_g_per_l.clear();
  const auto res = child_pugh(r, d);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.computed);
  ASSERT_EQ(res.report.missing.size(), 1u);
  EXPECT_EQ(res.report.missing[0], "albumin");
}

TEST(ChildPugh, PtProlongationUsedOnlyWithoutInr) {
  const Date d = *Date::parse("2024-05-01");
  PatientRecord r = full_record(d);
  r.labs.inr.clear();
  r.labs.pt_prolongation_s.push_back({d, 6.5, 6.5, "s"});  // 3 points
  auto res = child_pugh(r, d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->points, 10);
  r.labs.pt_prolongation_s.clear();
  res = child_pugh(r, d);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_EQ(res.report.missing.at(0), "inr (or pt_prolongation)");
}

TEST(ChildPugh, StaleLabIsMissingNotCarriedForward) {
  const Date d = *Date::parse("2024-05-01");
  PatientRecord r = full_record(d);
  // 31 days later the labs are outside the 30-day window (P-input-currency).
  EXPECT_TRUE(child_pugh(r, d.plus_days(30)).value.has_value());
  EXPECT_FALSE(child_pugh(r, d.plus_days(31)).value.has_value());
}

}  // namespace
}  // namespace switchpoint
