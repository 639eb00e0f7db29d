#include "cohort/stats.h"

#include <algorithm>
#include <cmath>

namespace switchpoint::cohort {

Kappa cohen_kappa(long both_yes, long first_only, long second_only, long both_no) {
  Kappa k;
  k.both_yes = both_yes;
  k.first_only = first_only;
  k.second_only = second_only;
  k.both_no = both_no;
  const double n = static_cast<double>(k.n());
  if (n == 0) return k;
  k.observed = static_cast<double>(both_yes + both_no) / n;
  const double first_yes = static_cast<double>(both_yes + first_only) / n;
  const double second_yes = static_cast<double>(both_yes + second_only) / n;
  k.expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes);
  if (k.expected < 1) {
    k.kappa = (k.observed - k.expected) / (1 - k.expected);
    k.se = std::sqrt(k.observed * (1 - k.observed) / (n * (1 - k.expected) * (1 - k.expected)));
    k.ci_low = std::max(-1.0, *k.kappa - kZ975 * *k.se);
    k.ci_high = std::min(1.0, *k.kappa + kZ975 * *k.se);
  }
  return k;
}

double KaplanMeier::survival_at(double t) const {
  double s = 1;
  for (const auto& st : steps) {
    if (st.time > t) break;
    s = st.survival;
  }
  return s;
}

long KaplanMeier::at_risk_at(double t) const {
  return static_cast<long>(times.end() - std::lower_bound(times.begin(), times.end(), t));
}

std::optional<double> KaplanMeier::median() const {
  for (const auto& st : steps)
    if (st.survival <= 0.5) return st.time;
  return std::nullopt;
}

std::optional<double> KaplanMeier::cut_time(long min_at_risk) const {
  if (min_at_risk < 1 || static_cast<long>(times.size()) < min_at_risk) return std::nullopt;
  // times is sorted: the subject at index size − min_at_risk has the latest time with at least
  // min_at_risk subjects at or after it.
  return times[times.size() - static_cast<std::size_t>(min_at_risk)];
}

KaplanMeier kaplan_meier(std::vector<Survival> subjects) {
  KaplanMeier km;
  std::sort(subjects.begin(), subjects.end(), [](const Survival& a, const Survival& b) {
    return a.time < b.time || (a.time == b.time && a.event && !b.event);
  });
  km.n = static_cast<long>(subjects.size());
  for (const auto& s : subjects) km.times.push_back(s.time);
  double surv = 1, greenwood = 0;
  std::size_t i = 0;
  while (i < subjects.size()) {
    const double t = subjects[i].time;
    const long at_risk = static_cast<long>(subjects.size() - i);
    long d = 0, c = 0;
    for (; i < subjects.size() && subjects[i].time == t; ++i) {
      if (subjects[i].event) ++d;
      else ++c;
    }
    if (d > 0) {
      surv *= 1.0 - static_cast<double>(d) / static_cast<double>(at_risk);
      KmStep st{t, at_risk, d, surv, std::nullopt, std::nullopt, std::nullopt};
      if (d < at_risk) {
        greenwood += static_cast<double>(d) / (static_cast<double>(at_risk) * static_cast<double>(at_risk - d));
        const double se = std::sqrt(greenwood);
        st.std_err_log = se;
        st.lower = surv * std::exp(-kZ975 * se);
        st.upper = std::min(1.0, surv * std::exp(kZ975 * se));
      }
      km.steps.push_back(st);
      km.events += d;
    }
    for (long k = 0; k < c; ++k) km.censored_times.push_back(t);
  }
  return km;
}

LogRank log_rank(const std::vector<Survival>& group1, const std::vector<Survival>& group2) {
  LogRank r;
  r.n1 = static_cast<long>(group1.size());
  r.n2 = static_cast<long>(group2.size());
  std::vector<double> event_times;
  for (const auto* g : {&group1, &group2})
    for (const auto& s : *g)
      if (s.event) event_times.push_back(s.time);
  std::sort(event_times.begin(), event_times.end());
  event_times.erase(std::unique(event_times.begin(), event_times.end()), event_times.end());
  auto count = [](const std::vector<Survival>& g, double t, long& at_risk, long& events) {
    at_risk = events = 0;
    for (const auto& s : g) {
      if (s.time >= t) ++at_risk;
      if (s.time == t && s.event) ++events;
    }
  };
  for (double t : event_times) {
    long n1, d1, n2, d2;
    count(group1, t, n1, d1);
    count(group2, t, n2, d2);
    const double n = static_cast<double>(n1 + n2), d = static_cast<double>(d1 + d2);
    r.observed1 += static_cast<double>(d1);
    r.observed2 += static_cast<double>(d2);
    r.expected1 += d * static_cast<double>(n1) / n;
    r.expected2 += d * static_cast<double>(n2) / n;
    if (n > 1) r.variance += d * (static_cast<double>(n1) / n) * (static_cast<double>(n2) / n) * (n - d) / (n - 1);
  }
  if (r.variance > 0) {
    const double diff = r.observed1 - r.expected1;
    r.chi2 = diff * diff / r.variance;
    r.p = chi2_1df_upper(*r.chi2);
  }
  return r;
}

double chi2_1df_upper(double x) { return x <= 0 ? 1.0 : std::erfc(std::sqrt(x / 2)); }

}  // namespace switchpoint::cohort
