#pragma once
// Reading computed scores back by key and field, for rules that combine scores (candidacy,
// checkpoint) without depending on each score's internals.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scores/score.h"

namespace switchpoint {

const ScoreResult* find_score(const std::vector<ScoreResult>& scores, std::string_view key);
// The field as text / number / bool when the score was computed and applicable.
std::optional<std::string> score_text(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field);
std::optional<double> score_number(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field);
std::optional<bool> score_flag(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field);

}  // namespace switchpoint
