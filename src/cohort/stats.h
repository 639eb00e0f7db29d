#pragma once
// The statistics of the cohort report, written out so that they can be checked by hand:
// Cohen's kappa for two raters and two categories, the Kaplan–Meier product-limit estimator,
// and the log-rank test for two groups.
#include <optional>
#include <vector>

namespace switchpoint::cohort {

// Cohen's kappa from a 2×2 table: both yes, first only, second only, both no.
struct Kappa {
  long both_yes = 0, first_only = 0, second_only = 0, both_no = 0;
  long n() const { return both_yes + first_only + second_only + both_no; }
  double observed = 0;          // p_o: proportion of agreement
  double expected = 0;          // p_e: agreement expected by chance from the margins
  std::optional<double> kappa;  // (p_o − p_e) / (1 − p_e); absent when n = 0 or p_e = 1
  // Large-sample standard error of kappa (Cohen 1960: √(p_o(1 − p_o) / (n(1 − p_e)²))) and the
  // 95% confidence interval kappa ± 1.959964·SE, clipped to [−1, 1]; absent with kappa.
  std::optional<double> se;
  std::optional<double> ci_low, ci_high;
};
Kappa cohen_kappa(long both_yes, long first_only, long second_only, long both_no);

// One subject: time from the origin (any unit) and whether the event happened then (else censored).
struct Survival {
  double time = 0;
  bool event = false;
};

struct KmStep {
  double time = 0;   // a time at which events happened
  long at_risk = 0;  // subjects with time ≥ this time
  long events = 0;
  double survival = 1;  // S(t) just after this time
  // Greenwood: the standard error of log S(t), √Σ d/(n(n − d)) over event times ≤ t, and the 95%
  // confidence band on the log scale, S·exp(∓1.959964·SE) with the upper end capped at 1 (R's
  // survfit, conf.type = "log"). Absent once S(t) = 0.
  std::optional<double> std_err_log;
  std::optional<double> lower, upper;
};

struct KaplanMeier {
  long n = 0, events = 0;
  std::vector<KmStep> steps;  // by time, event times only
  std::vector<double> censored_times;
  double survival_at(double t) const;    // S(t), right-continuous
  long at_risk_at(double t) const;       // subjects with time ≥ t
  std::optional<double> median() const;  // the first time S(t) ≤ 0.5
  std::vector<double> times;             // every subject's time, sorted (for at_risk_at)
  // The last time the curve may be drawn: the curve is cut where fewer than `min_at_risk` subjects
  // remain at risk (the latest time t with at_risk_at(t) ≥ min_at_risk; absent when n < min_at_risk).
  std::optional<double> cut_time(long min_at_risk = 10) const;
};
// Censored subjects at an event time are counted at risk at that time (the usual convention).
KaplanMeier kaplan_meier(std::vector<Survival> subjects);

struct LogRank {
  long n1 = 0, n2 = 0;
  double observed1 = 0, expected1 = 0, observed2 = 0, expected2 = 0;
  double variance = 0;         // hypergeometric variance of O1 − E1
  std::optional<double> chi2;  // (O1 − E1)² / V, 1 degree of freedom; absent when V = 0
  std::optional<double> p;
};
LogRank log_rank(const std::vector<Survival>& group1, const std::vector<Survival>& group2);

// The two-sided 95% normal quantile, Φ⁻¹(0.975).
inline constexpr double kZ975 = 1.959963984540054;

// Upper tail of the chi-squared distribution with 1 degree of freedom: erfc(√(x/2)).
double chi2_1df_upper(double x);

}  // namespace switchpoint::cohort
