#pragma once
// The rule catalogue: every score, response rule, candidacy rule, refractoriness definition
// and criterion, checkpoint question, regimen and alert, with its source and evidence grade
// (CLINICAL_RULES.md). The engine cites these entries; `switchpoint rules` prints them; so the
// documentation and the behaviour come from one table and cannot drift.
#include <span>
#include <string_view>

namespace switchpoint {

// V verified in the primary text; S confirmed in a reliable secondary source; P project
// operationalization where the source gives no number; U unverified: informational only,
// never allowed to trigger refractoriness, a verdict or a contraindication.
enum class Grade : char { V = 'V', S = 'S', P = 'P', U = 'U' };

enum class RuleKind : unsigned char {
  Score,
  Response,
  Candidacy,
  Definition,
  Criterion,
  Checkpoint,
  Regimen,
  Alert,
  ProjectChoice,
};

struct RuleInfo {
  std::string_view id;  // stable, cited in every output
  RuleKind kind;
  std::string_view title;
  Grade grade;
  std::string_view grade_note;  // e.g. "mapping P", "cut-off unverified"
  std::string_view source;
  std::string_view statement;  // the rule as the engine applies it
};

std::span<const RuleInfo> rule_catalogue();
// The parts, one per area file.
std::span<const RuleInfo> score_rules();
std::span<const RuleInfo> refractoriness_rules();
std::span<const RuleInfo> therapy_rules();
// Looks up a rule by id; an unknown id is a programming error (tests check every cited id).
const RuleInfo& rule(std::string_view id);
std::string_view to_string(Grade);
std::string_view to_string(RuleKind);

inline constexpr const char* kKnowledgeVersion = "2026.11-1";

}  // namespace switchpoint
