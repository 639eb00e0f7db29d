#pragma once
// What a reader was sent but did not read, one entry per kind (resource type, code, the display
// the resource sent, reason) with its count: the structured form of ReadResult::skipped, for the
// "not read: N resources (SNOMED CT 389026000 Ascites, …)" line of every output and the JSON
// `input.not_read` array (docs/fhir.md "What is skipped").
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace switchpoint {

struct NotRead {
  std::string resource;  // "Observation", "Encounter", "Bundle entry"
  std::string system;    // the coding's system; "" when the resource was not read on its type alone
  std::string code;
  std::string display;   // coding.display, else code.text, as the resource sent it ("" when none)
  std::string reason;    // "status entered-in-error", "code not read", …
  int count = 0;
  std::string key = {};  // the ReadResult::skipped key it was counted under
};

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

// "LOINC", "SNOMED CT", "ICD-10-CM", "ICD-10", "ICD-O-3", "RxNorm", "ATC", "CPT", "HCPCS", "NCIt",
// "DICOM", "project" (urn:switchpoint:hcc); any other system as it was sent.
std::string_view system_short_name(std::string_view system);

// A display as shown: control characters made spaces, at most 80 characters (code points), "…"
// when cut. Escaping for the output is the presenter's (text, HTML, Markdown).
std::string clip_display(std::string_view display);

// One entry in a clinician's words, unescaped: "2 × SNOMED CT 389026000 Ascites (Observation;
// status entered-in-error)", "Encounter (resource type not read)".
std::string describe_not_read(const NotRead& e);

// The total count of the entries.
long total_not_read(const std::vector<NotRead>& entries);

}  // namespace switchpoint
