#include "readers/read_any.h"

#include <simdjson.h>

#include "readers/fhir_r4.h"
#include "readers/json_walk.h"
#include "readers/native_json.h"

namespace switchpoint {

ReadResult read_record(std::string_view bytes) {
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
