#include "cohort/covariates.h"

#include <cmath>

#include "core/scores/albi.h"
#include "core/scores/child_pugh.h"

namespace switchpoint::cohort {
namespace {

bool within(Date d, Date at, int window_days) { return d <= at && days_between(d, at) <= window_days; }

// The latest study on or before `at`, within the window, that reports the field.
template <class Get>
auto latest_imaging(const PatientRecord& r, Date at, Get get) -> decltype(get(r.imaging.front())) {
  for (auto it = r.imaging.rbegin(); it != r.imaging.rend(); ++it) {
    if (it->date > at) continue;
    if (!within(it->date, at, kCovariateImagingWindowDays)) break;
    if (auto v = get(*it)) return v;
  }
  return std::nullopt;
}

}  // namespace

constexpr int kRecordedChildPughWindowDays = 30;

Covariates covariates_at(const PatientRecord& r, Date at) {
  Covariates c{};
  auto set = [&c](Covariate k, std::optional<double> v) { c[static_cast<std::size_t>(k)] = v; };
  if (const auto cp = child_pugh_value(r, at)) {
    set(Covariate::ChildPughPoints, cp->points);
  } else {
    // No score from the inputs: the points a source recorded (DTSDHCC's Child_pugh_score), within
    // the 30 days the engine's own Child-Pugh allows its inputs (P-input-currency).
    for (auto it = r.clinical.rbegin(); it != r.clinical.rend(); ++it) {
      if (it->date > at) continue;
      if (!within(it->date, at, kRecordedChildPughWindowDays)) break;
      if (it->child_pugh_points_recorded) {
        set(Covariate::ChildPughPoints, *it->child_pugh_points_recorded);
        break;
      }
    }
  }
  for (auto it = r.clinical.rbegin(); it != r.clinical.rend(); ++it) {
    if (it->date > at) continue;
    if (!within(it->date, at, kCovariateLabWindowDays)) break;
    if (it->ecog) {
      set(Covariate::Ecog, *it->ecog);
      break;
    }
  }
  if (const auto a = albi(r, at).value) set(Covariate::Albi, a->value);
  const auto count = latest_imaging(r, at, [](const ImagingStudy& s) { return s.intrahepatic_tumor_count; });
  const auto size = latest_imaging(r, at, [](const ImagingStudy& s) { return s.largest_diameter_cm; });
  if (count && size) set(Covariate::TumourBurden, *size + *count);
  for (auto it = r.labs.afp_ng_per_ml.rbegin(); it != r.labs.afp_ng_per_ml.rend(); ++it) {
    if (it->date > at) continue;
    if (within(it->date, at, kCovariateLabWindowDays) && it->value > 0) set(Covariate::Log10Afp, std::log10(it->value));
    break;
  }
  if (const auto vi = latest_imaging(r, at, [](const ImagingStudy& s) { return s.vascular_invasion; }))
    set(Covariate::VascularInvasion, *vi == VascularInvasion::Absent ? 0 : 1);
  if (const auto ehs = latest_imaging(r, at, [](const ImagingStudy& s) { return s.extrahepatic_spread; }))
    set(Covariate::ExtrahepaticSpread, *ehs ? 1 : 0);
  if (r.birth_date && *r.birth_date <= at) set(Covariate::AgeYears, days_between(*r.birth_date, at) / 365.25);
  return c;
}

}  // namespace switchpoint::cohort
