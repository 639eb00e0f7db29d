#pragma once
// Picking observations from the dated timeline. The windows are the project choice
// P-input-currency: a value older than its window is missing, never carried forward.
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"

namespace switchpoint {

inline constexpr int kLabWindowDays = 30;
inline constexpr int kClinicalWindowDays = 30;
inline constexpr int kImagingWindowDays = 92;
// P-ecog-weight-currency (CLINICAL_RULES §7 "Currency"): ECOG and body weight recorded up to 90 days
// before are used, shown with their date and "confirm today" when older than 30 days; older than
// 90 days they are missing. They never block a recommendation while within 90 days.
inline constexpr int kEcogWeightWindowDays = 90;
inline constexpr int kEcogWeightConfirmAfterDays = kClinicalWindowDays;

// Latest value dated on or before `at` and at most `window_days` earlier; nullptr if none.
const LabValue* latest_lab(const LabSeries& series, Date at, int window_days = kLabWindowDays);

// Latest bedside assessment with the given part present, on or before `at`, within the window.
// A grade is used only when no later assessment says "present, not graded": nullptr then (an
// earlier grade never stands for a later finding whose grade is unknown).
const ClinicalAssessment* latest_ascites(const PatientRecord& r, Date at);
const ClinicalAssessment* latest_encephalopathy(const PatientRecord& r, Date at);
// The latest assessment of ascites / encephalopathy, graded or present-ungraded (issue 14).
const ClinicalAssessment* latest_ascites_any(const PatientRecord& r, Date at);
const ClinicalAssessment* latest_encephalopathy_any(const PatientRecord& r, Date at);
// ECOG and weight: within kEcogWeightWindowDays (P-ecog-weight-currency).
const ClinicalAssessment* latest_ecog(const PatientRecord& r, Date at);
const ClinicalAssessment* latest_weight(const PatientRecord& r, Date at);
// True when an ECOG or weight dated `recorded` is used on `at` but must be confirmed today
// (older than 30 days, within 90).
inline bool needs_confirmation_today(Date recorded, Date at) {
  return days_between(recorded, at) > kEcogWeightConfirmAfterDays;
}
// " (recorded 2024-01-02, 45 days before: confirm today)" or "" when current.
std::string confirm_today_note(Date recorded, Date at);

// Latest imaging study on or before `at` within the imaging window that reports the field
// selected by `has` (a member pointer to an optional), or nullptr.
template <typename T>
const ImagingStudy* latest_imaging_with(const PatientRecord& r, Date at, std::optional<T> ImagingStudy::*field,
                                        int window_days = kImagingWindowDays) {
  for (auto it = r.imaging.rbegin(); it != r.imaging.rend(); ++it) {
    if (it->date > at) continue;
    if (days_between(it->date, at) > window_days) return nullptr;
    if ((*it.*field).has_value()) return &*it;
  }
  return nullptr;
}

// "3.0 mg/dL = 51.3 µmol/L" or "35 g/L": a lab value as a clinician reads it.
std::string describe(const LabValue& v, Quantity q);

}  // namespace switchpoint
