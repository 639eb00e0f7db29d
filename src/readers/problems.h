#pragma once
// What a reader found wrong, where. Readers return every problem, not just the first.
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/record.h"
#include "readers/not_read.h"

namespace switchpoint {

struct Problem {
  std::string location;  // JSON pointer ("/labs/3/value"), or file:line for line formats
  std::string message;   // names the field, the value, the unit and what was expected
};

// A reader lists at most this many problems, then one saying that more were found. Every problem
// of a real record fits; a hostile one (a few bytes of "{}," per problem, megabytes of them) must
// not turn into gigabytes of messages in memory, on standard error or in an HTTP answer.
inline constexpr std::size_t kMaxProblems = 1000;
inline constexpr const char* kMoreProblems =
    "more than 1000 problems: the rest are not listed (correct these first, then validate again)";

// At most this many TACE sessions in one patient's record. The most in the DTSDHCC cohort is 17;
// more than 100 means merged patients or a duplicating export, and the engine's session-by-session
// judgements grow quadratically with the count (10,000 sessions took 10 s): every reader refuses it.
inline constexpr std::size_t kMaxTaceSessions = 100;
inline std::string too_many_tace_sessions(std::size_t n) {
  return "the record has " + std::to_string(n) + " TACE sessions; more than " + std::to_string(kMaxTaceSessions) +
         " is not plausible for one patient (are several patients or duplicated sessions merged?)";
}

// Appends a problem within the limit above.
inline void add_problem(std::vector<Problem>& problems, std::string location, std::string message) {
  if (problems.size() < kMaxProblems) problems.push_back({std::move(location), std::move(message)});
  else if (problems.size() == kMaxProblems) problems.push_back({"", kMoreProblems});
}

struct ReadResult {
  std::optional<PatientRecord> record;  // present only when there are no problems
  std::vector<Problem> problems;
  // Resources or codes a reader did not use, counted by kind ("Observation code LOINC 2951-2").
  std::map<std::string, int> skipped;
  // The same resources, structured (resource, system, code, the display sent, reason, count), most
  // frequent first: what was sent but not read. Duplicates read once and the HCC diagnosis
  // ("used: diagnosis") are counted in `skipped` only: they were read. Empty for the native record.
  std::vector<NotRead> not_read;
  std::string format;  // "switchpoint.record/1" or "FHIR R4 Bundle"

  bool ok() const { return record.has_value() && problems.empty(); }
};

// The reader's summary for the outputs, plus the count of entries after `as_of` when there are any.
InputSummary input_summary(const ReadResult& rr, Date as_of);

}  // namespace switchpoint
