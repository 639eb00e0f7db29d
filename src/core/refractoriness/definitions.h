#pragma once
// The eight TACE-refractoriness definitions of CLINICAL_RULES.md §5, one file each
// (<id>.cpp), all evaluated side by side over the same TACE history.
#include <vector>

#include "core/record.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"

namespace switchpoint {

DefinitionResult evaluate_raoul_2011(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_jsh_lcsgj_2014(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_apasl_2017(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_galle_2017(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_aasld_2018(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_klca_ncc_2022(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_easl_2018(const PatientRecord&, const TaceHistory&);
DefinitionResult evaluate_bclc_2022(const PatientRecord&, const TaceHistory&);

// All eight in the order of CLINICAL_RULES.md §5. `record` must be cut at the history's as-of.
std::vector<DefinitionResult> evaluate_refractoriness(const PatientRecord& record, const TaceHistory& history);

}  // namespace switchpoint
