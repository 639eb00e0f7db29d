#include "readers/read_any.h"

#include <simdjson.h>

#include <string>

#include "readers/fhir_r4.h"
#include "readers/json_walk.h"
#include "readers/native_json.h"
#include "readers/read_document.h"

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

// UTF-16 or UTF-32, as Windows editors save "Unicode" text: a byte order mark of either, or a NUL
// byte among the first four (JSON text never has one there). simdjson would call it invalid
// UTF-8 or unescaped characters, which does not tell the user what to do.
bool looks_like_wide_text(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, 4);
  return head.rfind("\xFF\xFE", 0) == 0 || head.rfind("\xFE\xFF", 0) == 0 || head.find('\0') != std::string_view::npos;
}

ReadResult refused(std::string message) {
  ReadResult out;
  out.problems.push_back({"", std::move(message)});
  return out;
}

}  // namespace

ReadResult read_record(std::string_view bytes) {
  if (looks_like_wide_text(bytes))
    return refused(
        "not valid JSON: the input is UTF-16 or UTF-32 text (a byte order mark or NUL bytes at its start); "
        "switchpoint reads UTF-8: save the file as UTF-8");
  if (looks_like_xml(json::without_bom(bytes)))
    return refused(
        "not valid JSON: the input looks like XML; switchpoint reads a FHIR R4 Bundle in JSON or a "
        "switchpoint.record/1 record (XML is never parsed)");
  // One parse: the document goes to the reader its resourceType names (issue 16).
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json::without_bom(bytes));
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) return native_json_not_valid(err);
  std::string_view resource_type;
  if (doc.is_object() && doc["resourceType"].get(resource_type) == simdjson::SUCCESS)
    return read_fhir_bundle_document(doc);
  return read_native_json_document(doc);
}

}  // namespace switchpoint
