#pragma once
// Standard codes of imaging findings the FHIR R4 reader understands (issue 14, item 1 "Imaging";
// docs/terminology.md "Imaging"): the mCODE TumorSize profile (LOINC 21889-1 with its
// components), NCIt response categories as the value of the project's mRECIST question, the
// response criteria that say a category is *not* mRECIST, and the codes recognised but not read.
// Every code was checked against the source named beside it; a code that could not be checked
// (the LI-RADS treatment-response categories, a standard tumour count) is not here, and a resource
// carrying only such a code is skipped and counted like any unknown code.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/record.h"

namespace switchpoint::fhir::terms {

// NCI Thesaurus, as mCODE names it (AL_CodeSystems.fsh: Alias NCIT).
inline constexpr std::string_view kNcit = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";

enum class ImagingRole : std::uint8_t {
  TumorSize,         // Observation.code of the mCODE TumorSize profile
  LongestDimension,  // its required component: the tumour's longest dimension
  OtherDimension,    // its optional components: a 2nd or 3rd dimension
  ImagingMethod,     // Observation.method: an imaging procedure (the size is an imaging finding)
  NonImagingMethod,  // Observation.method: pathology or physical examination (not imaging)
  LiverLocation,     // Observation.bodySite or the Tumor's BodyStructure.location: the liver
  ResponseCategory,  // a response category read as the value of urn:switchpoint:hcc|mrecist-response
  OtherCriteria,     // Observation.method naming response criteria that are not mRECIST
  NotRead,           // an Observation.code recognised and skipped with the reason in `record`
};

struct ImagingCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  ImagingRole role;
  std::optional<MrecistCategory> category;  // ResponseCategory only
  std::string_view record;                  // what the record gets (the field), or why it is not read
  std::string_view source;
};

// Every imaging code of the reader, for the vocabulary generator and the docs.
std::span<const ImagingCode> imaging_codes();
const ImagingCode* find_imaging_code(std::string_view system, std::string_view code);

inline constexpr std::string_view kTumorSizeLoinc = "21889-1";         // Size Tumor
inline constexpr std::string_view kLongestDimensionLoinc = "33728-7";  // Size.maximum dimension in Tumor
inline constexpr std::string_view kOtherDimensionLoinc = "33729-5";    // Size additional dimension in Tumor
bool is_tumor_size(std::string_view system, std::string_view code);

// The mRECIST category an NCIt response code gives as the value of the project's mRECIST question.
std::optional<MrecistCategory> ncit_response(std::string_view system, std::string_view code);
// "NCIt C4870 (CR), C18058 (PR), C18213 (SD), C35571 (PD)", for messages.
std::string_view ncit_response_list();

// A TumorSize method: imaging, not imaging (pathology, physical examination), or unknown.
enum class SizeMethod : std::uint8_t { Imaging, NotImaging, Unknown };
SizeMethod tumor_size_method(std::string_view system, std::string_view code);

// SNOMED CT 10200004 Liver structure: a tumour size at this location is intrahepatic.
bool is_liver_location(std::string_view system, std::string_view code);

// Response criteria that are not mRECIST (RECIST 1.0, RECIST 1.1, WHO, RANO), as
// Observation.method; nullptr for any other code.
const ImagingCode* other_response_criteria(std::string_view system, std::string_view code);

// Imaging facts that have no verified standard code (docs/terminology.md "Imaging", not mapped).
struct UnmappedImagingFact {
  std::string_view fact;
  std::string_view project_code;  // what to send instead
  std::string_view reason;
};
std::span<const UnmappedImagingFact> unmapped_imaging_facts();

}  // namespace switchpoint::fhir::terms
