// easl-2018: no marked response after two sessions, or untreatable progression (grade S/M).
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"

namespace switchpoint {

DefinitionResult evaluate_easl_2018(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  CriterionResult a = CriterionResult::start("no-response-two-sessions", "easl-2018/no-response-two-sessions", detail);
  judge_consecutive_pair(a, h, 0, [&](const SessionAssessment& s) { return no_objective_response(h, s, detail); });
  note_window_flags(a, h);
  CriterionResult b = untreatable_progression(r, h, "easl-2018/untreatable-progression", detail);
  return conclude("easl-2018", criteria_list(std::move(a), std::move(b)));
}

}  // namespace switchpoint
