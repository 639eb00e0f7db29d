#pragma once
// Decision → JSON, schema "switchpoint.decision/1" (INTERFACES.md).
#include <string>

#include "core/engine.h"
#include "core/not_read.h"
#include "presenters/json_writer.h"

namespace switchpoint {

inline constexpr const char* kDecisionSchema = "switchpoint.decision/1";

std::string decision_to_json(const Decision& d, const InputSummary& input, bool pretty = true);
void write_score(JsonWriter& w, const ScoreResult& s);

}  // namespace switchpoint
