#pragma once
// Switch versus continue (`switchpoint cohort … --analysis analysis.json`, docs/cohort.md
// "Comparing switch with continue"): per definition, a landmark analysis at the refractoriness
// date + L days (default 90) with a Cox proportional-hazards model adjusted for the covariates the
// data have (cohort/covariates.h), Breslow's method for tied death times; a check of proportional
// hazards (a switch × log(time) term); and, as a sensitivity analysis, a Cox model with switching
// as a time-varying exposure from the refractoriness date (counting process). The linear algebra is
// Eigen's. tests/cohort/referee/ checks every estimate against R's survival package.
//
// The estimand of the landmark analysis: among patients refractory under the definition, without
// systemic therapy before the refractoriness date, alive and under follow-up L days after it, the
// hazard ratio of death from then on for those who had started systemic therapy by then versus
// those who had not, adjusted for the covariates on the refractoriness date; a "continued"
// patient who switches after the landmark is censored at that switch (per protocol:
// AnalysisOptions::censor_at_later_switch), which assumes that the later switch depends only on
// the adjusted covariates and on what does not itself change the hazard. It is not the effect of
// a policy of switching, and unmeasured reasons for switching are not adjusted for.
#include <optional>
#include <string>
#include <vector>

#include "cohort/cohort.h"
#include "cohort/stats.h"

namespace switchpoint::cohort {

// ---- Cox proportional hazards (Breslow ties), counting-process form -------------------------

struct CoxInput {
  // Per subject: the interval (start, stop], death at stop or not, and the covariates (p each).
  std::vector<double> start, stop;
  std::vector<bool> event;
  std::vector<std::vector<double>> x;
  // When ≥ 0: the model has one more coefficient, for x[tt_column] × log(t) at each death time t
  // (t > 0 throughout): the proportional-hazards check.
  int tt_column = -1;
};

struct CoxFit {
  bool converged = false;
  int iterations = 0;
  std::vector<double> beta, se;  // p (+1 with tt_column)
  double loglik = 0, loglik_null = 0;
  std::string problem;  // why there is no estimate ("" when converged)
};

CoxFit cox_breslow(const CoxInput& in);

// Two-sided p of a Wald z: erfc(|z|/√2).
double wald_p(double z);

// ---- the analysis table ------------------------------------------------------------------------

struct AnalysisOptions {
  int landmark_days = 90;
  // A continued patient who starts systemic therapy after the landmark is censored on that day
  // (per protocol) rather than followed on as "continued" (as assigned at the landmark), which
  // would dilute the HR towards 1 (docs/cohort.md "What the analysis can and cannot claim").
  bool censor_at_later_switch = true;
};

// One subject of one analysis: days are counted from the landmark (landmark table) or from the
// refractoriness date (time-varying table, one line per interval).
struct AnalysisLine {
  std::string patient_id;
  double tstart = 0, tstop = 0;
  bool died = false;
  bool switched = false;
  Covariates covariates{};
};

struct Comparison {
  std::string definition;
  int landmark_days = 90;
  // Who is in it and who is left out, in that order of checks.
  long refractory = 0;             // refractory with a since date
  long no_outcome = 0;             // death and follow-up unknown
  long systemic_before = 0;        // systemic therapy before the since date
  long ended_before_landmark = 0;  // died or follow-up ended on or before since + L
  long missing_covariates = 0;     // a covariate the data have is absent on the since date
  long n_switch = 0, n_continue = 0, events_switch = 0, events_continue = 0;
  long censored_at_later_switch = 0;          // continued, censored when they switched after the landmark
  bool censor_at_later_switch = true;         // AnalysisOptions::censor_at_later_switch, for the JSON
  std::vector<std::string> adjusted_for;      // covariates in the model
  std::vector<std::string> constant_dropped;  // covariates with one value only among the subjects
  std::vector<std::string> not_in_data;       // covariates no refractory patient has (not adjusted for)
  std::vector<AnalysisLine> landmark;         // complete cases
  std::optional<double> hr, ci_low, ci_high, p;
  std::string problem;  // why there is no estimate
  // Proportional hazards: the coefficient of switch × log(days since the landmark) and its p.
  std::optional<double> ph_coef, ph_p;
  // Sensitivity: switching as a time-varying exposure from the since date (no landmark).
  std::vector<AnalysisLine> time_varying;
  long tv_patients = 0, tv_switched = 0, tv_events = 0;
  std::vector<std::string> tv_adjusted_for;
  std::optional<double> tv_hr, tv_ci_low, tv_ci_high, tv_p;
  std::string tv_problem;
  // Kaplan–Meier from the landmark, in days, per group (Greenwood bands).
  KaplanMeier km_switch, km_continue;
};

// Per definition, in kDefinitions order.
std::vector<Comparison> compare_switch_continue(const std::vector<CohortRow>& rows, const AnalysisOptions& options);

// `--analysis FILE.json` (INTERFACES.md shape, extended): byte-identical for the same result.
std::string analysis_json(const std::vector<Comparison>& comparisons);

// `--analysis-table FILE.csv`: every line the models saw, for a referee (tests/cohort/referee):
// definition, analysis (landmark | time-varying), patient_id, tstart, tstop, died, switched and
// the covariates (kCovariateNames).
std::string analysis_table_csv(const std::vector<Comparison>& comparisons);

}  // namespace switchpoint::cohort
