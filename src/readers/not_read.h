#pragma once
// Counting what a reader was sent but did not read (core/not_read.h holds the entry itself and
// its wording, which the presenters use without depending on the readers).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/not_read.h"

namespace switchpoint {

// Entries being counted, one per resource type, code, reason and skipped key (as many as the
// skipped keys, however many displays the resources send: 100,000 heart rates each with its own
// display are one entry). Of the displays sent for one entry the first in byte order that is not
// empty is kept, so that the order of the input never shows. `add` is a map lookup.
class NotReadCounter {
 public:
  void add(NotRead entry, int n = 1);
  // The entries, most frequent first (then by system, code, display, reason, resource: a fixed order
  // whatever the input's order).
  std::vector<NotRead> sorted() const;
  bool empty() const { return counts_.empty(); }

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, std::pair<int, std::string>> counts_;  // → count, display
};

// Adds `more` to `into` (entries equal but for the count are merged) and sorts as above.
void merge_not_read(std::vector<NotRead>& into, const std::vector<NotRead>& more);

}  // namespace switchpoint
