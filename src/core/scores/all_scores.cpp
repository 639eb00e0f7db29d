#include "core/scores/all_scores.h"

#include "core/scores/albi.h"
#include "core/scores/child_pugh.h"

namespace switchpoint {

std::vector<ScoreResult> compute_scores(const PatientRecord& r, Date at) {
  std::vector<ScoreResult> out;
  out.push_back(child_pugh(r, at).report);
  out.push_back(albi(r, at).report);
  return out;
}

}  // namespace switchpoint
