#pragma once
// The seven pitfalls of seed 004 (CLINICAL_RULES.md §8), raised from the record's history.
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace switchpoint {

enum class Severity : unsigned char { Info, Warning, Critical };
std::string_view to_string(Severity);

struct Alert {
  std::string id;  // "pitfall-1-adjuvant-sorafenib" … (catalogue ids)
  Severity severity = Severity::Warning;
  std::string message;
  std::optional<Date> on;
};

std::vector<Alert> evaluate_alerts(const PatientRecord& r, Date as_of);

}  // namespace switchpoint
