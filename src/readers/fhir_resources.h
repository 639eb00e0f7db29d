#pragma once
// The resource-level FHIR R4 reader, shared by the Bundle reader (fhir_r4.h: a Bundle's
// entries) and the cohort reader of FHIR Bulk Data (cohort/ndjson_input.h: the NDJSON lines that
// name one patient). The same resources give the same record, skipped counts and problems
// whichever way they arrive; docs/fhir.md describes the mapping.
#include <simdjson.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "readers/problems.h"

namespace switchpoint {

// One resource and where it came from.
struct FhirResource {
  // Where problems point, as the prefix of a JSON pointer into the resource: "/entry/3/resource"
  // in a Bundle, "Observation.ndjson:12#" for an NDJSON line ("Observation.ndjson:12#/valueQuantity").
  std::string location;
  std::string full_url;            // the Bundle entry's fullUrl; "" for NDJSON
  std::string type;                // resourceType
  simdjson::dom::object resource;  // owned by the caller's parser; alive during the call
  // True when the caller has already checked that no object of the resource names a member twice
  // (the NDJSON scan does, for every line); otherwise read_fhir_resources checks.
  bool keys_unique = false;
};

// A Medication that is not among the resources read: a FHIR Bulk export writes Medications to
// Medication.ndjson, in no patient's compartment. Found by the reference that names it.
struct ExternalMedication {
  simdjson::dom::object resource;  // alive during the call
  std::string_view location;       // where problems point: "Medication.ndjson:3#"
  std::string_view conflict;       // not empty: the reference cannot be followed safely, and why
                                   // (e.g. two different Medications with this id); a problem
};
// "Medication/<id>" (as a medicationReference names it) → the Medication, or nullopt when there
// is none (the resource is then skipped and counted, as with a Bundle that lacks it).
using MedicationLookup = std::function<std::optional<ExternalMedication>(std::string_view reference)>;

// Reads one patient's resources into `out` (problems and skipped counts are appended; the record
// is set only when `out` has no problem at the end), exactly as the Bundle reader reads a
// Bundle's entries: a resource whose Type/id appears twice is read once when both are identical
// and is a problem otherwise; the Patient resource (else the first subject reference) says whose
// record it is and every subject must name that patient; the order of the resources never changes
// the record.
// `external` (may be null) is asked for a medicationReference that names no Medication among
// `resources`.
void read_fhir_resources(std::span<const FhirResource> resources, ReadResult& out,
                         const MedicationLookup* external = nullptr);

// For a reader of many patients that keeps only what it will read: the skipped-count key under
// which read_fhir_resources would skip this resource on its type or code alone (a resource type
// that is not read, an Observation code outside the mapping, the HCC diagnosis "used: diagnosis",
// …), or nullopt when the resource is read or may be (including resources whose codings are
// malformed, so that the reader reports them, and resources skipped only for their status).
std::optional<std::string> fhir_skipped_on_code(simdjson::dom::object resource, std::string_view type);

// The patient id a subject reference names, as the reader resolves it: "Patient/p1" and
// "https://x/fhir/Patient/p1/_history/2" → "p1"; any other reference is its own id.
std::string fhir_patient_id(std::string_view reference);
// The same as a view of `reference` (for a scan that copies only the ids it keeps).
std::string_view fhir_patient_id_view(std::string_view reference);

}  // namespace switchpoint
