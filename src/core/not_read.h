#pragma once
// What the input held that the decision did not use: one entry per kind of resource a reader was
// sent but did not read (resource type, code, the display the resource sent, reason) with its
// count — the structured form of the reader's skipped counts, for the "not read: N resources
// (SNOMED CT 389026000 Ascites, …)" line of every output and the JSON `input.not_read` array
// (docs/fhir.md "What is skipped"). Plain values: readers fill them, presenters show them, and
// neither depends on the other (tests/layering).
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint {

struct NotRead {
  std::string resource;  // "Observation", "Encounter", "Bundle entry"
  std::string system;    // the coding's system; "" when the resource was not read on its type alone
  std::string code;
  std::string display;  // coding.display, else code.text, as the resource sent it ("" when none)
  std::string reason;   // "status entered-in-error", "code not read", …
  int count = 0;
  std::string key = {};  // the skipped-count key it was counted under
};

// What a reader read and did not use, as every output reports it.
struct InputSummary {
  std::string format;                  // which reader read it
  std::map<std::string, int> skipped;  // what that reader did not use, counted
  std::vector<NotRead> not_read = {};  // the resources sent but not read, structured
};

// The skipped-count key of the entries dated after the as-of date: a replay (--as-of, as_of=)
// evaluates the record as it stood then, so later entries are not used, and the output says how many.
inline constexpr const char* kAfterAsOf = "entries dated after the as-of date (not known then, not used)";

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
