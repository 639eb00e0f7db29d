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
};

std::string decision_to_json(const Decision& d, const InputSummary& input, bool pretty = true);
void write_score(JsonWriter& w, const ScoreResult& s);

}  // namespace switchpoint
