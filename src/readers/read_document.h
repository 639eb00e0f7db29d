#pragma once
// The record readers on a JSON document already parsed (issue 16: one parse per input). read_record
// (read_any.h) parses once, looks at the document's resourceType and hands the same document to
// the reader; read_fhir_bundle and read_native_json on bytes parse and call these. The document's
// parser must outlive the call only: the ReadResult holds no reference into it.
#include <simdjson.h>

#include "readers/problems.h"

namespace switchpoint {

// A FHIR R4 Bundle (readers/fhir_r4.h).
ReadResult read_fhir_bundle_document(simdjson::dom::element doc);
// A switchpoint.record/1 record (readers/native_json.h).
ReadResult read_native_json_document(simdjson::dom::element doc);
// What read_native_json says of bytes that are not valid JSON (the reader of anything that is not a FHIR resource).
ReadResult native_json_not_valid(simdjson::error_code err);

}  // namespace switchpoint
