#include "readers/fhir_r4.h"

namespace switchpoint {

ReadResult read_fhir_bundle(std::string_view) {
  ReadResult out;
  out.format = "FHIR R4 Bundle";
  out.problems.push_back({"", "FHIR R4 input is not implemented yet"});
  return out;
}

}  // namespace switchpoint
