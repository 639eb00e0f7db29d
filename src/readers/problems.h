#pragma once
// What a reader found wrong, where. Readers return every problem, not just the first.
#include <map>
#include <string>
#include <vector>

#include "core/record.h"

namespace switchpoint {

struct Problem {
  std::string location;  // JSON pointer ("/labs/3/value"), or file:line for line formats
  std::string message;   // names the field, the value, the unit and what was expected
};

struct ReadResult {
  std::optional<PatientRecord> record;  // present only when there are no problems
  std::vector<Problem> problems;
  // Resources or codes a reader did not use, counted by kind ("Observation code LOINC 2951-2").
  std::map<std::string, int> skipped;
  std::string format;  // "switchpoint.record/1" or "FHIR R4 Bundle"

  bool ok() const { return record.has_value() && problems.empty(); }
};

}  // namespace switchpoint
