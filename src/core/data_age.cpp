#include "core/data_age.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include "core/text.h"

namespace switchpoint {

std::optional<std::string> data_age_warning(const PatientRecord& r, Date reference, std::string_view reference_label) {
  const auto latest = r.latest_entry_date();
  if (!latest || *latest > reference) return std::nullopt;
  const int age = days_between(*latest, reference);
  if (age <= kDataAgeWarningDays) return std::nullopt;
  return format_text(
      FMT_COMPILE(
          "old data: the latest entry is from {}, {} days before {} ({}). This decision describes the patient on {}; "
          "labs and bedside findings older than 30 days and imaging older than 92 days would not count today — "
          "obtain current data and re-evaluate before acting on it."),
      latest->iso(), age, reference_label, reference.iso(), latest->iso());
}

}  // namespace switchpoint
