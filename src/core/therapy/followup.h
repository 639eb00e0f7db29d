#pragma once
// Conversion therapy follow-up (CLINICAL_RULES.md §9; seed 004 step 5): patients on systemic
// therapy are re-imaged every 2–3 months to look for conversion to resection.
#include <optional>

#include "core/record.h"

namespace switchpoint {

struct Reassessment {
  Date window_opens;  // last imaging + 60 days
  Date due;           // last imaging + 90 days
  std::optional<Date> last_imaging;
};

// Present only for a patient on systemic therapy on the as-of date. Without imaging since the
// therapy began, the reassessment is due from the start date.
std::optional<Reassessment> next_reassessment(const PatientRecord& r, Date as_of);

}  // namespace switchpoint
