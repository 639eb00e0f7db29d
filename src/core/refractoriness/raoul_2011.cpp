// raoul-2011: progression after two cycles of TACE (seed 000 Table 2; grade V).
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"

namespace switchpoint {

DefinitionResult evaluate_raoul_2011(const PatientRecord&, const TaceHistory& h, Detail detail) {
  CriterionResult c = CriterionResult::start("pd-after-second", "raoul-2011/pd-after-second", detail);
  judge_any_session(c, h, 1, [&](const SessionAssessment& a) { return progressive_disease(h, a, detail); });
  note_window_flags(c, h);
  return conclude("raoul-2011", criteria_list(std::move(c)));
}

}  // namespace switchpoint
