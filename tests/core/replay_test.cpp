// --as-of replay: evaluating a record as of a date equals evaluating the record truncated at
// that date (INTERFACES.md: everything after the as-of date is ignored).
#include <gtest/gtest.h>

#include "core/engine.h"

namespace switchpoint {
namespace {

Date d(const char* s) { return *Date::parse(s); }

PatientRecord two_sessions() {
  PatientRecord r;
  r.patient_id = "replay";
  r.tace.push_back({d("2024-01-10"), "cTACE", true});
  r.tace.push_back({d("2024-03-10"), "cTACE", true});
  ImagingStudy base;
  base.date = d("2024-01-05");
  base.vascular_invasion = VascularInvasion::Absent;
  ImagingStudy after;
  after.date = d("2024-04-20");
  after.vascular_invasion = VascularInvasion::Branch;
  r.imaging = {base, after};
  return r;
}

TEST(Replay, AsOfIgnoresLaterEntries) {
  const PatientRecord r = two_sessions();
  const Decision before = evaluate(r, d("2024-04-19"));
  ASSERT_EQ(before.history.sessions.size(), 2u);
  // JSH (3), new vascular invasion: not judgeable before any imaging after S1 (the only later
  // study is after the as-of date).
  const auto& jsh_before = before.refractoriness[1];
  ASSERT_EQ(jsh_before.id, "jsh-lcsgj-2014");
  EXPECT_EQ(jsh_before.criteria[3].id, "3");
  EXPECT_EQ(jsh_before.criteria[3].state, CriterionState::NotJudgeable);

  const Decision after = evaluate(r, d("2024-04-20"));
  const auto& jsh_after = after.refractoriness[1];
  EXPECT_EQ(jsh_after.criteria[3].state, CriterionState::Met);
  EXPECT_EQ(jsh_after.status, RefractorinessStatus::Refractory);
  ASSERT_TRUE(jsh_after.since.has_value());
  EXPECT_EQ(*jsh_after.since, d("2024-04-20"));
}

TEST(Replay, SameAsTruncatedRecord) {
  const PatientRecord r = two_sessions();
  const Date at = d("2024-02-01");
  const Decision a = evaluate(r, at);
  const Decision b = evaluate(r.as_of(at), at);
  EXPECT_EQ(a.history.sessions.size(), 1u);
  EXPECT_EQ(b.history.sessions.size(), 1u);
  ASSERT_EQ(a.refractoriness.size(), b.refractoriness.size());
  for (std::size_t i = 0; i < a.refractoriness.size(); ++i)
    EXPECT_EQ(a.refractoriness[i].status, b.refractoriness[i].status);
}

// Clinical rules §5 statuses, P-not-applicable: no TACE → not applicable, never "not refractory".
TEST(Refractoriness, NoSessionMeansNotApplicableUnderEveryDefinition) {
  PatientRecord r;
  r.patient_id = "naive";
  ImagingStudy s;
  s.date = d("2024-01-05");
  r.imaging.push_back(s);
  const Decision dec = evaluate(r, d("2024-01-06"));
  ASSERT_EQ(dec.refractoriness.size(), 8u);
  for (const auto& def : dec.refractoriness) {
    EXPECT_EQ(def.status, RefractorinessStatus::NotApplicable) << def.id;
    EXPECT_FALSE(def.since.has_value()) << def.id;
    EXPECT_TRUE(def.missing.empty()) << def.id;
  }
  // The imaging study is HCC data: the checkpoint still decides the first TACE.
  EXPECT_NE(dec.checkpoint.verdict, Verdict::NotApplicable);
}

// A session on the as-of date: refractoriness applies (the session happened), not "not applicable".
TEST(Refractoriness, OneSessionMakesDefinitionsApplicable) {
  PatientRecord r;
  r.patient_id = "one";
  ImagingStudy s;
  s.date = d("2024-01-05");
  r.imaging.push_back(s);
  r.tace.push_back(TaceSession{d("2024-01-10"), "cTACE", std::nullopt});
  const Decision dec = evaluate(r, d("2024-01-10"));
  for (const auto& def : dec.refractoriness) EXPECT_NE(def.status, RefractorinessStatus::NotApplicable) << def.id;
  const Decision before = evaluate(r, d("2024-01-09"));
  for (const auto& def : before.refractoriness) EXPECT_EQ(def.status, RefractorinessStatus::NotApplicable) << def.id;
}

// P-not-applicable: labs alone (here decompensated: Child-Pugh C, ALBI grade 3) give no checkpoint
// verdict and no therapy plan — a record with only labs must not get "switch" or "supportive care".
TEST(Checkpoint, LabsOnlyRecordHasNoVerdictAndNoPlan) {
  PatientRecord r;
  r.patient_id = "labs-only";
  const Date at = d("2024-02-02");
  r.labs.bilirubin_umol_per_l.push_back(LabValue{at, 80, 80, "umol/L"});
  r.labs.albumin_g_per_l.push_back(LabValue{at, 24, 24, "g/L"});
  r.labs.inr.push_back(LabValue{d("2024-02-01"), 2.5, 2.5, "{INR}"});
  const Decision dec = evaluate(r, at);
  EXPECT_EQ(dec.checkpoint.verdict, Verdict::NotApplicable);
  EXPECT_TRUE(dec.therapy.options.empty());
  for (const auto& def : dec.refractoriness) EXPECT_EQ(def.status, RefractorinessStatus::NotApplicable) << def.id;
  // Each of the three kinds of HCC data alone makes the checkpoint applicable.
  PatientRecord with_imaging = r;
  with_imaging.imaging.push_back(ImagingStudy{});
  with_imaging.imaging.back().date = d("2024-02-01");
  EXPECT_NE(evaluate(with_imaging, at).checkpoint.verdict, Verdict::NotApplicable);
  PatientRecord with_tace = r;
  with_tace.tace.push_back(TaceSession{d("2024-01-10"), "cTACE", std::nullopt});
  EXPECT_NE(evaluate(with_tace, at).checkpoint.verdict, Verdict::NotApplicable);
  PatientRecord with_systemic = r;
  with_systemic.systemic.push_back(
      SystemicTherapy{"sorafenib", d("2024-01-01"), std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  EXPECT_NE(evaluate(with_systemic, at).checkpoint.verdict, Verdict::NotApplicable);
  // A recorded HCC diagnosis alone is HCC data: the checkpoint answers (here ALBI grade 3: liver
  // function cannot be maintained → switch) and lists what it lacks (the tumour imaging).
  PatientRecord with_diagnosis = r;
  with_diagnosis.hcc_diagnosis = d("2024-01-15");
  const Decision diag = evaluate(with_diagnosis, at);
  EXPECT_EQ(diag.checkpoint.verdict, Verdict::Switch);
  EXPECT_EQ(diag.checkpoint.sustained_response.answer, Answer::Unknown);
  EXPECT_FALSE(diag.checkpoint.sustained_response.obtain.empty());
  // …and a diagnosis dated after the as-of date is not known then.
  with_diagnosis.hcc_diagnosis = d("2024-03-01");
  EXPECT_EQ(evaluate(with_diagnosis, at).checkpoint.verdict, Verdict::NotApplicable);
}

}  // namespace
}  // namespace switchpoint
