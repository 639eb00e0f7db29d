#include "core/refractoriness/definitions.h"

namespace switchpoint {

std::vector<DefinitionResult> evaluate_refractoriness(const PatientRecord& r, const TaceHistory& h) {
  std::vector<DefinitionResult> out;
  for (auto* evaluate : {evaluate_raoul_2011, evaluate_jsh_lcsgj_2014, evaluate_apasl_2017, evaluate_galle_2017,
                         evaluate_aasld_2018, evaluate_klca_ncc_2022, evaluate_easl_2018, evaluate_bclc_2022}) {
    DefinitionResult d = evaluate(r, h);
    if (!h.any_session()) {
      // No TACE yet: TACE cannot have failed, and "not refractory" would read as evidence that it
      // worked (P-not-applicable). Criteria keep their own reasons.
      d.status = RefractorinessStatus::NotApplicable;
      d.since.reset();
      d.missing.clear();
      d.notes.emplace_back("not applicable: no TACE session recorded on or before the as-of date");
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace switchpoint
