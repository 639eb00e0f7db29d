// Kinki criteria (Kudo 2015) and the Bolondi subclassification (Bolondi 2012) of BCLC B,
// CLINICAL_RULES.md §2: every subclass, and the "BCLC B only" applicability.
#include <gtest/gtest.h>

#include "core/scores/bolondi.h"
#include "core/scores/kinki.h"
#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(Kinki, EverySubstage) {
  EXPECT_EQ(kinki_substage(5, true), KinkiSubstage::B1);
  EXPECT_EQ(kinki_substage(7, true), KinkiSubstage::B1);
  EXPECT_EQ(kinki_substage(5, false), KinkiSubstage::B2);
  EXPECT_EQ(kinki_substage(7, false), KinkiSubstage::B2);
  EXPECT_EQ(kinki_substage(8, true), KinkiSubstage::B3a);
  EXPECT_EQ(kinki_substage(9, true), KinkiSubstage::B3a);
  EXPECT_EQ(kinki_substage(8, false), KinkiSubstage::B3b);
  EXPECT_EQ(kinki_substage(9, false), KinkiSubstage::B3b);
  EXPECT_FALSE(kinki_substage(10, true).has_value());
  EXPECT_EQ(to_string(KinkiSubstage::B3a), "B3a");
}

TEST(Bolondi, EverySubstage) {
  EXPECT_EQ(bolondi_substage(5, true, 0), BolondiSubstage::B1);
  EXPECT_EQ(bolondi_substage(7, true, 0), BolondiSubstage::B1);
  EXPECT_EQ(bolondi_substage(5, false, 0), BolondiSubstage::B2);
  EXPECT_EQ(bolondi_substage(6, false, 0), BolondiSubstage::B2);
  EXPECT_EQ(bolondi_substage(7, false, 0), BolondiSubstage::B3);
  EXPECT_EQ(bolondi_substage(8, true, 0), BolondiSubstage::B4);
  EXPECT_EQ(bolondi_substage(9, false, 0), BolondiSubstage::B4);
  EXPECT_FALSE(bolondi_substage(7, true, 1).has_value());  // B1 needs ECOG 0
  EXPECT_FALSE(bolondi_substage(10, false, 0).has_value());
  EXPECT_EQ(to_string(BolondiSubstage::B4), "B4");
}

// A BCLC B patient: ECOG 0, no vascular invasion or spread, multinodular beyond stage A.
PatientRecord bclc_b(Date d, int cp_points, int count, double largest) {
  PatientRecord r;
  add_child_pugh(r, d, cp_points, 0);
  ImagingStudy s = study(d, count, largest);
  s.vascular_invasion = VascularInvasion::Absent;
  s.extrahepatic_spread = false;
  r.imaging.push_back(s);
  return r;
}

TEST(Kinki, FromRecordEachSubstage) {
  const Date d = day("2024-03-01");
  // 4 nodules, largest 3 cm: 7 → within; 3.5 cm: 7.5 → beyond.
  auto k = kinki(bclc_b(d, 5, 4, 3.0), d);
  ASSERT_TRUE(k.value.has_value());
  EXPECT_EQ(*k.value, KinkiSubstage::B1);
  EXPECT_EQ(k.report.key, "kinki");
  EXPECT_EQ(std::get<std::string>(*k.report.field("substage")), "B1");
  EXPECT_EQ(*kinki(bclc_b(d, 7, 4, 3.5), d).value, KinkiSubstage::B2);
  EXPECT_EQ(*kinki(bclc_b(d, 8, 2, 5.0), d).value, KinkiSubstage::B3a);  // 2 nodules > 3 cm, 5 + 2 = 7
  EXPECT_EQ(*kinki(bclc_b(d, 9, 6, 4.0), d).value, KinkiSubstage::B3b);
}

TEST(Bolondi, FromRecordEachSubstage) {
  const Date d = day("2024-03-01");
  auto b = bolondi(bclc_b(d, 7, 4, 3.0), d);
  ASSERT_TRUE(b.value.has_value());
  EXPECT_EQ(*b.value, BolondiSubstage::B1);
  EXPECT_EQ(b.report.key, "bolondi");
  EXPECT_EQ(*bolondi(bclc_b(d, 6, 4, 3.5), d).value, BolondiSubstage::B2);
  EXPECT_EQ(*bolondi(bclc_b(d, 7, 4, 3.5), d).value, BolondiSubstage::B3);
  EXPECT_EQ(*bolondi(bclc_b(d, 8, 4, 3.0), d).value, BolondiSubstage::B4);
}

TEST(Kinki, NotApplicableOutsideBclcBWithTheReason) {
  const Date d = day("2024-03-01");
  const auto k = kinki(bclc_b(d, 5, 1, 4.0), d);  // single nodule: BCLC A
  EXPECT_FALSE(k.value.has_value());
  EXPECT_FALSE(k.report.applicable);
  EXPECT_FALSE(k.report.computed);
  EXPECT_NE(k.report.summary.find("BCLC stage A"), std::string::npos);
  const auto b = bolondi(bclc_b(d, 10, 4, 3.5), d);  // Child-Pugh C: BCLC D
  EXPECT_FALSE(b.report.applicable);
  EXPECT_NE(b.report.summary.find("BCLC stage D"), std::string::npos);
}

TEST(Kinki, NotComputedWhenBclcIsNotAndNamesItsMissingInputs) {
  const Date d = day("2024-03-01");
  PatientRecord r = bclc_b(d, 5, 4, 3.0);
  r.clinical[0].ecog.reset();
  const auto k = kinki(r, d);
  EXPECT_FALSE(k.report.computed);
  EXPECT_TRUE(k.report.applicable);
  EXPECT_TRUE(names_missing(k.report.missing, "ecog"));
  const auto b = bolondi(r, d);
  EXPECT_FALSE(b.report.computed);
  EXPECT_TRUE(names_missing(b.report.missing, "ecog"));
}

}  // namespace
}  // namespace switchpoint
