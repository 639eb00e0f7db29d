#pragma once
// TACE candidacy per guideline (CLINICAL_RULES.md §4; docs/refractoriness.md): candidate
// yes / no / unknown (with what is missing), with reasons.
#include <optional>
#include <string>
#include <vector>

#include "core/knowledge/catalogue.h"
#include "core/record.h"
#include "core/scores/all_scores.h"

namespace switchpoint {

struct CandidacyResult {
  std::string guideline;  // "easl-2018"
  const RuleInfo* rule = nullptr;
  std::optional<bool> candidate;
  std::vector<std::string> reasons;
  std::vector<std::string> missing;
};

std::vector<CandidacyResult> evaluate_candidacy(const PatientRecord& r, Date at, const Scores& scores);

}  // namespace switchpoint
