// HAP (Kadalayil 2013) and mHAP-II (Park 2016), CLINICAL_RULES.md §2: strict inequalities —
// a value exactly at a cut-off scores no point.
#include "core/scores/hap.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(Hap, AlbuminBelow36) {
  EXPECT_EQ(hap_albumin_point(35.9), 1);
  EXPECT_EQ(hap_albumin_point(36.0), 0);
  // 3.6 g/dL × 10 is 36 g/L: no point, whatever the binary rounding.
  EXPECT_EQ(hap_albumin_point(*to_canonical(Quantity::Albumin, 3.6, "g/dL").canonical), 0);
  EXPECT_EQ(hap_albumin_point(*to_canonical(Quantity::Albumin, 3.59, "g/dL").canonical), 1);
}

TEST(Hap, AfpAbove400) {
  EXPECT_EQ(hap_afp_point(400.0), 0);
  EXPECT_EQ(hap_afp_point(400.1), 1);
}

TEST(Hap, BilirubinAbove17) {
  EXPECT_EQ(hap_bilirubin_point(17.0), 0);
  EXPECT_EQ(hap_bilirubin_point(17.1), 1);
  // 1.0 mg/dL = 17.1 µmol/L: above the cut-off.
  EXPECT_EQ(hap_bilirubin_point(*to_canonical(Quantity::Bilirubin, 1.0, "mg/dL").canonical), 1);
}

TEST(Hap, LargestDiameterAbove7cm) {
  EXPECT_EQ(hap_diameter_point(7.0), 0);
  EXPECT_EQ(hap_diameter_point(7.1), 1);
  EXPECT_EQ(hap_diameter_point(diameter_from_mm(70)), 0);  // 7.000000000000001 cm
  EXPECT_EQ(hap_diameter_point(diameter_from_mm(71)), 1);
}

TEST(MhapII, MultiplicityPointFromTwoTumours) {
  EXPECT_EQ(mhap_ii_multiplicity_point(1), 0);
  EXPECT_EQ(mhap_ii_multiplicity_point(2), 1);
  EXPECT_EQ(mhap_ii_multiplicity_point(0), 0);
}

TEST(Hap, Classes) {
  EXPECT_EQ(hap_class(0), 'A');
  EXPECT_EQ(hap_class(1), 'B');
  EXPECT_EQ(hap_class(2), 'C');
  EXPECT_EQ(hap_class(3), 'D');
  EXPECT_EQ(hap_class(4), 'D');
  EXPECT_EQ(hap_class(5), 'D');  // mHAP-II maximum
}

PatientRecord hap_record(Date d, double alb, double afp, double bili, int count, double largest) {
  PatientRecord r;
  r.patient_id = "t";
  r.labs.albumin_g_per_l.push_back(lab(d, alb));
  r.labs.afp_ng_per_ml.push_back(lab(d, afp));
  r.labs.bilirubin_umol_per_l.push_back(lab(d, bili));
  r.imaging.push_back(study(d, count, largest));
  return r;
}

TEST(Hap, FromRecord) {
  const Date d = day("2024-03-01");
  // albumin 35 (1) + AFP 500 (1) + bilirubin 17 (0) + 8 cm (1) = 3 → D; mHAP-II + 2 tumours = 4 → D.
  const auto h = hap(hap_record(d, 35, 500, 17, 2, 8), d);
  ASSERT_TRUE(h.value.has_value());
  EXPECT_EQ(h.value->points, 3);
  EXPECT_EQ(h.value->cls, 'D');
  EXPECT_EQ(h.report.key, "hap");
  EXPECT_EQ(std::get<int>(*h.report.field("points")), 3);
  EXPECT_EQ(std::get<std::string>(*h.report.field("class")), "D");
  const auto m = mhap_ii(hap_record(d, 35, 500, 17, 2, 8), d);
  ASSERT_TRUE(m.value.has_value());
  EXPECT_EQ(m.value->points, 4);
  EXPECT_EQ(m.report.key, "mhap_ii");
  EXPECT_EQ(m.report.rule->id, "mhap-ii");

  // All at their cut-offs: HAP A; mHAP-II with one tumour A, with two B.
  EXPECT_EQ(hap(hap_record(d, 36, 400, 17, 1, 7), d).value->cls, 'A');
  EXPECT_EQ(mhap_ii(hap_record(d, 36, 400, 17, 1, 7), d).value->cls, 'A');
  EXPECT_EQ(mhap_ii(hap_record(d, 36, 400, 17, 2, 7), d).value->cls, 'B');
}

TEST(Hap, EachMissingInputIsNamed) {
  const Date d = day("2024-03-01");
  PatientRecord r = hap_record(d, 40, 10, 10, 1, 3);
  r.labs.afp_ng_per_ml.clear();
  auto res = hap(r, d);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(res.report.fields.empty());
  ASSERT_EQ(res.report.missing.size(), 1u);
  EXPECT_EQ(res.report.missing[0], "afp");

  r = hap_record(d, 40, 10, 10, 1, 3);
  r.labs.albumin_g_per_l.clear();
  r.labs.bilirubin_umol_per_l.clear();
  r.imaging.clear();
  res = hap(r, d);
  EXPECT_TRUE(names_missing(res.report.missing, "albumin"));
  EXPECT_TRUE(names_missing(res.report.missing, "bilirubin"));
  EXPECT_TRUE(names_missing(res.report.missing, "largest_diameter_cm"));
  EXPECT_FALSE(names_missing(res.report.missing, "intrahepatic_tumor_count"));  // HAP does not use it
}

TEST(MhapII, MissingTumourCountIsNamedButHapIsComputed) {
  const Date d = day("2024-03-01");
  PatientRecord r = hap_record(d, 40, 10, 10, 1, 3);
  r.imaging[0].intrahepatic_tumor_count.reset();
  EXPECT_TRUE(hap(r, d).value.has_value());
  const auto m = mhap_ii(r, d);
  EXPECT_FALSE(m.value.has_value());
  EXPECT_TRUE(names_missing(m.report.missing, "intrahepatic_tumor_count"));
}

TEST(Hap, StaleLabIsMissing) {
  const Date d = day("2024-03-01");
  const PatientRecord r = hap_record(d, 40, 10, 10, 1, 3);
  EXPECT_TRUE(hap(r, d.plus_days(30)).value.has_value());
  EXPECT_FALSE(hap(r, d.plus_days(31)).value.has_value());
}

}  // namespace
}  // namespace switchpoint
