#pragma once
// Inputs that ART and ABCR read from the course of TACE: the change of Child-Pugh since before
// the first session, and the mRECIST response on the assessment after the last session. Both
// record what they used or lacked in the caller's ScoreResult, so the two scores explain
// themselves the same way.
#include <optional>

#include "core/record.h"
#include "core/scores/child_pugh.h"
#include "core/scores/score.h"

namespace switchpoint {

struct ChildPughChange {
  std::optional<ChildPugh> before;  // on or before the first TACE (inputs within their windows)
  std::optional<ChildPugh> now;     // at `at`, every input dated after the first TACE
  std::optional<int> rise;          // now − before, points
};

// A "now" Child-Pugh whose inputs include one dated on or before the first session would compare
// the baseline with itself and show a false "no rise": such a Child-Pugh counts as missing.
ChildPughChange child_pugh_change(const PatientRecord& r, Date first_tace, Date at, ScoreResult& rep);

// The category (recorded, else computed) on the response assessment (§5) of the last session
// dated before `at`; nullopt, with the reason in rep.missing, when there is none yet.
std::optional<MrecistCategory> response_after_last_tace(const PatientRecord& r, Date at, ScoreResult& rep);

}  // namespace switchpoint
