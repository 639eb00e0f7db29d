#include "core/therapy/followup.h"

namespace switchpoint {

std::optional<Reassessment> next_reassessment(const PatientRecord& r, Date as_of) {
  const SystemicTherapy* current = nullptr;
  for (const auto& s : r.systemic)
    if (s.start <= as_of && (!s.end || *s.end > as_of)) current = &s;
  if (!current) return std::nullopt;
  Reassessment out;
  Date from = current->start;
  for (const auto& i : r.imaging)
    if (i.date <= as_of) out.last_imaging = i.date;
  if (out.last_imaging && *out.last_imaging > from) from = *out.last_imaging;
  out.window_opens = from.plus_days(60);
  out.due = from.plus_days(90);
  return out;
}

}  // namespace switchpoint
