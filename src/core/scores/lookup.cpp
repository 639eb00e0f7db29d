#include "core/scores/lookup.h"

namespace switchpoint {

const ScoreResult* find_score(const std::vector<ScoreResult>& scores, std::string_view key) {
  for (const auto& s : scores)
    if (s.key == key) return &s;
  return nullptr;
}

namespace {
const FieldValue* computed_field(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field) {
  const ScoreResult* s = find_score(scores, key);
  if (!s || !s->computed || !s->applicable) return nullptr;
  return s->field(field);
}
}  // namespace

std::optional<std::string> score_text(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field) {
  const FieldValue* v = computed_field(scores, key, field);
  if (!v) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* i = std::get_if<int>(v)) return std::to_string(*i);
  return std::nullopt;
}

std::optional<double> score_number(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field) {
  const FieldValue* v = computed_field(scores, key, field);
  if (!v) return std::nullopt;
  if (const auto* n = std::get_if<Number>(v)) return n->value;
  if (const auto* i = std::get_if<int>(v)) return *i;
  return std::nullopt;
}

std::optional<bool> score_flag(const std::vector<ScoreResult>& scores, std::string_view key, std::string_view field) {
  const FieldValue* v = computed_field(scores, key, field);
  if (!v) return std::nullopt;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  return std::nullopt;
}

}  // namespace switchpoint
