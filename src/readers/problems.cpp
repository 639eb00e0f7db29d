#include "readers/problems.h"

#include <algorithm>
#include <cstddef>

namespace switchpoint {

InputSummary input_summary(const ReadResult& rr, Date as_of) {
  InputSummary in{rr.format, rr.skipped, rr.not_read};
  if (rr.record)
    if (const std::size_t later = rr.record->entries_after(as_of); later > 0)
      in.skipped[kAfterAsOf] = static_cast<int>(std::min<std::size_t>(later, 2147483647));
  return in;
}

}  // namespace switchpoint
