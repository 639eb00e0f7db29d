#include "readers/read_any.h"

#include <simdjson.h>

#include "readers/fhir_r4.h"
#include "readers/json_walk.h"
#include "readers/native_json.h"

namespace switchpoint {

namespace {

// XML (a FHIR XML Bundle, or anything else starting with '<') is refused before any parsing: no
// XML parser is linked, so entity expansion ("billion laughs") or external entities cannot occur,
// and the message says what to send instead of simdjson's generic reason.
bool looks_like_xml(std::string_view bytes) {
  for (const char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '<';
  }
  return false;
}

}  // namespace

ReadResult read_record(std::string_view bytes) {
  if (looks_like_xml(json::without_bom(bytes))) {
    ReadResult out;
    out.problems.push_back({"", "not valid JSON: the input looks like XML; switchpoint reads a FHIR R4 Bundle in JSON or a "
                                "switchpoint.record/1 record (XML is never parsed)"});
    return out;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json::without_bom(bytes));  // the readers skip it themselves
  simdjson::dom::element doc;
  std::string_view resource_type;
  if (parser.parse(padded).get(doc) == simdjson::SUCCESS && doc.is_object() &&
      doc["resourceType"].get(resource_type) == simdjson::SUCCESS)
    return read_fhir_bundle(bytes);
  return read_native_json(bytes);
}

}  // namespace switchpoint
