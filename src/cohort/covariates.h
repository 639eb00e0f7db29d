#pragma once
// The covariates of the switch-versus-continue analysis (cohort/analysis.h), each as it stood on
// one date (a definition's refractoriness date): the latest value on or before it, within a
// window, from the patient's record. A value outside its window, or never recorded, is absent:
// the patient is then left out of the adjusted analysis (complete cases), never imputed.
#include <array>
#include <optional>
#include <string_view>

#include "core/date.h"
#include "core/record.h"

namespace switchpoint::cohort {

// The covariates in the order of the model (their names are the analysis table's columns).
enum class Covariate : unsigned char {
  ChildPughPoints,     // Child-Pugh points (5–15), the engine's count (rule child-pugh)
  Ecog,                // ECOG performance status 0–4
  Albi,                // ALBI score (continuous)
  TumourBurden,        // up-to-seven sum: largest diameter (cm) + number of nodules
  Log10Afp,            // log10 of AFP in ng/mL
  VascularInvasion,    // 1 when macrovascular invasion (branch or main portal vein), else 0
  ExtrahepaticSpread,  // 1 / 0
  AgeYears,            // age in years (days / 365.25)
};
inline constexpr std::size_t kCovariateCount = 8;
inline constexpr std::array<std::string_view, kCovariateCount> kCovariateNames{
    "child_pugh_points",   "ecog",     "albi", "tumour_burden", "log10_afp", "vascular_invasion",
    "extrahepatic_spread", "age_years"};

// Windows before the date within which a value still describes the patient on it.
inline constexpr int kCovariateLabWindowDays = 90;       // AFP, ECOG (Child-Pugh and ALBI: the engine's own)
inline constexpr int kCovariateImagingWindowDays = 120;  // tumour count and size, invasion, spread

using Covariates = std::array<std::optional<double>, kCovariateCount>;

Covariates covariates_at(const PatientRecord& record, Date at);

}  // namespace switchpoint::cohort
