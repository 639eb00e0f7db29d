#pragma once
// Child-Pugh is asked for the same record and date several times per evaluation: compute_scores
// itself, ABCR's and ART's change since the first TACE (both dates, each), decompensation. While a
// ChildPughOnce lives on a thread (evaluate() and compute_scores hold one), child_pugh() computes
// each date of that record once and answers later calls for the same record with a copy of the
// first answer (issue 16). Calls for another record, or outside its lifetime, compute as usual.
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/scores/child_pugh.h"

namespace switchpoint {

class ChildPughOnce {
 public:
  // Inert when a ChildPughOnce for the same record is already alive on this thread.
  explicit ChildPughOnce(const PatientRecord& r);
  ~ChildPughOnce();
  ChildPughOnce(const ChildPughOnce&) = delete;
  ChildPughOnce& operator=(const ChildPughOnce&) = delete;

  // The live memo for `r` on this thread, or nullptr.
  static ChildPughOnce* of(const PatientRecord& r);
  const ChildPughResult* find(Date at) const;
  const ChildPughResult& keep(Date at, ChildPughResult result);

 private:
  const PatientRecord* record_;
  bool active_ = false;
  ChildPughOnce* outer_ = nullptr;
  std::vector<std::pair<Date, ChildPughResult>> computed_;
};

}  // namespace switchpoint
