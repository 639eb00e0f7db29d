#include "core/timeline.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>

#include "core/number_text.h"
#include "core/text.h"
#include "core/units.h"

namespace switchpoint {

const LabValue* latest_lab(const LabSeries& series, Date at, int window_days) {
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    if (it->date > at) continue;
    return days_between(it->date, at) <= window_days ? &*it : nullptr;
  }
  return nullptr;
}

namespace {
template <typename Pred>
const ClinicalAssessment* latest_clinical(const PatientRecord& r, Date at, Pred has,
                                          int window_days = kClinicalWindowDays) {
  for (auto it = r.clinical.rbegin(); it != r.clinical.rend(); ++it) {
    if (it->date > at) continue;
    if (days_between(it->date, at) > window_days) return nullptr;
    if (has(*it)) return &*it;
  }
  return nullptr;
}
}  // namespace

const ClinicalAssessment* latest_ascites_any(const PatientRecord& r, Date at) {
  return latest_clinical(
      r, at, [](const ClinicalAssessment& c) { return c.ascites.has_value() || c.ascites_present_ungraded; });
}
const ClinicalAssessment* latest_encephalopathy_any(const PatientRecord& r, Date at) {
  return latest_clinical(r, at, [](const ClinicalAssessment& c) {
    return c.encephalopathy.has_value() || c.encephalopathy_present_ungraded;
  });
}
const ClinicalAssessment* latest_ascites(const PatientRecord& r, Date at) {
  const ClinicalAssessment* c = latest_ascites_any(r, at);
  return c && c->ascites ? c : nullptr;
}
const ClinicalAssessment* latest_encephalopathy(const PatientRecord& r, Date at) {
  const ClinicalAssessment* c = latest_encephalopathy_any(r, at);
  return c && c->encephalopathy ? c : nullptr;
}
const ClinicalAssessment* latest_ecog(const PatientRecord& r, Date at) {
  return latest_clinical(
      r, at, [](const ClinicalAssessment& c) { return c.ecog.has_value(); }, kEcogWeightWindowDays);
}
const ClinicalAssessment* latest_weight(const PatientRecord& r, Date at) {
  return latest_clinical(
      r, at, [](const ClinicalAssessment& c) { return c.weight_kg.has_value(); }, kEcogWeightWindowDays);
}

std::string confirm_today_note(Date recorded, Date at) {
  if (!needs_confirmation_today(recorded, at)) return "";
  return format_text(FMT_COMPILE(" (recorded {}, {} days before: confirm today)"), recorded.iso(),
                     days_between(recorded, at));
}

std::string describe(const LabValue& v, Quantity q) {
  // Every score names its lab inputs this way: one string, formats compiled (issue 16).
  const QuantitySpec& s = spec_of(q);
  std::string out;
  if (!v.entered_unit.empty() && v.entered_value != v.value)
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{} {} = "), G{v.entered_value}, v.entered_unit);
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("{} {}"), G{v.value}, s.canonical_unit);
  return out;
}

}  // namespace switchpoint
