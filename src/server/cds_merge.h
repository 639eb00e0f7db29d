#pragma once
// The prefetch of a CDS Hooks call, merged: the prefetch values and the pages fetched from the
// EHR's FHIR server become one patient's resources. Read straight from the parsed values
// (read_merged), and spliced, as the EHR wrote them, into one Bundle kept only for the audit log
// and the report link (which reads it again with read_fhir_bundle). Both readings are the same by
// construction: read_merged(m) gives the record, problems (with their JSON pointers into
// m.bundle), skipped counts and unread resources that read_fhir_bundle(m.bundle) gives
// (tests/server/cds_merge_test.cpp checks it), without parsing the merged text a second time
// (issue 16).
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "readers/fhir_resources.h"
#include "readers/problems.h"

namespace switchpoint::cds {

// A prefetch value (or a fetched page): its DOM, and its exact text inside a buffer with
// simdjson's padding after it. The DOM and the buffer must outlive the merge and the reading.
struct PrefetchSource {
  std::string key;                   // the prefetch key ("observations")
  simdjson::dom::element value;      // a resource, or a searchset Bundle
  std::string_view raw;              // the value's JSON text
  const char* buffer_end = nullptr;  // end of the buffer `raw` is in (its padding follows)
};

struct MergedPrefetch {
  std::string bundle;               // {"resourceType":"Bundle","type":"collection","entry":[…]}, spliced
  std::vector<std::string> labels;  // per entry: "Observation/alb-1 (observations)"
  // Per entry of `bundle`, in its order: the resource, and the Bundle entry it came in (none for
  // a prefetch value that is a resource itself, merged as {"resource": …}).
  struct Entry {
    simdjson::dom::object resource;
    bool in_bundle = false;
    simdjson::dom::element entry = {};  // valid only when in_bundle
  };
  std::vector<Entry> entries;
  bool other_patient = false;  // a resource whose Patient or subject is not context.patientId
};

// Searchset Bundles' entries (not search.mode "outcome") and single resources, in the order of
// `sources`; OperationOutcomes, nested Bundles and entries without a typed resource are left out.
MergedPrefetch merge_prefetch(const std::vector<PrefetchSource>& sources, std::string_view patient_id);

// The FHIR reading of the merged entries: the same result as read_fhir_bundle(m.bundle).
ReadResult read_merged(const MergedPrefetch& m);

// The string member `key` of a JSON object; nothing when absent or not a string.
std::optional<std::string_view> string_member(simdjson::dom::element e, std::string_view key);

// "/entry/3/resource/valueQuantity" → "Observation/alb-1 (observations) /valueQuantity".
std::string locate(const std::string& pointer, const std::vector<std::string>& labels);

}  // namespace switchpoint::cds
