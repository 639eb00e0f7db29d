// aasld-2018: ineligible for or progressing after TACE → consider systemic therapy
// (seed 000 Table 2; grade V, mapping P). A stage outside BCLC B alone is not ineligibility.
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"

namespace switchpoint {

DefinitionResult evaluate_aasld_2018(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  CriterionResult pd = CriterionResult::start("pd", "aasld-2018/pd", detail);
  judge_any_session(pd, h, 0, [&](const SessionAssessment& a) { return progressive_disease(h, a, detail); });
  note_window_flags(pd, h);
  CriterionResult mvi =
      CriterionResult::start("new-macrovascular-invasion", "aasld-2018/new-macrovascular-invasion", detail);
  judge_new_finding(mvi, r, h, Finding::VascularInvasion);
  CriterionResult ehs = CriterionResult::start("new-extrahepatic-spread", "aasld-2018/new-extrahepatic-spread", detail);
  judge_new_finding(ehs, r, h, Finding::ExtrahepaticSpread);
  CriterionResult decomp = CriterionResult::start("decompensation", "aasld-2018/decompensation", detail);
  judge_decompensation(decomp, r, h);
  return conclude("aasld-2018", criteria_list(std::move(pd), std::move(mvi), std::move(ehs), std::move(decomp)));
}

}  // namespace switchpoint
