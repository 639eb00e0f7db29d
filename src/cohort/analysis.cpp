#include "cohort/analysis.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>

namespace switchpoint::cohort {

double wald_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

namespace {

struct CoxEval {
  double loglik = 0;
  Eigen::VectorXd u;  // score
  Eigen::MatrixXd i;  // observed information
};

// The Breslow partial likelihood, its score and information at beta. Covariates are centred
// (which changes no estimate: a constant added to a covariate at a death time cancels there).
class CoxModel {
 public:
  explicit CoxModel(const CoxInput& in) : in_(in) {
    n_ = in.stop.size();
    p0_ = n_ ? in.x[0].size() : 0;
    p_ = p0_ + (in.tt_column >= 0 ? 1 : 0);
    mean_.assign(p0_, 0.0);
    for (const auto& row : in.x)
      for (std::size_t j = 0; j < p0_; ++j) mean_[j] += row[j];
    for (auto& m : mean_) m /= static_cast<double>(n_ ? n_ : 1);
    for (std::size_t k = 0; k < n_; ++k)
      if (in.event[k]) times_.push_back(in.stop[k]);
    std::sort(times_.begin(), times_.end());
    times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
    deaths_at_.resize(times_.size());
    for (std::size_t k = 0; k < n_; ++k)
      if (in.event[k])
        deaths_at_[static_cast<std::size_t>(std::lower_bound(times_.begin(), times_.end(), in.stop[k]) -
                                            times_.begin())]
            .push_back(k);
    by_stop_.resize(n_);
    for (std::size_t k = 0; k < n_; ++k) by_stop_[k] = k;
    by_start_ = by_stop_;
    std::stable_sort(by_stop_.begin(), by_stop_.end(),
                     [&in](std::size_t a, std::size_t b) { return in.stop[a] > in.stop[b]; });
    std::stable_sort(by_start_.begin(), by_start_.end(),
                     [&in](std::size_t a, std::size_t b) { return in.start[a] > in.start[b]; });
  }
  std::size_t p() const { return p_; }
  bool has_deaths() const { return !times_.empty(); }

  CoxEval eval(const Eigen::VectorXd& beta) const { return in_.tt_column >= 0 ? eval_tt(beta) : eval_cumulative(beta); }

 private:
  CoxEval zero() const {
    CoxEval e;
    e.u = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p_));
    e.i = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p_), static_cast<Eigen::Index>(p_));
    return e;
  }
  void add_time(CoxEval& e, double deaths, double s0, const Eigen::VectorXd& s1, const Eigen::MatrixXd& s2) const {
    const Eigen::VectorXd mean = s1 / s0;
    e.loglik -= deaths * std::log(s0);
    e.u -= deaths * mean;
    e.i += deaths * (s2 / s0 - mean * mean.transpose());
  }

  // Fixed covariates: the risk sets are built once, from the latest death time back, adding a
  // subject at its stop and removing it at its start (O(n·p²) per evaluation).
  CoxEval eval_cumulative(const Eigen::VectorXd& beta) const {
    CoxEval e = zero();
    const auto p = static_cast<Eigen::Index>(p_);
    std::vector<Eigen::VectorXd> z(n_, Eigen::VectorXd(p));
    std::vector<double> w(n_);
    for (std::size_t k = 0; k < n_; ++k) {
      fill(k, 1, z[k]);
      w[k] = std::exp(beta.dot(z[k]));
    }
    double s0 = 0;
    Eigen::VectorXd s1 = Eigen::VectorXd::Zero(p);
    Eigen::MatrixXd s2 = Eigen::MatrixXd::Zero(p, p);
    std::size_t a = 0, r = 0;
    for (auto t = times_.rbegin(); t != times_.rend(); ++t) {
      for (; a < n_ && in_.stop[by_stop_[a]] >= *t; ++a) {
        const std::size_t k = by_stop_[a];
        s0 += w[k];
        s1 += w[k] * z[k];
        s2.noalias() += w[k] * z[k] * z[k].transpose();
      }
      for (; r < n_ && in_.start[by_start_[r]] >= *t; ++r) {
        const std::size_t k = by_start_[r];
        s0 -= w[k];
        s1 -= w[k] * z[k];
        s2.noalias() -= w[k] * z[k] * z[k].transpose();
      }
      double deaths = 0;
      for (std::size_t k : deaths_at_[static_cast<std::size_t>(times_.rend() - t - 1)]) {
        deaths += 1;
        e.loglik += beta.dot(z[k]);
        e.u += z[k];
      }
      add_time(e, deaths, s0, s1, s2);
    }
    return e;
  }

  // With c × log(t) (c: the centred tt column) the covariates change with t, but only through
  // c: the subjects are grouped by their value of c, each group's sums are built cumulatively as
  // above with the fixed part, and combined at each death time with exp(β_tt·c·log t).
  CoxEval eval_tt(const Eigen::VectorXd& beta) const {
    CoxEval e = zero();
    const auto p0 = static_cast<Eigen::Index>(p0_);
    const auto c = static_cast<std::size_t>(in_.tt_column);
    const double beta_tt = beta(p0);
    const Eigen::VectorXd beta0 = beta.head(p0);
    std::vector<double> values;
    for (std::size_t k = 0; k < n_; ++k) values.push_back(in_.x[k][c] - mean_[c]);
    std::vector<double> groups = values;
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const std::size_t ng = groups.size();
    std::vector<std::size_t> group_of(n_);
    for (std::size_t k = 0; k < n_; ++k)
      group_of[k] =
          static_cast<std::size_t>(std::lower_bound(groups.begin(), groups.end(), values[k]) - groups.begin());
    std::vector<Eigen::VectorXd> z(n_, Eigen::VectorXd(p0));
    std::vector<double> w(n_);
    Eigen::VectorXd full(p0 + 1);
    for (std::size_t k = 0; k < n_; ++k) {
      full.setZero();
      fill(k, 1, full);
      z[k] = full.head(p0);
      w[k] = std::exp(beta0.dot(z[k]));
    }
    std::vector<double> a0(ng, 0.0);
    std::vector<Eigen::VectorXd> a1(ng, Eigen::VectorXd::Zero(p0));
    std::vector<Eigen::MatrixXd> a2(ng, Eigen::MatrixXd::Zero(p0, p0));
    Eigen::VectorXd s1(p0 + 1);
    Eigen::MatrixXd s2(p0 + 1, p0 + 1);
    std::size_t a = 0, r = 0;
    for (auto t = times_.rbegin(); t != times_.rend(); ++t) {
      for (; a < n_ && in_.stop[by_stop_[a]] >= *t; ++a) {
        const std::size_t k = by_stop_[a], g = group_of[k];
        a0[g] += w[k];
        a1[g] += w[k] * z[k];
        a2[g].noalias() += w[k] * z[k] * z[k].transpose();
      }
      for (; r < n_ && in_.start[by_start_[r]] >= *t; ++r) {
        const std::size_t k = by_start_[r], g = group_of[k];
        a0[g] -= w[k];
        a1[g] -= w[k] * z[k];
        a2[g].noalias() -= w[k] * z[k] * z[k].transpose();
      }
      const double lt = std::log(*t);
      double s0 = 0;
      s1.setZero();
      s2.setZero();
      for (std::size_t g = 0; g < ng; ++g) {
        const double v = groups[g] * lt, m = std::exp(beta_tt * v);
        s0 += m * a0[g];
        s1.head(p0) += m * a1[g];
        s1(p0) += m * v * a0[g];
        s2.topLeftCorner(p0, p0) += m * a2[g];
        s2.col(p0).head(p0) += m * v * a1[g];
        s2(p0, p0) += m * v * v * a0[g];
      }
      s2.row(p0).head(p0) = s2.col(p0).head(p0).transpose();
      double deaths = 0;
      for (std::size_t k : deaths_at_[static_cast<std::size_t>(times_.rend() - t - 1)]) {
        deaths += 1;
        full.head(p0) = z[k];
        full(p0) = values[k] * lt;
        e.loglik += beta.dot(full);
        e.u += full;
      }
      add_time(e, deaths, s0, s1, s2);
    }
    return e;
  }

  void fill(std::size_t k, double t, Eigen::VectorXd& z) const {
    for (std::size_t j = 0; j < p0_; ++j) z(static_cast<Eigen::Index>(j)) = in_.x[k][j] - mean_[j];
    if (in_.tt_column >= 0) {
      const auto c = static_cast<std::size_t>(in_.tt_column);
      z(static_cast<Eigen::Index>(p0_)) = (in_.x[k][c] - mean_[c]) * std::log(t);
    }
  }

  const CoxInput& in_;
  std::size_t n_ = 0, p0_ = 0, p_ = 0;
  std::vector<double> mean_;
  std::vector<double> times_;
  std::vector<std::vector<std::size_t>> deaths_at_;  // per death time, the subjects who died then
  std::vector<std::size_t> by_stop_, by_start_;      // subjects by stop / start, latest first
};

}  // namespace

CoxFit cox_breslow(const CoxInput& in) {
  CoxFit f;
  if (in.stop.empty()) {
    f.problem = "no patient to compare";
    return f;
  }
  const CoxModel model(in);
  if (!model.has_deaths()) {
    f.problem = "no death during follow-up";
    return f;
  }
  const auto p = static_cast<Eigen::Index>(model.p());
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  CoxEval e = model.eval(beta);
  f.loglik_null = e.loglik;
  // Newton–Raphson from 0 with step halving; converged when the largest step is below 1e-10.
  for (f.iterations = 1; f.iterations <= 60; ++f.iterations) {
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(e.i);
    const Eigen::VectorXd dvec = ldlt.vectorD();
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() ||
        !(dvec.minCoeff() > 1e-10 * dvec.cwiseAbs().maxCoeff())) {
      f.problem = "the covariates are collinear among these patients (the model cannot separate them)";
      return f;
    }
    Eigen::VectorXd step = ldlt.solve(e.u);
    Eigen::VectorXd next = beta + step;
    CoxEval en = model.eval(next);
    for (int h = 0; h < 30 && !(en.loglik >= e.loglik - 1e-12 * std::fabs(e.loglik)); ++h) {
      step /= 2;
      next = beta + step;
      en = model.eval(next);
    }
    beta = next;
    e = std::move(en);
    if (beta.cwiseAbs().maxCoeff() > 25) break;
    if (step.cwiseAbs().maxCoeff() < 1e-10) {
      f.converged = true;
      break;
    }
  }
  if (!f.converged) {
    f.problem = "the estimate does not converge (a group without deaths, or a covariate that separates the deaths)";
    return f;
  }
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(e.i);
  const Eigen::MatrixXd var = ldlt.solve(Eigen::MatrixXd::Identity(p, p));
  f.loglik = e.loglik;
  for (Eigen::Index j = 0; j < p; ++j) {
    f.beta.push_back(beta(j));
    f.se.push_back(std::sqrt(var(j, j)));
  }
  return f;
}

namespace {

// Complete in the covariates the data have (`in_data`).
bool complete(const Covariates& c, const std::vector<bool>& in_data) {
  for (std::size_t j = 0; j < kCovariateCount; ++j)
    if (in_data[j] && !c[j]) return false;
  return true;
}

// The covariates the data have and that vary among the lines (the others cannot be estimated).
std::vector<std::size_t> varying(const std::vector<AnalysisLine>& lines, const std::vector<bool>& in_data) {
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < kCovariateCount; ++j) {
    if (!in_data[j]) continue;
    std::set<double> values;
    for (const auto& l : lines) {
      values.insert(*l.covariates[j]);
      if (values.size() > 1) break;
    }
    if (values.size() > 1) out.push_back(j);
  }
  return out;
}

CoxInput cox_input(const std::vector<AnalysisLine>& lines, const std::vector<std::size_t>& cols) {
  CoxInput in;
  for (const auto& l : lines) {
    in.start.push_back(l.tstart);
    in.stop.push_back(l.tstop);
    in.event.push_back(l.died);
    std::vector<double> x{l.switched ? 1.0 : 0.0};
    for (std::size_t j : cols) x.push_back(*l.covariates[j]);
    in.x.push_back(std::move(x));
  }
  return in;
}

std::vector<std::string> names(const std::vector<std::size_t>& cols) {
  std::vector<std::string> out;
  out.reserve(cols.size());
  for (std::size_t j : cols) out.emplace_back(kCovariateNames[j]);
  return out;
}

}  // namespace

std::vector<Comparison> compare_switch_continue(const std::vector<CohortRow>& rows, const AnalysisOptions& options) {
  std::vector<Comparison> out;
  const int landmark = options.landmark_days;
  for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
    Comparison c;
    c.definition = std::string(kDefinitions[i]);
    c.landmark_days = landmark;
    c.censor_at_later_switch = options.censor_at_later_switch;
    // A covariate is in the data when some refractory patient has it on the since date; one that
    // no patient has (ECOG in DTSDHCC) cannot be adjusted for and is listed as not in the data.
    std::vector<bool> in_data(kCovariateCount, false);
    for (const auto& row : rows)
      if (row.input == InputStatus::Ok && row.definitions[i].status == RefractorinessStatus::Refractory)
        for (std::size_t j = 0; j < kCovariateCount; ++j)
          if (row.covariates_at_since[i][j]) in_data[j] = true;
    for (std::size_t j = 0; j < kCovariateCount; ++j)
      if (!in_data[j]) c.not_in_data.emplace_back(kCovariateNames[j]);
    for (const auto& row : rows) {
      if (row.input != InputStatus::Ok) continue;
      const auto& d = row.definitions[i];
      if (d.status != RefractorinessStatus::Refractory || !d.since) continue;
      ++c.refractory;
      const Date since = *d.since;
      if (!row.died || !row.follow_up_end || *row.follow_up_end < since) {
        ++c.no_outcome;
        continue;
      }
      std::optional<Date> first_sys;
      bool before = false;
      for (Date t : row.systemic_starts) {
        if (t < since) before = true;
        else if (!first_sys || t < *first_sys) first_sys = t;
      }
      if (before) {
        ++c.systemic_before;
        continue;
      }
      const Covariates& cov = row.covariates_at_since[i];
      bool died = *row.died;
      const int total = days_between(since, *row.follow_up_end);
      // Time-varying exposure from the since date.
      if (total > 0 && complete(cov, in_data)) {
        ++c.tv_patients;
        if (died) ++c.tv_events;
        const int s = first_sys ? days_between(since, *first_sys) : total;
        if (first_sys && s < total) {
          ++c.tv_switched;
          if (s > 0) c.time_varying.push_back({row.patient_id, 0, static_cast<double>(s), false, false, cov});
          c.time_varying.push_back(
              {row.patient_id, static_cast<double>(s), static_cast<double>(total), died, true, cov});
        } else {
          c.time_varying.push_back({row.patient_id, 0, static_cast<double>(total), died, false, cov});
        }
      }
      // The landmark.
      if (total <= landmark) {
        ++c.ended_before_landmark;
        continue;
      }
      if (!complete(cov, in_data)) {
        ++c.missing_covariates;
        continue;
      }
      const bool switched = first_sys && days_between(since, *first_sys) <= landmark;
      // Continued, then switched after the landmark: followed on continued TACE until the switch
      // and censored there (per protocol; a death on the day of the switch still counts).
      if (!switched && first_sys && options.censor_at_later_switch && *first_sys < *row.follow_up_end) {
        ++c.censored_at_later_switch;
        c.landmark.push_back(
            {row.patient_id, 0, static_cast<double>(days_between(since, *first_sys) - landmark), false, false, cov});
      } else {
        c.landmark.push_back({row.patient_id, 0, static_cast<double>(total - landmark), died, switched, cov});
      }
      died = c.landmark.back().died;
      (switched ? c.n_switch : c.n_continue) += 1;
      if (died) (switched ? c.events_switch : c.events_continue) += 1;
    }

    std::vector<Survival> sw, co;
    for (const auto& l : c.landmark) (l.switched ? sw : co).push_back({l.tstop, l.died});
    c.km_switch = kaplan_meier(std::move(sw));
    c.km_continue = kaplan_meier(std::move(co));

    const auto cols = varying(c.landmark, in_data);
    c.adjusted_for = names(cols);
    for (std::size_t j = 0; j < kCovariateCount; ++j)
      if (in_data[j] && !c.landmark.empty() && std::find(cols.begin(), cols.end(), j) == cols.end())
        c.constant_dropped.emplace_back(kCovariateNames[j]);
    if (c.n_switch == 0 && c.n_continue == 0) {
      c.problem = "no patient left to compare (see left_out)";
    } else if (c.n_switch == 0 || c.n_continue == 0) {
      c.problem = fmt::format("no patient {} at the landmark", c.n_switch == 0 ? "had switched" : "had not switched");
    } else if (c.events_switch == 0 || c.events_continue == 0) {
      c.problem = fmt::format("no death after the landmark among those who {}",
                              c.events_switch == 0 ? "had switched" : "had not switched");
    } else {
      CoxInput in = cox_input(c.landmark, cols);
      const CoxFit fit = cox_breslow(in);
      if (!fit.converged) {
        c.problem = fit.problem;
      } else {
        c.hr = std::exp(fit.beta[0]);
        c.ci_low = std::exp(fit.beta[0] - kZ975 * fit.se[0]);
        c.ci_high = std::exp(fit.beta[0] + kZ975 * fit.se[0]);
        c.p = wald_p(fit.beta[0] / fit.se[0]);
        in.tt_column = 0;
        const CoxFit ph = cox_breslow(in);
        if (ph.converged) {
          c.ph_coef = ph.beta.back();
          c.ph_p = wald_p(ph.beta.back() / ph.se.back());
        }
      }
    }

    const auto tv_cols = varying(c.time_varying, in_data);
    c.tv_adjusted_for = names(tv_cols);
    if (c.tv_patients == 0) {
      c.tv_problem = "no patient left to compare";
    } else if (c.tv_switched == 0 || c.tv_switched == c.tv_patients) {
      c.tv_problem = "everyone or no one switched";
    } else {
      const CoxFit fit = cox_breslow(cox_input(c.time_varying, tv_cols));
      if (!fit.converged) {
        c.tv_problem = fit.problem;
      } else {
        c.tv_hr = std::exp(fit.beta[0]);
        c.tv_ci_low = std::exp(fit.beta[0] - kZ975 * fit.se[0]);
        c.tv_ci_high = std::exp(fit.beta[0] + kZ975 * fit.se[0]);
        c.tv_p = wald_p(fit.beta[0] / fit.se[0]);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

std::string num(const std::optional<double>& v) { return v ? fmt::format("{:.10g}", *v) : "null"; }

std::string json_string(std::string_view s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) {
      o += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(ch)));
      continue;
    }
    o += ch;
  }
  return o + "\"";
}

std::string string_list(const std::vector<std::string>& v) {
  std::string o = "[";
  for (std::size_t k = 0; k < v.size(); ++k) o += (k ? ", " : "") + json_string(v[k]);
  return o + "]";
}

std::string km_json(const KaplanMeier& km) {
  std::string o = "[";
  for (std::size_t k = 0; k < km.steps.size(); ++k) {
    const auto& s = km.steps[k];
    o += fmt::format(
        "{}{{\"day\": {}, \"n_risk\": {}, \"deaths\": {}, \"survival\": {}, \"lower95\": {}, \"upper95\": {}}}",
        k ? ", " : "", num(s.time), s.at_risk, s.events, num(s.survival), num(s.lower), num(s.upper));
  }
  return o + "]";
}

}  // namespace

std::string analysis_json(const std::vector<Comparison>& comparisons) {
  std::string o = "{\"schema\": \"switchpoint.analysis/1\",\n \"comparisons\": [";
  for (std::size_t k = 0; k < comparisons.size(); ++k) {
    const auto& c = comparisons[k];
    const auto ci = [](const std::optional<double>& lo, const std::optional<double>& hi) {
      return lo && hi ? fmt::format("[{}, {}]", num(lo), num(hi)) : std::string("null");
    };
    o += fmt::format(
        "{}\n  {{\"definition\": {}, \"method\": \"landmark-cox\", \"landmark_days\": {}, \"hr\": {}, \"ci95\": {}, "
        "\"p\": {}, \"n_switch\": {}, \"n_continue\": {}, \"adjusted_for\": {},\n   \"ties\": \"breslow\", "
        "\"events_switch\": {}, \"events_continue\": {}, \"later_switch\": {}, \"continued_censored_at_later_switch\": "
        "{}, "
        "\"problem\": {}, "
        "\"constant_not_adjusted_for\": {}, "
        "\"not_in_data\": {},\n"
        "   \"left_out\": {{\"refractory\": {}, \"no_outcome\": {}, \"systemic_before_refractoriness\": {}, "
        "\"died_or_censored_by_landmark\": {}, \"missing_covariates\": {}}},\n"
        "   \"proportional_hazards\": {{\"test\": \"switch x log(days since landmark), Wald\", \"coef\": {}, \"p\": "
        "{}}},\n"
        "   \"time_varying\": {{\"method\": \"cox-time-varying\", \"hr\": {}, \"ci95\": {}, \"p\": {}, \"patients\": "
        "{}, "
        "\"switched\": {}, \"events\": {}, \"adjusted_for\": {}, \"problem\": {}}},\n"
        "   \"km_switch\": {},\n   \"km_continue\": {}}}",
        k ? "," : "", json_string(c.definition), c.landmark_days, num(c.hr), ci(c.ci_low, c.ci_high), num(c.p),
        c.n_switch, c.n_continue, string_list(c.adjusted_for), c.events_switch, c.events_continue,
        json_string(
            c.censor_at_later_switch
                ? "a continued patient who switches after the landmark is censored at the switch (per protocol; "
                  "assumes the later switch depends only on the adjusted covariates)"
                : "a continued patient who switches after the landmark stays continued (as assigned)"),
        c.censored_at_later_switch, c.problem.empty() ? "null" : json_string(c.problem),
        string_list(c.constant_dropped), string_list(c.not_in_data), c.refractory, c.no_outcome, c.systemic_before,
        c.ended_before_landmark, c.missing_covariates, num(c.ph_coef), num(c.ph_p), num(c.tv_hr),
        ci(c.tv_ci_low, c.tv_ci_high), num(c.tv_p), c.tv_patients, c.tv_switched, c.tv_events,
        string_list(c.tv_adjusted_for), c.tv_problem.empty() ? "null" : json_string(c.tv_problem), km_json(c.km_switch),
        km_json(c.km_continue));
  }
  return o + "\n ]}\n";
}

std::string analysis_table_csv(const std::vector<Comparison>& comparisons) {
  std::string o = "definition,analysis,patient_id,tstart,tstop,died,switched";
  for (auto n : kCovariateNames) o += fmt::format(",{}", n);
  o += "\n";
  auto lines = [&o](const Comparison& c, std::string_view analysis, const std::vector<AnalysisLine>& v) {
    for (const auto& l : v) {
      // Patient ids are written as given but quoted (RFC 4180) when they hold a comma or quote.
      std::string id = l.patient_id;
      if (id.find_first_of(",\"\r\n") != std::string::npos) {
        std::string q = "\"";
        for (char ch : id) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        id = q + "\"";
      }
      o += fmt::format("{},{},{},{},{},{},{}", c.definition, analysis, id, l.tstart, l.tstop, l.died ? 1 : 0,
                       l.switched ? 1 : 0);
      for (const auto& v2 : l.covariates) o += v2 ? fmt::format(",{:.17g}", *v2) : std::string(",NA");
      o += "\n";
    }
  };
  for (const auto& c : comparisons) {
    lines(c, "landmark", c.landmark);
    lines(c, "time-varying", c.time_varying);
  }
  return o;
}

}  // namespace switchpoint::cohort
