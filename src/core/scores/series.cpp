#include "core/scores/series.h"

#include <algorithm>

#include "core/timeline.h"

namespace switchpoint {
namespace {

// The distinct dates of the given lab series (and, with `clinical`, of bedside assessments
// recording ascites or encephalopathy), ascending.
std::vector<Date> input_dates(std::initializer_list<const LabSeries*> labs, const PatientRecord& r, bool clinical) {
  std::vector<Date> dates;
  for (const auto* s : labs)
    for (const auto& v : *s) dates.push_back(v.date);
  if (clinical)
    for (const auto& c : r.clinical)
      if (c.ascites || c.encephalopathy) dates.push_back(c.date);
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

std::optional<Albi> albi_on(const PatientRecord& r, Date at) {
  const LabValue* bili = latest_lab(r.labs.bilirubin_umol_per_l, at);
  const LabValue* alb = latest_lab(r.labs.albumin_g_per_l, at);
  if (!bili || !alb) return std::nullopt;
  const double v = albi_value(bili->value, alb->value);
  return Albi{v, albi_grade(v), malbi_grade(v)};
}

}  // namespace

ScoreSeries score_series(const PatientRecord& r) {
  ScoreSeries s;
  for (const Date at : input_dates({&r.labs.bilirubin_umol_per_l, &r.labs.albumin_g_per_l}, r, false))
    if (auto a = albi_on(r, at)) s.albi.push_back({at, *a});
  for (const Date at : input_dates(
           {&r.labs.bilirubin_umol_per_l, &r.labs.albumin_g_per_l, &r.labs.inr, &r.labs.pt_prolongation_s}, r, true))
    if (auto c = child_pugh_value(r, at)) s.child_pugh.push_back({at, *c});
  return s;
}

std::vector<std::optional<ChildPugh>> child_pugh_on(const PatientRecord& r, const std::vector<Date>& dates) {
  std::vector<std::optional<ChildPugh>> out;
  out.reserve(dates.size());
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const auto same = std::find(dates.begin(), dates.begin() + static_cast<std::ptrdiff_t>(i), dates[i]);
    out.push_back(same != dates.begin() + static_cast<std::ptrdiff_t>(i)
                      ? out[static_cast<std::size_t>(same - dates.begin())]
                      : child_pugh_value(r, dates[i]));
  }
  return out;
}

}  // namespace switchpoint
