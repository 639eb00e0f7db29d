// The systemic therapy plan against CLINICAL_RULES.md §7 ("Later lines", "Prerequisite versus
// confirmation", "Currency") and §8 pitfall 6. Every expectation is read from the rules; the
// records are built here with only the facts each rule needs.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/scores/all_scores.h"
#include "core/scores/test_records.h"
#include "core/therapy/alerts.h"
#include "core/therapy/plan.h"

namespace switchpoint {
namespace {

using test_records::add_child_pugh;
using test_records::day;
using test_records::lab;

const Date kAt = day("2025-01-15");

// Child-Pugh A5 and ECOG 0 on the as-of date, 70 kg, a CT 10 days before with no vascular
// invasion, occupation 20%, no bile duct invasion, endoscopy within 6 months; AFP 520 ng/mL.
PatientRecord base() {
  PatientRecord r;
  r.patient_id = "plan-test";
  add_child_pugh(r, kAt, 5, 0);
  r.clinical.push_back(ClinicalAssessment{kAt, std::nullopt, std::nullopt, std::nullopt, lab(kAt, 70)});
  ImagingStudy s = test_records::study(kAt.plus_days(-10), 2, 5.0);
  s.vascular_invasion = VascularInvasion::Absent;
  s.liver_occupation_percent = 20;
  s.bile_duct_invasion = false;
  r.imaging.push_back(s);
  r.endoscopies.push_back(Endoscopy{kAt.plus_days(-20), Varices::None});
  r.labs.afp_ng_per_ml.push_back(lab(kAt, 520));
  return r;
}

SystemicTherapy episode(const char* regimen, const char* start, std::optional<const char*> end,
                        std::optional<StopReason> stop, std::optional<double> dose = std::nullopt,
                        std::optional<int> days = std::nullopt) {
  SystemicTherapy s;
  s.regimen = regimen;
  s.start = day(start);
  if (end) s.end = day(*end);
  s.stop_reason = stop;
  s.dose_mg_per_day = dose;
  s.days_at_dose_last_28 = days;
  return s;
}

TherapyPlan plan(PatientRecord r, Date at = kAt) {
  std::stable_sort(r.clinical.begin(), r.clinical.end(),
                   [](const ClinicalAssessment& a, const ClinicalAssessment& b) { return a.date < b.date; });
  return plan_therapy(r, at, compute_scores(r, at));
}

const TherapyOption& option(const TherapyPlan& p, std::string_view id) {
  for (const auto& o : p.options)
    if (o.regimen->id == id) return o;
  ADD_FAILURE() << "no option " << id;
  return p.options.front();
}

bool mentions(const std::vector<std::string>& texts, std::string_view what) {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const std::string& t) { return t.find(what) != std::string::npos; });
}

constexpr auto P = StopReason::Progression;
constexpr auto I = StopReason::Intolerance;

// --- Later lines -----------------------------------------------------------------------------

TEST(TherapyLaterLines, FourthLineKeepsEveryLineTwoRule) {
  // Sorafenib tolerated (line 1), cabozantinib (line 2), ramucirumab (line 3), all progressed.
  PatientRecord r = base();
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-04-01", P, 800, 28),
                episode("cabozantinib", "2024-04-10", "2024-08-01", P),
                episode("ramucirumab", "2024-08-10", "2025-01-05", P)};
  const TherapyPlan p = plan(r);
  EXPECT_EQ(p.line, 4);
  EXPECT_EQ(p.prior_regimen, "ramucirumab");
  // Tolerated sorafenib three lines back still qualifies regorafenib.
  EXPECT_EQ(option(p, "regorafenib").status, OptionStatus::Recommended);
  EXPECT_TRUE(mentions(option(p, "regorafenib").reasons, "sorafenib tolerated: 800 mg/day on 28"));
  for (const char* id : {"sorafenib", "cabozantinib", "ramucirumab"}) {
    EXPECT_EQ(option(p, id).status, OptionStatus::NotIndicated) << id;
    EXPECT_TRUE(mentions(option(p, id).reasons, "stopped for progression")) << id;
  }
  EXPECT_EQ(option(p, "pembrolizumab").status, OptionStatus::Eligible);
  EXPECT_EQ(option(p, "lenvatinib").status, OptionStatus::NotIndicated);  // not listed after any of the three
}

TEST(TherapyLaterLines, RegorafenibNotIndicatedAfterIntoleranceInAnyEarlierSorafenib) {
  // First sorafenib not tolerated, then lenvatinib, then sorafenib again tolerated: intolerance in
  // any episode is the RESORCE exclusion; the record is never settled by its order.
  PatientRecord r = base();
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-02-01", I, 400, 10),
                episode("lenvatinib", "2024-02-10", "2024-06-01", P, 12, 28),
                episode("sorafenib", "2024-06-10", "2025-01-05", P, 800, 28)};
  const TherapyPlan p = plan(r);
  EXPECT_EQ(p.line, 4);
  const TherapyOption& rego = option(p, "regorafenib");
  EXPECT_EQ(rego.status, OptionStatus::NotIndicated);
  EXPECT_TRUE(mentions(rego.reasons, "2024-01-01 → 2024-02-01, stopped for intolerance"));
  EXPECT_EQ(option(p, "sorafenib").status, OptionStatus::NotIndicated);
  EXPECT_EQ(option(p, "lenvatinib").status, OptionStatus::NotIndicated);
  EXPECT_EQ(option(p, "cabozantinib").status, OptionStatus::Recommended);
}

TEST(TherapyLaterLines, RegorafenibFromSorafenibStopReasonAndDose) {
  struct Row {
    std::optional<StopReason> stop;
    std::optional<double> dose;
    std::optional<int> days;
    OptionStatus want;
    bool confirmation;
  };
  const std::vector<Row> rows{
      {P, std::nullopt, std::nullopt, OptionStatus::Eligible, true},  // eligible + confirm
      {P, 800, std::nullopt, OptionStatus::Eligible, true},           // half a dose record = none
      {std::nullopt, std::nullopt, std::nullopt, OptionStatus::NeedsPrerequisite, false},
      {StopReason::Other, std::nullopt, std::nullopt, OptionStatus::NeedsPrerequisite, false},
      {I, std::nullopt, std::nullopt, OptionStatus::NotIndicated, false},
      {P, 400, 20, OptionStatus::Eligible, false},  // both thresholds met exactly
      {P, 399, 28, OptionStatus::NotIndicated, false},
      {P, 400, 19, OptionStatus::NotIndicated, false},
  };
  for (const auto& row : rows) {
    PatientRecord r = base();
    // Line 3: sorafenib, then pembrolizumab (stopped for progression).
    r.systemic = {episode("sorafenib", "2024-01-01", "2024-05-01", row.stop, row.dose, row.days),
                  episode("pembrolizumab", "2024-05-10", "2025-01-05", P)};
    const TherapyPlan p = plan(r);
    ASSERT_EQ(p.line, 3);
    const TherapyOption& rego = option(p, "regorafenib");
    const std::string label =
        fmt::format("stop {} dose {} days {}", row.stop ? std::string(to_string(*row.stop)) : "none",
                    row.dose.value_or(-1), row.days.value_or(-1));
    // Regorafenib is first in the order: eligible means recommended.
    EXPECT_EQ(rego.status == OptionStatus::Recommended ? OptionStatus::Eligible : rego.status, row.want) << label;
    EXPECT_EQ(mentions(rego.confirmations, "sorafenib tolerance: ≥ 400 mg/day on ≥ 20 of the last 28 days"),
              row.confirmation)
        << label;
    EXPECT_EQ(mentions(rego.prerequisites, "sorafenib tolerance"), row.want == OptionStatus::NeedsPrerequisite)
        << label;
  }
}

TEST(TherapyLaterLines, RamucirumabNeedsAfp400AtEveryLine) {
  for (const auto& [afp, want] : std::vector<std::pair<double, OptionStatus>>{
           {399.9, OptionStatus::NotIndicated}, {400, OptionStatus::Eligible}, {50, OptionStatus::NotIndicated}}) {
    PatientRecord r = base();
    r.labs.afp_ng_per_ml = {lab(kAt, afp)};
    r.systemic = {episode("sorafenib", "2024-01-01", "2024-04-01", I, 400, 10),
                  episode("lenvatinib", "2024-04-10", "2024-08-01", P),
                  episode("cabozantinib", "2024-08-10", "2025-01-05", P)};
    const TherapyPlan p = plan(r);
    ASSERT_EQ(p.line, 4);
    const TherapyOption& ram = option(p, "ramucirumab");
    // Regorafenib (intolerance) and cabozantinib (progressed) are out: ramucirumab, if eligible, is first.
    EXPECT_EQ(ram.status == OptionStatus::Recommended ? OptionStatus::Eligible : ram.status, want) << afp;
    EXPECT_TRUE(mentions(ram.reasons, "REACH-2")) << afp;
  }
}

TEST(TherapyLaterLines, RamucirumabAfpOlderThan30DaysIsAPrerequisite) {
  PatientRecord r = base();
  r.labs.afp_ng_per_ml = {lab(kAt.plus_days(-31), 900)};
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-04-01", P, 800, 28),
                episode("cabozantinib", "2024-04-10", "2025-01-05", P)};
  const TherapyPlan p = plan(r);
  const TherapyOption& ram = option(p, "ramucirumab");
  EXPECT_EQ(ram.status, OptionStatus::NeedsPrerequisite);
  EXPECT_TRUE(mentions(ram.prerequisites, "last 900 ng/mL on 2024-12-15"));
}

TEST(TherapyLaterLines, DrugProgressedOnOrNotToleratedIsNotGivenAgainInAnotherRegimen) {
  PatientRecord r = base();
  r.systemic = {episode("durvalumab-tremelimumab", "2024-01-01", "2024-06-01", I)};
  const TherapyPlan p = plan(r);
  ASSERT_EQ(p.line, 2);
  EXPECT_EQ(option(p, "durvalumab").status, OptionStatus::NotIndicated);
  EXPECT_TRUE(mentions(option(p, "durvalumab").reasons, "contains durvalumab, already not tolerated"));
  // Lenvatinib and sorafenib after immunotherapy: listed, no prospective data → caution.
  EXPECT_EQ(option(p, "lenvatinib").status, OptionStatus::Caution);
  EXPECT_EQ(option(p, "sorafenib").status, OptionStatus::Caution);
}

TEST(TherapyLaterLines, RegimenCompletedBeforeIsNotReofferedAndOngoingStopIsNotYetAStop) {
  PatientRecord r = base();
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-06-01", StopReason::Completed)};
  const TherapyPlan p = plan(r);
  EXPECT_EQ(option(p, "sorafenib").status, OptionStatus::NotIndicated);
  EXPECT_TRUE(mentions(option(p, "sorafenib").reasons, "already given"));
  // The stop is dated after the as-of date: the therapy is still going on that date.
  PatientRecord q = base();
  q.systemic = {episode("sorafenib", "2024-06-01", "2025-02-01", P)};
  const TherapyPlan on = plan(q);
  EXPECT_EQ(on.line, 1);
  EXPECT_EQ(on.current_regimen, "sorafenib");
}

TEST(TherapyLaterLines, InterruptedRegimenIsOneOngoingLine) {
  PatientRecord r = base();
  r.systemic = {episode("sorafenib", "2024-06-01", "2024-07-01", StopReason::Other),
                episode("sorafenib", "2024-07-15", std::nullopt, std::nullopt)};
  const TherapyPlan p = plan(r);
  EXPECT_EQ(p.line, 1);
  EXPECT_EQ(p.current_regimen, "sorafenib");
}

TEST(TherapyLaterLines, PembrolizumabAfterACheckpointInhibitorIsCaution) {
  PatientRecord r = base();
  r.systemic = {episode("atezolizumab-bevacizumab", "2024-01-01", "2024-05-01", P),
                episode("sorafenib", "2024-05-10", "2025-01-05", P, 800, 28)};
  const TherapyPlan p = plan(r);
  ASSERT_EQ(p.line, 3);
  EXPECT_EQ(option(p, "pembrolizumab").status, OptionStatus::Caution);
  EXPECT_TRUE(mentions(option(p, "pembrolizumab").reasons, "KEYNOTE-240"));
  EXPECT_EQ(option(p, "regorafenib").status, OptionStatus::Recommended);
  EXPECT_EQ(option(p, "atezolizumab-bevacizumab").status, OptionStatus::NotIndicated);
}

TEST(TherapyLaterLines, PitfallSixAtAnyLine) {
  PatientRecord r = base();
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-02-01", I, 400, 10),
                episode("lenvatinib", "2024-02-10", "2024-12-01", P),
                episode("regorafenib", "2024-12-10", std::nullopt, std::nullopt)};
  int raised = 0;
  for (const auto& a : evaluate_alerts(r, kAt))
    if (a.id == "pitfall-6-regorafenib-after-intolerance") ++raised;
  EXPECT_EQ(raised, 1);
}

// --- Confirmations ---------------------------------------------------------------------------

TEST(TherapyConfirmations, UnrecordedReflectExclusionsAreConfirmationsRecordedOnesContraindicate) {
  struct Row {
    std::optional<double> occupation;
    std::optional<bool> bile;
    std::optional<VascularInvasion> vascular;
    OptionStatus want;
    int confirmations;
  };
  const std::vector<Row> rows{
      {std::nullopt, std::nullopt, std::nullopt, OptionStatus::Eligible, 3},
      {49.9, false, VascularInvasion::Absent, OptionStatus::Eligible, 0},
      {50, false, VascularInvasion::Absent, OptionStatus::Contraindicated, 0},
      {std::nullopt, true, VascularInvasion::Absent, OptionStatus::Contraindicated, 1},
      {20, std::nullopt, VascularInvasion::MainPortalVein, OptionStatus::Contraindicated, 1},
      {20, false, VascularInvasion::Branch, OptionStatus::Eligible, 0},
  };
  for (const auto& row : rows) {
    PatientRecord r = base();
    r.imaging.front().liver_occupation_percent = row.occupation;
    r.imaging.front().bile_duct_invasion = row.bile;
    r.imaging.front().vascular_invasion = row.vascular;
    const TherapyPlan p = plan(r);
    const TherapyOption& len = option(p, "lenvatinib");
    EXPECT_EQ(len.status, row.want) << row.occupation.value_or(-1);
    EXPECT_EQ(static_cast<int>(len.confirmations.size()), row.confirmations) << row.occupation.value_or(-1);
    EXPECT_TRUE(len.prerequisites.empty());
  }
}

// --- Currency of ECOG and weight ---------------------------------------------------------------

TEST(TherapyCurrency, EcogUsedUpTo90DaysWithConfirmTodayAfter30) {
  for (int days : {0, 30, 31, 90, 91}) {
    PatientRecord r = base();
    for (auto& c : r.clinical) c.ecog.reset();
    r.clinical.push_back(ClinicalAssessment{kAt.plus_days(-days), std::nullopt, std::nullopt, 1, std::nullopt});
    r.systemic = {episode("sorafenib", "2024-01-01", "2024-12-01", P, 800, 28)};
    const TherapyPlan p = plan(r);
    const TherapyOption& rego = option(p, "regorafenib");
    if (days > 90) {
      EXPECT_EQ(rego.status, OptionStatus::NeedsPrerequisite) << days;
      EXPECT_TRUE(mentions(rego.prerequisites, "ECOG performance status")) << days;
      continue;
    }
    EXPECT_EQ(rego.status, OptionStatus::Recommended) << days;
    EXPECT_EQ(mentions(rego.confirmations, "confirm today"), days > 30) << days;
    EXPECT_EQ(mentions(rego.reasons, "confirm today"), days > 30) << days;
  }
}

TEST(TherapyCurrency, EcogTwoFromSixtyDaysAgoIsStillUsedAtLineTwo) {
  PatientRecord r = base();
  for (auto& c : r.clinical) c.ecog.reset();
  r.clinical.push_back(ClinicalAssessment{kAt.plus_days(-60), std::nullopt, std::nullopt, 2, std::nullopt});
  r.systemic = {episode("sorafenib", "2024-01-01", "2024-12-01", P, 800, 28)};
  const TherapyPlan p = plan(r);
  const TherapyOption& rego = option(p, "regorafenib");
  EXPECT_EQ(rego.status, OptionStatus::NotIndicated);
  EXPECT_TRUE(mentions(rego.reasons, "ECOG 2 (recorded 2024-11-16, 60 days before: confirm today)"));
}

TEST(TherapyCurrency, WeightUsedUpTo90DaysForTheDoseWithConfirmToday) {
  for (int days : {30, 31, 90, 91}) {
    PatientRecord r = base();
    for (auto& c : r.clinical) c.weight_kg.reset();
    const Date on = kAt.plus_days(-days);
    r.clinical.push_back(ClinicalAssessment{on, std::nullopt, std::nullopt, std::nullopt, lab(on, 80)});
    const TherapyPlan p = plan(r);
    const TherapyOption& ab = option(p, "atezolizumab-bevacizumab");
    const TherapyOption& sor = option(p, "sorafenib");
    EXPECT_TRUE(sor.confirmations.empty()) << days;  // fixed dose
    if (days > 90) {
      EXPECT_EQ(ab.status, OptionStatus::NeedsPrerequisite) << days;
      EXPECT_TRUE(mentions(ab.prerequisites, "body weight")) << days;
      continue;
    }
    EXPECT_EQ(ab.status, OptionStatus::Recommended) << days;
    EXPECT_NE(ab.dose.find("1200 mg (weight 80.0 kg on " + on.iso()), std::string::npos) << ab.dose;  // 15 × 80
    EXPECT_EQ(ab.dose.find("confirm today") != std::string::npos, days > 30) << ab.dose;
    EXPECT_EQ(mentions(ab.confirmations, "body weight 80.0 kg"), days > 30) << days;
  }
}

// --- Output words ------------------------------------------------------------------------------

TEST(TherapyText, CitesTrialsAndGuidelinesNeverProjectDocuments) {
  std::vector<PatientRecord> records;
  records.push_back(base());
  PatientRecord c = base();
  add_child_pugh(c, kAt, 10, 3);
  records.push_back(c);
  PatientRecord l3 = base();
  l3.imaging.front().liver_occupation_percent.reset();
  l3.systemic = {episode("sorafenib", "2024-01-01", "2024-02-01", I, 400, 10),
                 episode("lenvatinib", "2024-02-10", "2024-12-01", P),
                 episode("regorafenib", "2024-12-10", std::nullopt, std::nullopt)};
  records.push_back(l3);
  for (const auto& r : records) {
    const TherapyPlan p = plan(r);
    std::vector<std::string> texts = p.reasons;
    for (const auto& o : p.options) {
      texts.insert(texts.end(), o.reasons.begin(), o.reasons.end());
      texts.insert(texts.end(), o.prerequisites.begin(), o.prerequisites.end());
      texts.insert(texts.end(), o.confirmations.begin(), o.confirmations.end());
      texts.push_back(o.dose);
    }
    for (const auto& a : evaluate_alerts(r, kAt)) texts.push_back(a.message);
    for (const auto& t : texts)
      for (const char* banned : {"seed 0", "CLINICAL_RULES", "§"}) EXPECT_EQ(t.find(banned), std::string::npos) << t;
  }
}

}  // namespace
}  // namespace switchpoint
