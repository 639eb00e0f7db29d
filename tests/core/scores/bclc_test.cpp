// BCLC 2022 (Reig 2022), CLINICAL_RULES.md §2: every stage, every tumour boundary, and what can
// and cannot be staged when an input is missing.
#include "core/scores/bclc.h"

#include <gtest/gtest.h>
#include <algorithm>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(BclcTumorStage, SingleNoduleTwoCentimetres) {
  EXPECT_EQ(bclc_tumor_stage(1, 2.0), BclcStage::Stage0);
  EXPECT_EQ(bclc_tumor_stage(1, 2.1), BclcStage::A);
  EXPECT_EQ(bclc_tumor_stage(1, diameter_from_mm(20)), BclcStage::Stage0);
  EXPECT_EQ(bclc_tumor_stage(1, 12.0), BclcStage::A);  // single, any size
}

TEST(BclcTumorStage, TwoToThreeNodulesEachAtMostThreeCentimetres) {
  EXPECT_EQ(bclc_tumor_stage(3, 3.0), BclcStage::A);
  EXPECT_EQ(bclc_tumor_stage(3, 3.1), BclcStage::B);
  EXPECT_EQ(bclc_tumor_stage(2, 3.0), BclcStage::A);
  EXPECT_EQ(bclc_tumor_stage(2, 3.1), BclcStage::B);
  EXPECT_EQ(bclc_tumor_stage(2, 1.5), BclcStage::A);  // two small nodules: A, not 0
  EXPECT_EQ(bclc_tumor_stage(4, 1.0), BclcStage::B);  // more than 3 nodules
}

BclcInputs stage_a_inputs() {
  BclcInputs in;
  in.child_pugh_class = 'A';
  in.ecog = 0;
  in.vascular_invasion = VascularInvasion::Absent;
  in.extrahepatic_spread = false;
  in.tumor_count = 1;
  in.largest_diameter_cm = 4.0;
  return in;
}

bool lacks(const BclcDecision& d, BclcInput i) {
  return std::find(d.missing.begin(), d.missing.end(), i) != d.missing.end();
}

TEST(BclcDecide, EachStage) {
  BclcInputs in = stage_a_inputs();
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::A);
  in.largest_diameter_cm = 1.5;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::Stage0);
  in.tumor_count = 5;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::B);

  in = stage_a_inputs();
  in.ecog = 1;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);
  in.ecog = 2;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);
  in.ecog = 3;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::D);

  in = stage_a_inputs();
  in.vascular_invasion = VascularInvasion::Branch;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);
  in.vascular_invasion = VascularInvasion::MainPortalVein;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);
  in = stage_a_inputs();
  in.extrahepatic_spread = true;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);

  in = stage_a_inputs();
  in.child_pugh_class = 'C';
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::D);
  // Child-Pugh B does not change the stage (the note is added by bclc(), see below).
  in.child_pugh_class = 'B';
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::A);
}

TEST(BclcDecide, ChildPughCIsStageDEvenWithEverythingElseMissing) {
  BclcInputs in;
  in.child_pugh_class = 'C';
  const BclcDecision d = bclc_decide(in);
  EXPECT_EQ(d.stage, BclcStage::D);
  EXPECT_TRUE(d.missing.empty());
}

TEST(BclcDecide, EcogAboveTwoIsStageDEvenWithoutChildPugh) {
  BclcInputs in;
  in.ecog = 3;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::D);
  in.ecog = 4;
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::D);
}

TEST(BclcDecide, MissingEcogIsNotStagedEvenWithStageCFindings) {
  // Vascular invasion says C or D; without ECOG, D cannot be excluded.
  BclcInputs in = stage_a_inputs();
  in.ecog.reset();
  in.vascular_invasion = VascularInvasion::Branch;
  const BclcDecision d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(lacks(d, BclcInput::Ecog));
}

TEST(BclcDecide, MissingChildPughIsNotStaged) {
  BclcInputs in = stage_a_inputs();
  in.child_pugh_class.reset();
  const BclcDecision d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(lacks(d, BclcInput::ChildPugh));
  EXPECT_FALSE(lacks(d, BclcInput::Ecog));
}

TEST(BclcDecide, StageCNeedsOnlyOnePositiveCriterion) {
  BclcInputs in = stage_a_inputs();
  in.ecog = 1;
  in.vascular_invasion.reset();
  in.extrahepatic_spread.reset();
  in.tumor_count.reset();
  in.largest_diameter_cm.reset();
  EXPECT_EQ(bclc_decide(in).stage, BclcStage::C);
}

TEST(BclcDecide, EarlierStagesNeedEveryStageCCriterionKnownAbsent) {
  BclcInputs in = stage_a_inputs();
  in.vascular_invasion.reset();
  BclcDecision d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(lacks(d, BclcInput::VascularInvasion));

  in = stage_a_inputs();
  in.extrahepatic_spread.reset();
  d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(lacks(d, BclcInput::ExtrahepaticSpread));

  in = stage_a_inputs();
  in.largest_diameter_cm.reset();
  d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(lacks(d, BclcInput::TumorBurden));
}

TEST(BclcDecide, NoTumourOutsideCAndDIsNotStaged) {
  BclcInputs in = stage_a_inputs();
  in.tumor_count = 0;
  in.largest_diameter_cm = 0.0;
  const BclcDecision d = bclc_decide(in);
  EXPECT_FALSE(d.stage.has_value());
  EXPECT_TRUE(d.no_tumour);
}

// ---- from a record ---------------------------------------------------------------------------

PatientRecord staged_record(Date d, int cp_points, int ecog, int count, double largest) {
  PatientRecord r;
  r.patient_id = "t";
  add_child_pugh(r, d, cp_points, ecog);
  ImagingStudy s = study(d, count, largest);
  s.vascular_invasion = VascularInvasion::Absent;
  s.extrahepatic_spread = false;
  r.imaging.push_back(s);
  return r;
}

TEST(Bclc, FromRecordGivesStageFieldAndNotesThe2025Update) {
  const Date d = day("2024-03-01");
  const auto res = bclc(staged_record(d, 5, 0, 4, 3.5), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->stage, BclcStage::B);
  EXPECT_EQ(res.report.key, "bclc");
  EXPECT_EQ(res.report.rule->grade, Grade::S);
  EXPECT_EQ(std::get<std::string>(*res.report.field("stage")), "B");  // INTERFACES.md: {"stage": "B"}
  EXPECT_EQ(res.value->child_pugh_points, 5);
  EXPECT_EQ(res.value->within_up_to_seven, false);  // 3.5 + 4 = 7.5
  bool update_noted = false;
  for (const auto& n : res.report.notes) update_noted |= n.find("2025") != std::string::npos;
  EXPECT_TRUE(update_noted);
}

TEST(Bclc, ChildPughBIsSaidNotHidden) {
  const Date d = day("2024-03-01");
  const auto res = bclc(staged_record(d, 7, 0, 1, 4.0), d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->stage, BclcStage::A);
  bool said = false;
  for (const auto& n : res.report.notes) said |= n.find("preserved liver function") != std::string::npos;
  EXPECT_TRUE(said);
  // Child-Pugh A: no such note.
  const auto a = bclc(staged_record(d, 6, 0, 1, 4.0), d);
  for (const auto& n : a.report.notes) EXPECT_EQ(n.find("preserved liver function"), std::string::npos);
}

TEST(Bclc, ChildPughCIsStageDWithoutImaging) {
  const Date d = day("2024-03-01");
  PatientRecord r;
  add_child_pugh(r, d, 10);
  const auto res = bclc(r, d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->stage, BclcStage::D);
  EXPECT_TRUE(res.report.missing.empty());
}

TEST(Bclc, EcogThreeIsStageDWithoutLabs) {
  const Date d = day("2024-03-01");
  PatientRecord r;
  r.clinical.push_back(ClinicalAssessment{d, std::nullopt, std::nullopt, 3, std::nullopt});
  const auto res = bclc(r, d);
  ASSERT_TRUE(res.value.has_value());
  EXPECT_EQ(res.value->stage, BclcStage::D);
}

TEST(Bclc, MissingInputsAreNamed) {
  const Date d = day("2024-03-01");
  PatientRecord r = staged_record(d, 5, 0, 1, 4.0);
  r.labs.albumin_g_per_l.clear();
  auto res = bclc(r, d);
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(res.report.fields.empty());
  ASSERT_EQ(res.report.missing.size(), 1u);
  EXPECT_EQ(res.report.missing[0], "child_pugh (missing albumin)");

  r = staged_record(d, 5, 0, 1, 4.0);
  r.clinical[0].ecog.reset();
  res = bclc(r, d);
  EXPECT_FALSE(res.report.computed);
  EXPECT_EQ(res.report.missing, std::vector<std::string>{"ecog"});

  r = staged_record(d, 5, 0, 1, 4.0);
  r.imaging[0].vascular_invasion.reset();
  r.imaging[0].extrahepatic_spread.reset();
  res = bclc(r, d);
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(names_missing(res.report.missing, "vascular_invasion"));
  EXPECT_TRUE(names_missing(res.report.missing, "extrahepatic_spread"));

  r = staged_record(d, 5, 0, 1, 4.0);
  r.imaging[0].largest_diameter_cm.reset();
  res = bclc(r, d);
  EXPECT_FALSE(res.report.computed);
  EXPECT_TRUE(names_missing(res.report.missing, "largest_diameter_cm"));
}

TEST(Bclc, NoTumourIsNotApplicable) {
  const Date d = day("2024-03-01");
  const auto res = bclc(staged_record(d, 5, 0, 0, 0.0), d);
  EXPECT_FALSE(res.value.has_value());
  EXPECT_FALSE(res.report.applicable);
  EXPECT_NE(res.report.summary.find("no intrahepatic tumour"), std::string::npos);
}

}  // namespace
}  // namespace switchpoint
