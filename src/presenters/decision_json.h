#pragma once
// Decision → JSON, schema "switchpoint.decision/1" (INTERFACES.md).
#include <string>

#include "core/engine.h"
#include "presenters/json_writer.h"
#include "readers/problems.h"

namespace switchpoint {

inline constexpr const char* kDecisionSchema = "switchpoint.decision/1";

struct InputSummary {
  std::string format;                 // which reader read it
  std::map<std::string, int> skipped; // what that reader did not use, counted
  std::vector<NotRead> not_read = {};  // the resources sent but not read, structured (ReadResult::not_read)
};

// The skipped-count key of the entries dated after the as-of date: a replay (--as-of, as_of=)
// evaluates the record as it stood then, so later entries are not used, and the output says how many.
inline constexpr const char* kAfterAsOf = "entries dated after the as-of date (not known then, not used)";
// The reader's summary, plus the count of entries after `as_of` when there are any.
InputSummary input_summary(const ReadResult& rr, Date as_of);

std::string decision_to_json(const Decision& d, const InputSummary& input, bool pretty = true);
void write_score(JsonWriter& w, const ScoreResult& s);

}  // namespace switchpoint
