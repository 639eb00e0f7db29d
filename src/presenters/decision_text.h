#pragma once
// Decision → plain text for a clinician: verdict first, then the evidence, then the scores.
#include <string>

#include "core/engine.h"

namespace switchpoint {

std::string decision_to_text(const Decision& d);
std::string scores_to_text(const Decision& d);

}  // namespace switchpoint
