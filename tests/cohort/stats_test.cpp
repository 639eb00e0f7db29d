// The report's statistics against small examples worked by hand.
#include "cohort/stats.h"

#include <gtest/gtest.h>

namespace switchpoint::cohort {
namespace {

// 2×2 table, 50 patients: both refractory 20, A only 5, B only 10, neither 15.
// p_o = (20 + 15) / 50 = 0.70. A refractory 25/50 = 0.5, B refractory 30/50 = 0.6.
// p_e = 0.5 × 0.6 + 0.5 × 0.4 = 0.50. κ = (0.70 − 0.50) / (1 − 0.50) = 0.40.
TEST(CohenKappa, HandWorkedTwoByTwo) {
  const Kappa k = cohen_kappa(20, 5, 10, 15);
  EXPECT_EQ(k.n(), 50);
  EXPECT_DOUBLE_EQ(k.observed, 0.70);
  EXPECT_DOUBLE_EQ(k.expected, 0.50);
  ASSERT_TRUE(k.kappa);
  EXPECT_NEAR(*k.kappa, 0.40, 1e-12);
}

// Another: 45 / 15 / 25 / 15 (n 100): p_o 0.60; A 0.60, B 0.70: p_e 0.42 + 0.12 = 0.54;
// κ = 0.06 / 0.46 = 0.130434…
TEST(CohenKappa, HandWorkedSecondTable) {
  const Kappa k = cohen_kappa(45, 15, 25, 15);
  EXPECT_NEAR(k.observed, 0.60, 1e-12);
  EXPECT_NEAR(k.expected, 0.54, 1e-12);
  EXPECT_NEAR(*k.kappa, 0.06 / 0.46, 1e-12);
}

TEST(CohenKappa, PerfectAgreementChanceOnlyAndEmpty) {
  EXPECT_NEAR(*cohen_kappa(10, 0, 0, 10).kappa, 1.0, 1e-12);
  // Every patient refractory under both: p_e = 1, κ undefined.
  EXPECT_FALSE(cohen_kappa(10, 0, 0, 0).kappa.has_value());
  EXPECT_FALSE(cohen_kappa(0, 0, 0, 0).kappa.has_value());
  // Exactly the agreement chance predicts: κ = 0.  (A 50%, B 50%, agreement 50%.)
  EXPECT_NEAR(*cohen_kappa(5, 5, 5, 5).kappa, 0.0, 1e-12);
}

// Times 1, 2, 3+, 4, 5+ (+ censored): S(1) = 4/5 = 0.8; S(2) = 0.8 × 3/4 = 0.6;
// at 3 one is censored; S(4) = 0.6 × 1/2 = 0.3; median: first S ≤ 0.5 → 4.
TEST(KaplanMeier, HandWorkedCurve) {
  const KaplanMeier km = kaplan_meier({{4, true}, {1, true}, {5, false}, {3, false}, {2, true}});
  ASSERT_EQ(km.steps.size(), 3u);
  EXPECT_DOUBLE_EQ(km.steps[0].survival, 0.8);
  EXPECT_DOUBLE_EQ(km.steps[1].survival, 0.6);
  EXPECT_DOUBLE_EQ(km.steps[2].survival, 0.3);
  EXPECT_EQ(km.steps[2].at_risk, 2);
  EXPECT_DOUBLE_EQ(km.survival_at(0.5), 1.0);
  EXPECT_DOUBLE_EQ(km.survival_at(3.5), 0.6);
  EXPECT_DOUBLE_EQ(*km.median(), 4.0);
  EXPECT_EQ(km.at_risk_at(0), 5);
  EXPECT_EQ(km.at_risk_at(3), 3);
  EXPECT_EQ(km.at_risk_at(4.5), 1);
  EXPECT_EQ(km.events, 3);
  // A tie of an event and a censoring at one time: the censored subject is at risk then.
  const KaplanMeier tie = kaplan_meier({{2, false}, {2, true}, {3, true}});
  EXPECT_DOUBLE_EQ(tie.steps[0].survival, 2.0 / 3.0);
}

// Group 1: 1, 3+, 4.  Group 2: 2, 5, 6+.
// Event times (pooled) 1, 2, 4, 5:
//  t=1: n1 3, n2 3, d 1 (group 1): E1 = 3/6,  V = 1·(3/6)(3/6)(5/5) = 1/4
//  t=2: n1 2, n2 3, d 1 (group 2): E1 = 2/5,  V = (2/5)(3/5)(4/4)    = 6/25
//  t=4: n1 1, n2 2, d 1 (group 1): E1 = 1/3,  V = (1/3)(2/3)(2/2)    = 2/9
//  t=5: n1 0, n2 2, d 1 (group 2): E1 = 0,    V = 0
// O1 = 2, E1 = 37/30, O1 − E1 = 23/30; V = 641/900; χ² = (529/900)/(641/900) = 529/641.
TEST(LogRank, HandWorkedExample) {
  const LogRank lr = log_rank({{1, true}, {3, false}, {4, true}}, {{2, true}, {5, true}, {6, false}});
  EXPECT_DOUBLE_EQ(lr.observed1, 2);
  EXPECT_DOUBLE_EQ(lr.observed2, 2);
  EXPECT_NEAR(lr.expected1, 37.0 / 30.0, 1e-12);
  EXPECT_NEAR(lr.expected2, 4 - 37.0 / 30.0, 1e-12);
  EXPECT_NEAR(lr.variance, 641.0 / 900.0, 1e-12);
  ASSERT_TRUE(lr.chi2);
  EXPECT_NEAR(*lr.chi2, 529.0 / 641.0, 1e-12);
  // p for χ² 0.8253 with 1 df: 0.3637 (tables: χ² 0.8253 → p ≈ 0.364).
  EXPECT_NEAR(*lr.p, 0.3637, 5e-4);
}

TEST(LogRank, IdenticalGroupsGiveChiSquareZeroAndNoEventsNoTest) {
  const std::vector<Survival> g{{1, true}, {2, false}, {3, true}};
  const LogRank same = log_rank(g, g);
  EXPECT_NEAR(*same.chi2, 0.0, 1e-12);
  EXPECT_NEAR(*same.p, 1.0, 1e-12);
  EXPECT_FALSE(log_rank({{1, false}}, {{2, false}}).chi2.has_value());
}

TEST(ChiSquare, UpperTailOneDegreeOfFreedom) {
  EXPECT_NEAR(chi2_1df_upper(3.841459), 0.05, 1e-6);
  EXPECT_NEAR(chi2_1df_upper(6.634897), 0.01, 1e-6);
  EXPECT_DOUBLE_EQ(chi2_1df_upper(0), 1.0);
}

}  // namespace
}  // namespace switchpoint::cohort
