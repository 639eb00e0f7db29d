// P-obtain-list and P-data-age (issue 12 points 5 and 8), written from the rules: one line per
// missing fact in a clinician's words, with the decisions it would settle, most first; and old data
// said at the top.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/data_age.h"
#include "core/engine.h"

namespace switchpoint {
namespace {

Date d(std::string_view iso) { return *Date::parse(iso); }

LabValue lab(std::string_view date, double v, const char* unit) { return LabValue{d(date), v, v, unit}; }

// Two TACE sessions, imaging with hardly anything reported, one bilirubin and one albumin: the record
// a busy clinic charts. Nearly every rule lacks something.
PatientRecord sparse() {
  PatientRecord r;
  r.patient_id = "sparse";
  r.labs.bilirubin_umol_per_l.push_back(lab("2024-01-08", 13.68, "umol/L"));
  r.labs.albumin_g_per_l.push_back(lab("2024-03-20", 40, "g/L"));
  ImagingStudy base;
  base.date = d("2024-01-05");
  base.intrahepatic_tumor_count = 2;
  base.largest_diameter_cm = 4.0;
  ImagingStudy a1;
  a1.date = d("2024-02-20");
  ImagingStudy a2;
  a2.date = d("2024-04-12");
  a2.intrahepatic_tumor_count = 3;
  r.imaging = {base, a1, a2};
  r.tace = {TaceSession{d("2024-01-10"), "cTACE", std::nullopt}, TaceSession{d("2024-03-01"), "cTACE", std::nullopt}};
  return r;
}

TEST(ObtainList, EachFactOnceWithTheDecisionsItSettles) {
  const Decision dec = evaluate(sparse(), d("2024-04-15"));
  ASSERT_FALSE(dec.obtain.empty());
  std::set<std::string> seen;
  for (const auto& o : dec.obtain) {
    EXPECT_TRUE(seen.insert(o.fact).second) << "asked twice: " << o.fact;
    EXPECT_GE(o.decisions(), 1u) << o.fact;
  }
  // The clinic's fact "ascites grade" is one line, naming every definition that waits for it.
  const auto it = std::find_if(dec.obtain.begin(), dec.obtain.end(), [](const ObtainItem& o) {
    return o.fact == "ascites grade within 30 days before 2024-04-15";
  });
  ASSERT_NE(it, dec.obtain.end());
  EXPECT_GE(it->unlocks.size(), 3u);  // e.g. Galle 2017, AASLD 2018, EASL 2018, BCLC 2022
  // Ordered by how many decisions each would settle.
  for (std::size_t i = 1; i < dec.obtain.size(); ++i)
    EXPECT_GE(dec.obtain[i - 1].decisions(), dec.obtain[i].decisions());
}

TEST(ObtainList, ClinicianWordsNoFieldNamesNoProjectDocuments) {
  const Decision dec = evaluate(sparse(), d("2024-04-15"));
  for (const auto& o : dec.obtain) {
    for (const char* internal : {"_", "/labs", "(for ", "seed 0", "Seed 0", "CLINICAL_RULES", "§", "pt_prolongation",
                                 "intrahepatic_tumor_count", "child_pugh", "mrecist response after"})
      EXPECT_EQ(o.fact.find(internal), std::string::npos) << o.fact;
    EXPECT_EQ(would_settle(o).rfind("would settle: ", 0), 0u);
  }
  // The checkpoint's own lists use the same phrases (no per-definition repetition).
  for (const auto& f : dec.checkpoint.obtain) EXPECT_EQ(f.find("(for "), std::string::npos) << f;
}

TEST(ObtainList, FarShorterThanOneLinePerRule) {
  const Decision dec = evaluate(sparse(), d("2024-04-15"));
  std::size_t per_rule = 0;
  for (const auto& def : dec.refractoriness) per_rule += def.missing.size();
  EXPECT_LT(dec.obtain.size(), per_rule);
  EXPECT_LE(dec.obtain.size(), 30u);
}

TEST(ObtainList, EmptyWhenNothingToDecide) {
  PatientRecord r;
  r.patient_id = "labs-only";
  r.labs.bilirubin_umol_per_l.push_back(lab("2024-02-02", 13.68, "umol/L"));
  EXPECT_TRUE(evaluate(r, d("2024-02-02")).obtain.empty());
}

TEST(DataAge, ThirtyDaysIsCurrentThirtyOneIsOld) {
  const PatientRecord r = sparse();                                         // latest entry 2024-04-12
  EXPECT_FALSE(data_age_warning(r, d("2024-05-12"), "today").has_value());  // 30 days
  const auto w = data_age_warning(r, d("2024-05-13"), "today");             // 31 days
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("2024-04-12, 31 days before today (2024-05-13)"), std::string::npos) << *w;
  EXPECT_NE(w->find("describes the patient on 2024-04-12"), std::string::npos);
  EXPECT_FALSE(data_age_warning(r, d("2024-04-01"), "today").has_value());  // data after the reference date: cut first
}

TEST(DataAge, AnAsOfLongAfterTheDataIsSaidInTheDecision) {
  EXPECT_TRUE(evaluate(sparse(), d("2024-05-12")).warnings.empty());
  const Decision late = evaluate(sparse(), d("2024-05-13"));
  ASSERT_EQ(late.warnings.size(), 1u);
  EXPECT_NE(late.warnings[0].find("31 days before the as-of date"), std::string::npos) << late.warnings[0];
  // Old data never lead to "proceed".
  EXPECT_NE(late.checkpoint.verdict, Verdict::Proceed);
}

}  // namespace
}  // namespace switchpoint
