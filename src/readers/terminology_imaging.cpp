#include "readers/terminology_imaging.h"

#include <array>

#include "readers/fhir_codes.h"

namespace switchpoint::fhir::terms {
namespace {

using R = ImagingRole;
using M = MrecistCategory;

// Sources (docs/terminology.md "Imaging" repeats them):
//   mCODE  = HL7 mCODE IG source, github.com/HL7/fhir-mCODE-ig (commit 543477b, 2025-01-24):
//            input/fsh/SD_TumorSize.fsh (profile mcode-tumor-size: code LNC#21889-1, component
//            tumorLongestDimension LNC#33728-7 1..1, tumorOtherDimension LNC#33729-5 0..2,
//            value[x] not used, focus = Tumor or specimen = HumanSpecimen), VS_Other.fsh
//            (TumorSizeUnitsVS: UCUM mm, cm; TumorSizeMethodVS: the SNOMED CT methods below),
//            SD_DiseaseStatus.fsh (CancerDiseaseStatus: code LNC#97509-4), AL_CodeSystems.fsh
//            (NCIT = http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl).
//   NCIt responses = NCI Thesaurus concept ids as listed with their NCIt meaning in the PCDC data
//            dictionary (github.com/chicagopcdc/linkml-data-dictionary, ResponseEnum:
//            "Complete Response ncit:C4870", "Partial Response ncit:C18058", "Stable Disease
//            ncit:C18213", "Progressive Disease ncit:C35571", with the NCIt definitions); C4870
//            and C18058 also in phenopacket-tools (org.phenopackets.phenopackettools.builder.
//            constants.Response: "NCIT:C4870 Complete Remission", "NCIT:C18058 Partial Remission"),
//            which lists iRECIST's own concepts (C142356-C142360) beside them: NCIt has
//            criteria-specific concepts for iRECIST but none for mRECIST was found.
//   DICOM CID 6147 "Response Criteria" (DICOM PS3.16; FHIR rendering github.com/bvdh/
//            dicom-terminology-in-fhir, ValueSet-dicom-cid-6147-ResponseCriteria.fsh): DCM 112029
//            WHO, DCM 126080 RECIST 1.0, DCM 126081 RECIST 1.1, NCIt C114879 RANO.
constexpr std::string_view kMcode = "HL7 mCODE IG, SD_TumorSize.fsh (profile mcode-tumor-size)";
constexpr std::string_view kMcodeMethod = "HL7 mCODE IG, VS_Other.fsh (TumorSizeMethodVS)";
constexpr std::string_view kNcitSrc =
    "NCI Thesaurus; PCDC data dictionary ResponseEnum (github.com/chicagopcdc/linkml-data-dictionary); "
    "phenopacket-tools Response constants (C4870, C18058)";
constexpr std::string_view kCid6147 = "DICOM PS3.16 CID 6147 Response Criteria (bvdh/dicom-terminology-in-fhir)";

constexpr std::string_view kSizeRecord =
    "imaging[].largest_diameter_cm of that date, only when every tumour counted on that date is measured";
constexpr std::string_view kNotImaging = "not an imaging measurement: the size is not read";
constexpr std::string_view kResponseRecord =
    "imaging[].mrecist_recorded, as the value of urn:switchpoint:hcc|mrecist-response";
constexpr std::string_view kNotMrecist = "response criteria other than mRECIST: the category is not read as mRECIST";

constexpr std::array kCodes{
    ImagingCode{kLoinc, kTumorSizeLoinc, "Size Tumor", R::TumorSize, std::nullopt, kSizeRecord, kMcode},
    ImagingCode{kLoinc, kLongestDimensionLoinc, "Size.maximum dimension in Tumor", R::LongestDimension, std::nullopt,
                "the tumour's longest diameter (cm or mm); also read as an Observation.code with valueQuantity, "
                "by the rules of the TumorSize",
                kMcode},
    ImagingCode{kLoinc, kOtherDimensionLoinc, "Size additional dimension in Tumor", R::OtherDimension, std::nullopt,
                "checked (not longer than the longest dimension), not stored", kMcode},
    // Methods of TumorSizeMethodVS.
    ImagingCode{kSnomed, "16310003", "Diagnostic ultrasonography", R::ImagingMethod, std::nullopt, kSizeRecord,
                kMcodeMethod},
    ImagingCode{kSnomed, "113091000", "Magnetic resonance imaging", R::ImagingMethod, std::nullopt, kSizeRecord,
                kMcodeMethod},
    ImagingCode{kSnomed, "77477000", "Computerized axial tomography", R::ImagingMethod, std::nullopt, kSizeRecord,
                kMcodeMethod},
    ImagingCode{kSnomed, "82918005", "Positron emission tomography", R::ImagingMethod, std::nullopt, kSizeRecord,
                kMcodeMethod},
    ImagingCode{kSnomed, "363680008", "Radiographic imaging procedure", R::ImagingMethod, std::nullopt, kSizeRecord,
                kMcodeMethod},
    ImagingCode{kSnomed, "363679005", "Imaging", R::ImagingMethod, std::nullopt, kSizeRecord, kMcodeMethod},
    ImagingCode{kSnomed, "787377000", "Gross examination and sampling of tissue specimen", R::NonImagingMethod,
                std::nullopt, kNotImaging, kMcodeMethod},
    ImagingCode{kSnomed, "104157003", "Light microscopy", R::NonImagingMethod, std::nullopt, kNotImaging, kMcodeMethod},
    ImagingCode{kSnomed, "5880005", "Physical examination procedure", R::NonImagingMethod, std::nullopt, kNotImaging,
                kMcodeMethod},
    // Location of the measured tumour (Observation.bodySite, or Tumor BodyStructure.location).
    ImagingCode{kSnomed, "10200004", "Liver structure", R::LiverLocation, std::nullopt,
                "the tumour is intrahepatic (another location: the size is not read)",
                "HL7 mCODE IG, CM_TG263.fsh (TG263 Liver -> SCT 10200004 \"Liver structure (body structure)\"), "
                "VS_Radiotherapy.fsh"},
    // Response categories (values of the project question mrecist-response).
    ImagingCode{kNcit, "C4870", "Complete Response", R::ResponseCategory, M::CR, kResponseRecord, kNcitSrc},
    ImagingCode{kNcit, "C18058", "Partial Response", R::ResponseCategory, M::PR, kResponseRecord, kNcitSrc},
    ImagingCode{kNcit, "C18213", "Stable Disease", R::ResponseCategory, M::SD, kResponseRecord, kNcitSrc},
    ImagingCode{kNcit, "C35571", "Progressive Disease", R::ResponseCategory, M::PD, kResponseRecord, kNcitSrc},
    // Criteria that are not mRECIST (Observation.method of a response).
    ImagingCode{kDicom, "126080", "RECIST 1.0", R::OtherCriteria, std::nullopt, kNotMrecist, kCid6147},
    ImagingCode{kDicom, "126081", "RECIST 1.1", R::OtherCriteria, std::nullopt, kNotMrecist, kCid6147},
    ImagingCode{kDicom, "112029", "WHO", R::OtherCriteria, std::nullopt, kNotMrecist, kCid6147},
    ImagingCode{kNcit, "C114879", "RANO", R::OtherCriteria, std::nullopt, kNotMrecist, kCid6147},
    // Recognised, not read.
    ImagingCode{kLoinc, "97509-4", "Cancer Disease Progression", R::NotRead, std::nullopt,
                "mCODE cancer disease status: a clinician's judgement of the disease trend from any evidence, not "
                "an mRECIST category; not read",
                "HL7 mCODE IG, SD_DiseaseStatus.fsh (profile mcode-cancer-disease-status)"},
};

constexpr std::array kUnmapped{
    UnmappedImagingFact{"LI-RADS treatment response (LR-TR Nonviable, Equivocal, Viable)", "viable-tumor-percent",
                        "no LOINC, SNOMED CT or RadLex code for the LR-TR categories could be verified"},
    UnmappedImagingFact{"number of intrahepatic tumours", "intrahepatic-tumor-count",
                        "mCODE has no tumour-count element (its multifocal tumour profile is commented out) and no "
                        "LOINC code was verified"},
    UnmappedImagingFact{"largest diameter of all tumours of a study", "largest-tumor-diameter",
                        "mCODE TumorSize measures one tumour; it gives the largest only when every tumour is measured"},
    UnmappedImagingFact{"mRECIST as the criteria of a response (Observation.code or method)", "mrecist-response",
                        "DICOM CID 6147 lists WHO, RECIST 1.0, RECIST 1.1 and RANO, not mRECIST; no NCIt or LOINC "
                        "code for mRECIST was verified"},
    UnmappedImagingFact{"mRECIST target and non-target lesions, new lesions, vascular invasion, extrahepatic spread, "
                        "morphology, viable and occupied percentages",
                        "(their project codes)", "no standard code (CLINICAL_RULES.md section 10)"},
};

}  // namespace

std::span<const ImagingCode> imaging_codes() { return kCodes; }

const ImagingCode* find_imaging_code(std::string_view system, std::string_view code) {
  for (const auto& c : kCodes)
    if (c.system == system && c.code == code) return &c;
  return nullptr;
}

bool is_tumor_size(std::string_view system, std::string_view code) {
  return system == kLoinc && code == kTumorSizeLoinc;
}

std::optional<MrecistCategory> ncit_response(std::string_view system, std::string_view code) {
  const auto* c = find_imaging_code(system, code);
  if (!c || c->role != R::ResponseCategory) return std::nullopt;
  return c->category;
}

std::string_view ncit_response_list() { return "NCIt C4870 (CR), C18058 (PR), C18213 (SD), C35571 (PD)"; }

SizeMethod tumor_size_method(std::string_view system, std::string_view code) {
  const auto* c = find_imaging_code(system, code);
  if (c && c->role == R::ImagingMethod) return SizeMethod::Imaging;
  if (c && c->role == R::NonImagingMethod) return SizeMethod::NotImaging;
  return SizeMethod::Unknown;
}

bool is_liver_location(std::string_view system, std::string_view code) {
  const auto* c = find_imaging_code(system, code);
  return c && c->role == R::LiverLocation;
}

const ImagingCode* other_response_criteria(std::string_view system, std::string_view code) {
  const auto* c = find_imaging_code(system, code);
  return c && c->role == R::OtherCriteria ? c : nullptr;
}

std::span<const UnmappedImagingFact> unmapped_imaging_facts() { return kUnmapped; }

}  // namespace switchpoint::fhir::terms
