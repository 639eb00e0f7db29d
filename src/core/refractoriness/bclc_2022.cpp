// bclc-2022: untreatable progression / treatment stage migration (Reig M et al., J Hepatol
// 2022; concept S, list P).
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"

namespace switchpoint {

DefinitionResult evaluate_bclc_2022(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  CriterionResult c = untreatable_progression(r, h, "bclc-2022/untreatable-progression", detail);
  note_window_flags(c, h);
  return conclude("bclc-2022", criteria_list(std::move(c)));
}

}  // namespace switchpoint
