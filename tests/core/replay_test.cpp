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
  for (std::size_t i = 0; i < a.refractoriness.size(); ++i) EXPECT_EQ(a.refractoriness[i].status, b.refractoriness[i].status);
}

TEST(Refractoriness, NoSessionMeansNotRefractoryUnderEveryDefinition) {
  PatientRecord r;
  r.patient_id = "naive";
  ImagingStudy s;
  s.date = d("2024-01-05");
  r.imaging.push_back(s);
  const Decision dec = evaluate(r, d("2024-01-06"));
  ASSERT_EQ(dec.refractoriness.size(), 8u);
  for (const auto& def : dec.refractoriness) EXPECT_EQ(def.status, RefractorinessStatus::NotRefractory) << def.id;
}

}  // namespace
}  // namespace switchpoint
