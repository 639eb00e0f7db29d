#pragma once
// JSH treatment effect (TE) of the treated nodules, RECICL 2015 (rule "jsh-te"; V): TE4 100%
// necrosis or 100% shrinkage; TE3 necrosis or shrinkage of 50% to < 100%; TE1 enlargement by
// ≥ 50% irrespective of necrosis (older RECICL versions said > 25%); TE2 anything else.
#include <optional>
#include <string_view>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

enum class TeGrade : unsigned char { TE1, TE2, TE3, TE4 };
std::string_view to_string(TeGrade);  // "TE1" … "TE4"

// viable_percent = 100 − necrosis%; size_change_percent: −100 = disappeared, +50 = enlarged by
// half. Order: TE4 by 100% shrinkage; TE1 by ≥ 50% enlargement (irrespective of necrosis);
// TE4 by viable 0%; TE3 by viable > 0 and ≤ 50% or shrinkage ≥ 50%; TE2 otherwise.
// Without a viable fraction only the size decides, and only when it is unambiguous (−100% →
// TE4, ≥ +50% → TE1); otherwise nullopt. Without a size change, the grade comes from the viable
// fraction alone and TE1 (enlargement) is not assessed — the report says so.
std::optional<TeGrade> jsh_te_grade(std::optional<double> viable_percent, std::optional<double> size_change_percent);

struct JshTeResult {
  std::optional<TeGrade> value;
  ScoreResult report;  // key "jsh_te": grade
};

// TE of the latest study (on or before `at`, within the imaging window) that reports the viable
// fraction or the size change of the treated nodules. Not applicable without a TACE session
// before that study; flagged when the study is outside 28–92 days after the session (the
// "1–3 months" of RECICL, project rule P-response-window of CLINICAL_RULES.md §5).
JshTeResult jsh_te(const PatientRecord& r, Date at);

}  // namespace switchpoint
