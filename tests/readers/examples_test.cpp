// The example patients of examples/ read cleanly and tell the stories they are named for. The
// expectations are worked out by hand from CLINICAL_RULES.md (§1 units, §2 Child-Pugh, §3 mRECIST,
// §5 timing) — not from the engine — so a wrong example cannot hide behind a wrong engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/units.h"
#include "readers/native_json.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
const fs::path kExamples = fs::path(SWITCHPOINT_SOURCE_DIR) / "examples";

using testing_support::slurp;

PatientRecord read_example(const std::string& name) {
  const ReadResult rr = read_native_json(slurp(kExamples / name));
  std::string problems;
  for (const auto& p : rr.problems) problems += "\n  " + p.location + " " + p.message;
  EXPECT_TRUE(rr.ok()) << name << problems;
  return rr.record.value_or(PatientRecord{});
}

Date d(std::string_view iso) { return *Date::parse(iso); }

std::optional<double> on(const LabSeries& s, Date date) {
  for (const auto& v : s)
    if (v.date == date) return v.value;
  return std::nullopt;
}

const ClinicalAssessment* clinical_on(const PatientRecord& r, Date date) {
  for (const auto& c : r.clinical)
    if (c.date == date) return &c;
  return nullptr;
}

// Child-Pugh points, written from CLINICAL_RULES.md §2 for values measured on one date.
int child_pugh(const PatientRecord& r, Date date) {
  const double bili = on(r.labs.bilirubin_umol_per_l, date).value();  // µmol/L: < 34.2 / 34.2–51.3 / > 51.3
  const double alb = on(r.labs.albumin_g_per_l, date).value();        // g/L: > 35 / 28–35 / < 28
  const double inr = on(r.labs.inr, date).value();                    // < 1.7 / 1.7–2.3 / > 2.3
  const ClinicalAssessment* c = clinical_on(r, date);
  EXPECT_NE(c, nullptr) << date.iso();
  int points = below(bili, 34.2) ? 1 : at_most(bili, 51.3) ? 2 : 3;
  points += above(alb, 35.0) ? 1 : at_least(alb, 28.0) ? 2 : 3;
  points += below(inr, 1.7) ? 1 : at_most(inr, 2.3) ? 2 : 3;
  points += 1 + static_cast<int>(c->ascites.value());
  points += 1 + static_cast<int>(c->encephalopathy.value());
  return points;
}

double target_sum(const ImagingStudy& s) {
  double sum = 0;
  for (const auto& t : s.target_lesions.value()) sum += t.viable_diameter_cm;
  return sum;
}

// mRECIST target response (CLINICAL_RULES.md §3): PR ≥ 30% below baseline, PD ≥ 20% above the
// nadir, CR no enhancement, SD otherwise.
MrecistCategory target_response(double baseline, double nadir, double current) {
  if (current == 0) return MrecistCategory::CR;
  if ((current - nadir) / nadir >= 0.20) return MrecistCategory::PD;
  if ((baseline - current) / baseline >= 0.30) return MrecistCategory::PR;
  return MrecistCategory::SD;
}

std::vector<Date> all_dates(const PatientRecord& r) {
  std::vector<Date> out;
  for (const auto* s : {&r.labs.bilirubin_umol_per_l, &r.labs.albumin_g_per_l, &r.labs.inr, &r.labs.ast_u_per_l,
                        &r.labs.alt_u_per_l, &r.labs.platelets_1e9_per_l, &r.labs.creatinine_umol_per_l,
                        &r.labs.afp_ng_per_ml, &r.labs.dcp_mau_per_ml, &r.labs.pt_prolongation_s})
    for (const auto& v : *s) out.push_back(v.date);
  for (const auto& c : r.clinical) out.push_back(c.date);
  for (const auto& i : r.imaging) out.push_back(i.date);
  for (const auto& t : r.tace) out.push_back(t.date);
  for (const auto& e : r.endoscopies) out.push_back(e.date);
  for (const auto& s : r.systemic) {
    out.push_back(s.start);
    if (s.end) out.push_back(*s.end);
  }
  return out;
}

TEST(Examples, EveryExampleReadsCleanlyWithDatesIn2023To2025) {
  int n = 0;
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(kExamples)) {
    if (e.path().extension() != ".json") continue;
    ++n;
    const PatientRecord r = read_example(e.path().filename().string());
    EXPECT_TRUE(ids.insert(r.patient_id).second) << "duplicate patient id " << r.patient_id;
    for (Date date : all_dates(r)) {
      EXPECT_GE(date, d("2023-01-01")) << e.path() << " " << date.iso();
      EXPECT_LE(date, d("2025-12-31")) << e.path() << " " << date.iso();
    }
    ASSERT_TRUE(r.birth_date);
    EXPECT_LT(*r.birth_date, d("1970-01-01"));
    EXPECT_FALSE(r.tace.empty());
  }
  EXPECT_GE(n, 3);
}

// 02: three sessions 2–3 months apart, each assessed 4–8 weeks later; PR, then SD with viable
// 70%, then PD with viable 80%, more tumours each time, new branch portal vein invasion and AFP
// rising after the last session, in a Child-Pugh A patient of 58 kg with treated varices.
TEST(Examples, RefractoryPatient) {
  const PatientRecord r = read_example("02-refractory-patient.json");
  EXPECT_EQ(r.patient_id, "demo-002");
  ASSERT_EQ(r.tace.size(), 3u);
  ASSERT_EQ(r.imaging.size(), 4u);
  for (std::size_t i = 1; i < r.tace.size(); ++i) {
    const int gap = days_between(r.tace[i - 1].date, r.tace[i].date);
    EXPECT_GE(gap, 60) << "sessions " << i << " and " << i + 1;
    EXPECT_LE(gap, 92) << "sessions " << i << " and " << i + 1;
  }
  // Baseline on or before the first session; then one assessment per session, before the next.
  EXPECT_LE(r.imaging[0].date, r.tace[0].date);
  for (std::size_t s = 0; s < 3; ++s) {
    const ImagingStudy& a = r.imaging[s + 1];
    const int after = days_between(r.tace[s].date, a.date);
    EXPECT_GE(after, 28) << "assessment of session " << s + 1;
    EXPECT_LE(after, 56) << "assessment of session " << s + 1;
    if (s + 1 < r.tace.size()) {
      EXPECT_LT(a.date, r.tace[s + 1].date);
    }
  }
  EXPECT_EQ(r.imaging[2].viable_tumor_percent, 70.0);
  EXPECT_EQ(r.imaging[3].viable_tumor_percent, 80.0);
  EXPECT_LE(r.imaging[1].viable_tumor_percent.value(), 50.0);  // session 1 was a sufficient response

  // Tumour count: more than before the session, after sessions 2 and 3.
  EXPECT_GT(r.imaging[2].intrahepatic_tumor_count.value(), r.imaging[1].intrahepatic_tumor_count.value());
  EXPECT_GT(r.imaging[3].intrahepatic_tumor_count.value(), r.imaging[2].intrahepatic_tumor_count.value());

  // Recorded mRECIST PR, SD, PD, and the measurements say the same.
  const std::vector<MrecistCategory> recorded{MrecistCategory::PR, MrecistCategory::SD, MrecistCategory::PD};
  const double baseline = target_sum(r.imaging[0]);
  double nadir = baseline;
  for (std::size_t i = 1; i <= 3; ++i) {
    const ImagingStudy& s = r.imaging[i];
    EXPECT_EQ(s.mrecist_recorded, recorded[i - 1]) << s.date.iso();
    const double sum = target_sum(s);
    MrecistCategory overall = target_response(baseline, nadir, sum);
    if (s.new_lesions.value() > 0 || s.nontarget == NonTargetStatus::PD) overall = MrecistCategory::PD;
    EXPECT_EQ(overall, recorded[i - 1]) << s.date.iso() << " sum " << sum << " baseline " << baseline << " nadir "
                                        << nadir;
    // The target response alone already matches: PD is not carried by the new lesions only.
    EXPECT_EQ(target_response(baseline, nadir, sum), recorded[i - 1]) << s.date.iso();
    nadir = std::min(nadir, sum);
  }
  EXPECT_EQ(r.imaging[3].new_lesions, 2);

  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(r.imaging[i].vascular_invasion, VascularInvasion::Absent);
  EXPECT_EQ(r.imaging[3].vascular_invasion, VascularInvasion::Branch);
  for (const auto& s : r.imaging) EXPECT_EQ(s.extrahepatic_spread, false);

  // AFP after the last session: a slight transient fall, then a rise above the pre-session value.
  const Date last = r.tace.back().date;
  std::optional<double> pre;
  std::vector<double> post;
  for (const auto& v : r.labs.afp_ng_per_ml) {
    if (v.date < last && days_between(v.date, last) <= 30) pre = v.value;
    if (v.date > last) post.push_back(v.value);
  }
  ASSERT_TRUE(pre);
  ASSERT_GE(post.size(), 2u);
  EXPECT_LT(post.front(), *pre);
  for (std::size_t i = 2; i < post.size(); ++i) EXPECT_GT(post[i], post[i - 1]);
  EXPECT_GT(post.back(), post[post.size() - 2]);
  EXPECT_GT(post.back(), *pre);
  EXPECT_GT(post.back(), 10.0);  // above the AFP upper limit of normal

  // Child-Pugh A5 at every assessment and session; bilirubin ≈ 1 mg/dL, albumin ≈ 3.8 g/dL.
  for (const auto& c : r.clinical) {
    EXPECT_EQ(child_pugh(r, c.date), 5) << c.date.iso();
    EXPECT_NEAR(on(r.labs.bilirubin_umol_per_l, c.date).value(), 17.1, 17.1 * 0.15) << c.date.iso();
    EXPECT_NEAR(on(r.labs.albumin_g_per_l, c.date).value(), 38.0, 1.5) << c.date.iso();
    EXPECT_NEAR(on(r.labs.inr, c.date).value(), 1.1, 1e-12) << c.date.iso();
    EXPECT_LE(c.ecog.value(), 1);
    EXPECT_DOUBLE_EQ(c.weight_kg->value, 58.0);
  }
  // Labs on the day before every session and on the day of every assessment.
  for (const auto& t : r.tace) {
    EXPECT_TRUE(on(r.labs.bilirubin_umol_per_l, t.date.plus_days(-1))) << t.date.iso();
  }
  for (const auto& s : r.imaging) {
    EXPECT_TRUE(on(r.labs.albumin_g_per_l, s.date)) << s.date.iso();
  }

  // Varices treated at an endoscopy about 4 months before the last entry.
  ASSERT_EQ(r.endoscopies.size(), 1u);
  EXPECT_EQ(r.endoscopies[0].varices, Varices::Treated);
  const int before_last = days_between(r.endoscopies[0].date, r.latest_entry_date().value());
  EXPECT_GE(before_last, 105);
  EXPECT_LE(before_last, 135);
  EXPECT_EQ(r.latest_entry_date(), r.imaging.back().date);
}

// 03: liver function falls over two sessions while the tumour responds: bilirubin 1.2 → 3.4 mg/dL,
// albumin 3.4 → 2.7 g/dL, ascites slight then moderate-severe, Child-Pugh A6 → C10; units mixed.
TEST(Examples, DecompensatingPatient) {
  const PatientRecord r = read_example("03-decompensating-patient.json");
  EXPECT_EQ(r.patient_id, "demo-003");
  ASSERT_EQ(r.tace.size(), 2u);

  const std::vector<std::pair<std::string_view, int>> expected_cp{
      {"2024-09-02", 6}, {"2024-10-21", 7}, {"2024-11-17", 7}, {"2024-12-16", 9}, {"2025-01-13", 10}};
  ASSERT_EQ(r.clinical.size(), expected_cp.size());
  for (const auto& [date, points] : expected_cp) EXPECT_EQ(child_pugh(r, d(date)), points) << date;

  // Bilirubin rises and albumin falls at every measurement.
  const auto& bili = r.labs.bilirubin_umol_per_l;
  const auto& alb = r.labs.albumin_g_per_l;
  for (std::size_t i = 1; i < bili.size(); ++i) EXPECT_GT(bili[i].value, bili[i - 1].value) << bili[i].date.iso();
  for (std::size_t i = 1; i < alb.size(); ++i) EXPECT_LT(alb[i].value, alb[i - 1].value) << alb[i].date.iso();
  EXPECT_DOUBLE_EQ(bili.front().value, 1.2 * 17.1);
  EXPECT_DOUBLE_EQ(bili.back().value, 3.4 * 17.1);
  EXPECT_DOUBLE_EQ(alb.front().value, 34.0);
  EXPECT_DOUBLE_EQ(alb.back().value, 27.0);
  EXPECT_TRUE(above(bili.back().value, 51.3));  // the decompensation alert threshold of §8

  // Ascites: none, slight, slight, moderate-severe, then slight once controlled on diuretics.
  std::vector<Ascites> ascites;
  for (const auto& c : r.clinical) ascites.push_back(c.ascites.value());
  EXPECT_EQ(ascites, (std::vector<Ascites>{Ascites::None, Ascites::Slight, Ascites::Slight, Ascites::ModerateSevere,
                                           Ascites::Slight}));

  // Mixed units, each converted (§1).
  std::set<std::string> bili_units, alb_units;
  for (const auto& v : bili) bili_units.insert(v.entered_unit);
  for (const auto& v : alb) alb_units.insert(v.entered_unit);
  EXPECT_TRUE(bili_units.count("mg/dL") && bili_units.size() >= 3) << "mg/dL and µmol/L spellings";
  EXPECT_EQ(alb_units, (std::set<std::string>{"g/L", "g/dL"}));
  EXPECT_DOUBLE_EQ(on(r.labs.bilirubin_umol_per_l, d("2024-10-21")).value(), 29.0);
  EXPECT_DOUBLE_EQ(on(r.labs.creatinine_umol_per_l, d("2024-09-02")).value(), 0.9 * 88.4);
  EXPECT_DOUBLE_EQ(on(r.labs.creatinine_umol_per_l, d("2024-10-21")).value(), 88.0);
  EXPECT_DOUBLE_EQ(on(r.labs.platelets_1e9_per_l, d("2024-11-17")).value(), 85.0);
  EXPECT_DOUBLE_EQ(on(r.labs.afp_ng_per_ml, d("2024-10-21")).value(), 12 * 1.21);
  EXPECT_DOUBLE_EQ(clinical_on(r, d("2024-11-17"))->weight_kg->value, 172 * 0.4536);
  // S7, written 45 mm (the record keeps target lesions in the order of their ids: S4, S7).
  ASSERT_EQ(r.imaging[0].target_lesions->size(), 2u);
  EXPECT_EQ(r.imaging[0].target_lesions->at(1).id, "S7");
  EXPECT_DOUBLE_EQ(r.imaging[0].target_lesions->at(1).viable_diameter_cm, 4.5);

  // The tumour responds (PR by measurements) while the liver fails.
  const double baseline = target_sum(r.imaging[0]);
  double nadir = baseline;
  for (std::size_t i = 1; i < r.imaging.size(); ++i) {
    const double sum = target_sum(r.imaging[i]);
    EXPECT_EQ(target_response(baseline, nadir, sum), MrecistCategory::PR) << r.imaging[i].date.iso();
    EXPECT_EQ(r.imaging[i].mrecist_recorded, MrecistCategory::PR);
    nadir = std::min(nadir, sum);
  }
}

}  // namespace
}  // namespace switchpoint
