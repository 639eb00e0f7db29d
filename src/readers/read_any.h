#pragma once
// Reads a patient record in any supported format, detected from content: a FHIR R4 Bundle
// ("resourceType": "Bundle") or the native switchpoint.record/1 JSON.
#include <string_view>

#include "readers/problems.h"

namespace switchpoint {

ReadResult read_record(std::string_view bytes);

}  // namespace switchpoint
