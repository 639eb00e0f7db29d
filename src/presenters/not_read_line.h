#pragma once
// The "not read" line of every output (issue 14, item 3): what the input sent that the reader did
// not read, in a clinician's words, most frequent first:
//   not read: 3 resources (2 × LOINC 8867-4 Heart rate (Observation; code not read); SNOMED CT
//   389026000 Ascites (Observation; status entered-in-error))
// Each entry is escaped for its output by `escape` (text, HTML, Markdown); the words around them
// are plain. At most `max_entries` entries, then "… and K more".
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/not_read.h"

namespace switchpoint {

using Escaper = std::function<std::string(std::string_view)>;

// "" when nothing was left unread.
std::string not_read_line(const std::vector<NotRead>& entries, std::size_t max_entries, const Escaper& escape);

// The skipped-count keys that are not resources left unread (a repeat read once, entries dated
// after the as-of date), with their counts: `skipped` minus the keys of `entries`, and without
// "used: …" (the HCC diagnosis, which was read).
std::vector<std::pair<std::string, int>> other_skipped(const std::map<std::string, int>& skipped,
                                                       const std::vector<NotRead>& entries);

}  // namespace switchpoint
