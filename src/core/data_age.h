#pragma once
// "Old pictures" (P-data-age): a decision on data much older than the day it is read describes the
// patient as they were, not as they are. Said at the top of every output, with what it means.
#include <optional>
#include <string>

#include "core/record.h"

namespace switchpoint {

// Older than this, the latest entry is flagged (the labs' currency window, CLINICAL_RULES §7).
inline constexpr int kDataAgeWarningDays = 30;

// The latest entry's age on `reference` ("today" for a service that knows it, or the as-of date):
// a warning when it is more than kDataAgeWarningDays old, nullopt otherwise or with no entry.
// `reference_label` names the reference date ("today", "the as-of date").
std::optional<std::string> data_age_warning(const PatientRecord& r, Date reference, std::string_view reference_label);

}  // namespace switchpoint
