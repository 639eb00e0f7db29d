#pragma once
// Every score of CLINICAL_RULES.md §2 at one date, in the order they are shown.
// To add a score: write scores/<name>.{h,cpp} returning a ScoreResult (see child_pugh.h),
// add its catalogue entry in knowledge/rules_scores.cpp, call it from all_scores.cpp, and pin
// its thresholds in tests/core/scores/<name>_test.cpp.
#include <vector>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

std::vector<ScoreResult> compute_scores(const PatientRecord& r, Date at);

}  // namespace switchpoint
