#pragma once
// The codes the FHIR R4 reader understands (INTERFACES.md "FHIR R4 input", CLINICAL_RULES.md
// §10): LOINC labs, the project CodeSystem urn:switchpoint:hcc, SNOMED CT and ICD-10 codes that
// are recognised, and codes that are recognised but deliberately not read (with the reason).
// docs/fhir.md documents this table; one table, so the reader and other FHIR code (CDS Hooks
// prefetch, synthetic cohorts) cannot drift apart.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/record.h"
#include "core/units.h"

namespace switchpoint::fhir {

inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kHcc = "urn:switchpoint:hcc";
inline constexpr std::string_view kIcd10 = "http://hl7.org/fhir/sid/icd-10";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kDicom = "http://dicom.nema.org/resources/ontology/DCM";

// SNOMED CT 28670008 Esophageal varices (CLINICAL_RULES.md §10) and 2667000 Absent (the qualifier
// value the ascites and encephalopathy findings use, terminology_obs.h): "no varices" is read.
inline constexpr std::string_view kVaricesSnomed = "28670008";
inline constexpr std::string_view kAbsentSnomed = "2667000";
// CPT (AMA) and HCPCS Level II (CMS), the system URIs of terminology.hl7.org.
inline constexpr std::string_view kCpt = "http://www.ama-assn.org/go/cpt";
inline constexpr std::string_view kHcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

// Extensions of the project (absolute URIs in the urn:switchpoint:hcc namespace).
inline constexpr std::string_view kExtTaceTechnique = "urn:switchpoint:hcc:tace-technique";
inline constexpr std::string_view kExtTaceSelective = "urn:switchpoint:hcc:tace-selective";
inline constexpr std::string_view kExtDaysAtDose = "urn:switchpoint:hcc:days-at-dose-last-28";

// What an Observation code is read into.
enum class Finding : std::uint8_t {
  Lab,                 // Labs series of `quantity`
  Weight,              // ClinicalAssessment.weight_kg
  Ecog,                // ClinicalAssessment.ecog
  Ascites,             // ClinicalAssessment.ascites
  Encephalopathy,      // ClinicalAssessment.encephalopathy
  TumorCount,          // ImagingStudy.intrahepatic_tumor_count
  LargestDiameter,     // ImagingStudy.largest_diameter_cm
  TargetLesion,        // ImagingStudy.target_lesions (one Observation per lesion)
  NonTarget,           // ImagingStudy.nontarget
  NewLesions,          // ImagingStudy.new_lesions
  Mrecist,             // ImagingStudy.mrecist_recorded
  ViablePercent,       // ImagingStudy.viable_tumor_percent
  TreatedSizeChange,   // ImagingStudy.treated_size_change_percent
  VascularInvasion,    // ImagingStudy.vascular_invasion
  ExtrahepaticSpread,  // ImagingStudy.extrahepatic_spread
  Morphology,          // ImagingStudy.morphology
  Bilobar,             // ImagingStudy.bilobar
  LiverOccupation,     // ImagingStudy.liver_occupation_percent
  BileDuctInvasion,    // ImagingStudy.bile_duct_invasion
  Varices,             // Endoscopy
  CurativeUnsuitable,  // PatientRecord.curative_treatment_unsuitable
};

enum class ValueType : std::uint8_t { Quantity, Integer, Boolean, Code };

struct ObservationCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  Finding finding;
  ValueType value_type;
  Quantity quantity = Quantity::Percent;  // for Lab and valueQuantity findings
  std::string_view allowed = "";          // allowed codes (Code) or range (Integer), for docs and messages
};

std::span<const ObservationCode> observation_codes();
const ObservationCode* find_observation_code(std::string_view system, std::string_view code);

// Codes that are recognised but not read into the record, with the reason, so that the
// skipped count says why (e.g. LOINC 5902-2 is the prothrombin time itself, not the
// prolongation over control that Child-Pugh needs).
struct NotReadCode {
  std::string_view resource;  // "Observation", "Condition", "Procedure", or "" for any
  std::string_view system;
  std::string_view code;
  std::string_view reason;
  std::string_view source = "";  // where the meaning of the code was checked (docs/terminology.md)
  // A Procedure code that may stand beside a TACE code in one Procedure.code (the embolisation or
  // the intra-arterial chemotherapy billed for the same session): it does not contradict TACE.
  bool part_of_tace = false;
  // The fact the code concerns, when an obtain line asks for it (core/record.h FactKind): a
  // resource with this code is then named beside that line.
  std::optional<FactKind> fact = std::nullopt;
};
const NotReadCode* find_not_read(std::string_view resource, std::string_view system, std::string_view code);
std::span<const NotReadCode> not_read_codes();

// Procedure codes the reader reads (docs/terminology.md "Procedures"): a TACE session, or a
// procedure that ends a TACE course (CLINICAL_RULES §5, P-course-end). One table, with the
// source of each code, for the reader and for the published vocabulary.
enum class ProcedureKind : std::uint8_t { Tace, Resection, Ablation, LiverTransplantation };
struct ProcedureCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  ProcedureKind kind;
  std::string_view source;
};
std::span<const ProcedureCode> procedure_codes();
const ProcedureCode* find_procedure_code(std::string_view system, std::string_view code);
// The course-ending kind of a procedure kind (nullopt for TACE).
std::optional<CourseEndingKind> course_ending_of(ProcedureKind);
std::string_view to_string(ProcedureKind);

// Procedure codes read as a TACE session (procedure_codes() of kind Tace).
bool is_tace_code(std::string_view system, std::string_view code);
// Condition codes of the diagnosis itself (HCC): recognised, nothing to read.
bool is_hcc_diagnosis(std::string_view system, std::string_view code);
// Regimen ids of CLINICAL_RULES.md §7 (MedicationStatement.medicationCodeableConcept).
bool is_regimen_id(std::string_view code);

}  // namespace switchpoint::fhir
