#pragma once
// FHIR R4 input (INTERFACES.md "FHIR R4 input"): a Bundle of Observation, Condition,
// Procedure and MedicationStatement resources → the same PatientRecord the native reader
// builds. Unknown resources and codes are skipped and counted, never fatal, never guessed.
#include <string_view>

#include "readers/problems.h"

namespace switchpoint {

ReadResult read_fhir_bundle(std::string_view json);

}  // namespace switchpoint
