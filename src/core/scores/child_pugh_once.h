#pragma once
// Child-Pugh is asked for the same record and date several times per evaluation: compute_scores
// itself, ABCR's and ART's change since the first TACE (both dates, each), decompensation. While a
// ChildPughOnce lives (evaluate() and compute_scores hold one), child_pugh() computes each date of
// that record once (core/record_memo.h).
#include "core/date.h"
#include "core/record_memo.h"
#include "core/scores/child_pugh.h"

namespace switchpoint {

using ChildPughOnce = RecordMemo<struct ChildPughTag, Date, ChildPughResult>;

}  // namespace switchpoint
