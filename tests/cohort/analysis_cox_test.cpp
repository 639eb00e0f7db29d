// The statistics of cohort/analysis.h and cohort/stats.h against results derived by hand from
// their definitions (Cox 1972 partial likelihood with Breslow's ties; Greenwood's variance;
// Cohen's kappa with its large-sample standard error). tests/cohort/referee checks the same
// code against R's survival package on a whole cohort.
#include <gtest/gtest.h>

#include <cmath>

#include "cohort/analysis.h"
#include "cohort/stats.h"

namespace switchpoint::cohort {
namespace {

CoxInput two_groups() {
  // Group 1 dies at 1 and 3, group 0 at 2 and 4; no ties, no censoring.
  CoxInput in;
  in.start = {0, 0, 0, 0};
  in.stop = {1, 3, 2, 4};
  in.event = {true, true, true, true};
  in.x = {{1}, {1}, {0}, {0}};
  return in;
}

// Score: U(β) = 2 − 2h/(h+1) − h/(h+2) with h = e^β (risk sets {all}, {1 of g1, 2 of g0},
// {1 and 1}, {1}); U = 0 ⇔ h² − h − 4 = 0 ⇔ h = (1 + √17)/2. Information 2h/(h+1)² + 2h/(h+2)².
TEST(Cox, TwoGroupsMatchTheClosedForm) {
  const CoxFit f = cox_breslow(two_groups());
  ASSERT_TRUE(f.converged) << f.problem;
  const double h = (1 + std::sqrt(17.0)) / 2;
  EXPECT_NEAR(std::exp(f.beta[0]), h, 1e-9);
  const double info = 2 * h / ((h + 1) * (h + 1)) + 2 * h / ((h + 2) * (h + 2));
  EXPECT_NEAR(f.se[0], 1 / std::sqrt(info), 1e-9);
  EXPECT_NEAR(wald_p(f.beta[0] / f.se[0]), std::erfc(std::fabs(f.beta[0] / f.se[0]) / std::sqrt(2.0)), 1e-15);
}

// Splitting a subject's time into (0, s] and (s, T] with the same covariates changes nothing:
// the counting-process form gives the right-censored model.
TEST(Cox, SplitIntervalsGiveTheSameFit) {
  const CoxFit whole = cox_breslow(two_groups());
  CoxInput split = two_groups();
  split.start = {0, 0, 0, 0, 2.5};
  split.stop = {1, 2.5, 2, 4, 3};
  split.event = {true, false, true, true, true};
  split.x = {{1}, {1}, {0}, {0}, {1}};
  const CoxFit f = cox_breslow(split);
  ASSERT_TRUE(f.converged);
  EXPECT_NEAR(f.beta[0], whole.beta[0], 1e-10);
  EXPECT_NEAR(f.se[0], whole.se[0], 1e-10);
}

TEST(Cox, NoEstimateWithoutDeathsOrWhenCovariatesAreCollinear) {
  CoxInput none = two_groups();
  none.event = {false, false, false, false};
  EXPECT_FALSE(cox_breslow(none).converged);
  EXPECT_FALSE(cox_breslow(none).problem.empty());
  CoxInput collinear = two_groups();
  collinear.x = {{1, 2}, {1, 2}, {0, 0}, {0, 0}};
  const CoxFit f = cox_breslow(collinear);
  EXPECT_FALSE(f.converged);
  EXPECT_NE(f.problem.find("collinear"), std::string::npos) << f.problem;
  // Deaths only in one group: the estimate runs off to infinity and is refused.
  CoxInput separated = two_groups();
  separated.event = {true, true, false, false};
  separated.stop = {1, 2, 3, 4};
  EXPECT_FALSE(cox_breslow(separated).converged);
}

// Greenwood: Var(log S(t)) = Σ d/(n(n − d)). Times 1†, 2†, 3 (censored), 4†: S(1) = 3/4 with
// Σ = 1/12, S(2) = 1/2 with Σ = 1/12 + 1/6 = 1/4, S(4) = 0 without a band.
TEST(KaplanMeierBands, GreenwoodOnTheLogScale) {
  const KaplanMeier km = kaplan_meier({{1, true}, {2, true}, {3, false}, {4, true}});
  ASSERT_EQ(km.steps.size(), 3u);
  const double z = 1.959963984540054;
  EXPECT_DOUBLE_EQ(km.steps[0].survival, 0.75);
  EXPECT_NEAR(*km.steps[0].std_err_log, std::sqrt(1.0 / 12), 1e-15);
  EXPECT_NEAR(*km.steps[0].lower, 0.75 * std::exp(-z * std::sqrt(1.0 / 12)), 1e-15);
  EXPECT_DOUBLE_EQ(*km.steps[0].upper, 1.0);  // 0.75·exp(+1.96·0.289) = 1.32, capped at 1
  EXPECT_NEAR(*km.steps[1].std_err_log, 0.5, 1e-15);
  EXPECT_NEAR(*km.steps[1].lower, 0.5 * std::exp(-z * 0.5), 1e-15);
  EXPECT_NEAR(*km.steps[1].upper, std::min(1.0, 0.5 * std::exp(z * 0.5)), 1e-15);
  EXPECT_DOUBLE_EQ(km.steps[2].survival, 0.0);
  EXPECT_FALSE(km.steps[2].lower);
  EXPECT_FALSE(km.steps[2].upper);
}

// The curve is cut where fewer than 10 remain at risk: 12 subjects at 1..12 have ≥ 10 at risk
// up to t = 3 (10 left) and 9 after it.
TEST(KaplanMeierBands, CutBelowTenAtRisk) {
  std::vector<Survival> s;
  for (int t = 1; t <= 12; ++t) s.push_back({static_cast<double>(t), t % 2 == 0});
  const KaplanMeier km = kaplan_meier(s);
  ASSERT_TRUE(km.cut_time(10));
  EXPECT_DOUBLE_EQ(*km.cut_time(10), 3);
  EXPECT_EQ(km.at_risk_at(3), 10);
  EXPECT_EQ(km.at_risk_at(3.5), 9);
  EXPECT_FALSE(kaplan_meier(std::vector<Survival>(9, {1, true})).cut_time(10));
  EXPECT_TRUE(kaplan_meier(std::vector<Survival>(10, {1, true})).cut_time(10));
}

// 20 both yes, 5 first only, 10 second only, 15 both no: p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5,
// kappa = 0.4, SE = √(0.7·0.3/(50·0.25)) = √0.0168.
TEST(KappaInterval, CohenLargeSampleStandardError) {
  const Kappa k = cohen_kappa(20, 5, 10, 15);
  ASSERT_TRUE(k.kappa);
  EXPECT_NEAR(*k.kappa, 0.4, 1e-15);
  EXPECT_NEAR(*k.se, std::sqrt(0.0168), 1e-15);
  EXPECT_NEAR(*k.ci_low, 0.4 - 1.959963984540054 * std::sqrt(0.0168), 1e-12);
  EXPECT_NEAR(*k.ci_high, 0.4 + 1.959963984540054 * std::sqrt(0.0168), 1e-12);
  // Perfect agreement: SE 0, the interval is the point; all agreement by chance: no kappa, no interval.
  const Kappa perfect = cohen_kappa(10, 0, 0, 10);
  EXPECT_DOUBLE_EQ(*perfect.kappa, 1.0);
  EXPECT_DOUBLE_EQ(*perfect.ci_low, 1.0);
  const Kappa none = cohen_kappa(10, 0, 0, 0);
  EXPECT_FALSE(none.kappa);
  EXPECT_FALSE(none.ci_low);
  // Clipped to [−1, 1]: a tiny table with kappa near −1.
  const Kappa neg = cohen_kappa(0, 1, 1, 0);
  ASSERT_TRUE(neg.kappa);
  EXPECT_GE(*neg.ci_low, -1.0);
}

}  // namespace
}  // namespace switchpoint::cohort
