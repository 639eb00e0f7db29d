#pragma once
// The TACE-refractoriness definitions of CLINICAL_RULES.md §5, one file each (<id>.cpp),
// listed once in registry.h and all evaluated side by side over the same TACE history.
#include <vector>

#include "core/record.h"
#include "core/refractoriness/registry.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"

namespace switchpoint {

// All of the registry, in its order. `record` must be cut at the history's as-of.
// Detail::Verdicts: each definition's status and since date and each criterion's state, met-on
// date and missing inputs as with Full; evidence and notes may be left out (result.h).
std::vector<DefinitionResult> evaluate_refractoriness(const PatientRecord& record, const TaceHistory& history,
                                                      Detail detail = Detail::Full);

}  // namespace switchpoint
