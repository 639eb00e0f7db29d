#pragma once
// Decision → plain text for a clinician: verdict first, then the evidence, then the scores.
#include <string>

#include "core/engine.h"
#include "presenters/decision_json.h"

namespace switchpoint {

std::string decision_to_text(const Decision& d);
// The same, saying first what the input held that was not read (skipped and counted by the reader).
std::string decision_to_text(const Decision& d, const InputSummary& input);
std::string scores_to_text(const Decision& d);

}  // namespace switchpoint
