// The Child-Pugh covariate of the switch-versus-continue analysis: the engine's score when its
// inputs are there, else the points a source recorded (DTSDHCC's Child_pugh_score) within the 30
// days the engine allows Child-Pugh inputs (P-input-currency) — both sides of the window.
#include <gtest/gtest.h>

#include "cohort/covariates.h"
#include "core/record.h"

namespace switchpoint::cohort {
namespace {

Date d(const char* iso) { return *Date::parse(iso); }

double cp_at(const PatientRecord& r, const char* at) {
  const auto c = covariates_at(r, d(at));
  const auto& v = c[static_cast<std::size_t>(Covariate::ChildPughPoints)];
  return v ? *v : -1;
}

TEST(CovariateChildPugh, RecordedPointsAreUsedWithinThirtyDaysWhenNoScoreCanBeComputed) {
  PatientRecord r;
  r.patient_id = "p1";
  ClinicalAssessment c;
  c.date = d("2024-03-01");
  c.child_pugh_points_recorded = 7;
  r.clinical.push_back(c);
  EXPECT_EQ(cp_at(r, "2024-03-01"), 7);
  EXPECT_EQ(cp_at(r, "2024-03-31"), 7);   // 30 days
  EXPECT_EQ(cp_at(r, "2024-04-01"), -1);  // 31 days: too old
  EXPECT_EQ(cp_at(r, "2024-02-29"), -1);  // before it was recorded
}

}  // namespace
}  // namespace switchpoint::cohort
