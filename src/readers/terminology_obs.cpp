#include "readers/terminology_obs.h"

#include <array>

#include "readers/fhir_codes.h"

namespace switchpoint::fhir::terms {
namespace {

// Sources (full citations in docs/terminology.md, "Observations and conditions").
constexpr std::string_view kSrcLl529 =
    "LOINC answer list LL529-9 (https://loinc.org/LL529-9/); mCODE ECOG example "
    "ecog-performance-status-fully-active (HL7 mCODE IG)";
constexpr std::string_view kSrcRules = "CLINICAL_RULES.md §10";
constexpr std::string_view kSrcSnomedQualifier = "SNOMED CT qualifier value (https://browser.ihtsdotools.org/)";
constexpr std::string_view kSrcIcd10Cm = "ICD-10-CM tabular list (https://www.cdc.gov/nchs/icd/icd-10-cm/)";
// Added in the part that finished the codes of issue 14 (docs/terminology.md).
constexpr std::string_view kSrcSctMg =
    "SNOMED CT; OHDSI concept 76685 'Myasthenia gravis' (concept set yaml), a Norwegian SNOMED CT ValueSet, an "
    "OpenSAFELY-style cluster list";
constexpr std::string_view kSrcSctSjogren =
    "SNOMED CT; '83901003 |Sjögren's syndrome (disorder)|' in a SNOMED CT authoring guide; an ICD-9 → SNOMED "
    "phenotype map (sjogrens 710.2, 83901003)";
constexpr std::string_view kSrcSctSsc =
    "SNOMED CT; a FHIR ValueSet ('89155008 Systemic sclerosis (disorder)'); OHDSI Charlson concept list "
    "(134442, 89155008 Systemic sclerosis)";
constexpr std::string_view kSrcSctGraves =
    "SNOMED CT; OHDSI concept 4232076 'Graves' disease'; 'Graves' disease (disorder)' in a thyroid code list; an "
    "ICD-10-CM E05.00 ↔ 353295004 map";
constexpr std::string_view kSrcImbrave =
    "IMbrave150 eligibility as CLINICAL_RULES §7 applies it (issue 14 brief: type 1 diabetes and autoimmune "
    "hypothyroidism on replacement were allowed; skin-only psoriasis likewise)";

constexpr std::array kEcog{
    EcogAnswer{"LA9622-7", 0, "Fully active, able to carry on all pre-disease performance without restriction"},
    EcogAnswer{"LA9623-5", 1,
               "Restricted in physically strenuous activity but ambulatory and able to carry out work of a light or "
               "sedentary nature"},
    EcogAnswer{"LA9624-3", 2, "Ambulatory and capable of all selfcare but unable to carry out any work activities"},
    EcogAnswer{"LA9625-0", 3,
               "Capable of only limited selfcare, confined to bed or chair more than 50% of waking hours"},
    EcogAnswer{"LA9626-8", 4, "Completely disabled. Cannot carry on any selfcare. Totally confined to bed or chair"},
    EcogAnswer{"LA9627-6", 5, "Dead"},
};

using LF = LiverFinding;
constexpr std::array kLiverFindings{
    LiverFindingCode{kSnomed, "389026000", "Ascites", LF::Ascites, false, kSrcRules},
    LiverFindingCode{kSnomed, "13920009", "Hepatic encephalopathy", LF::Encephalopathy, false, kSrcRules},
    LiverFindingCode{kIcd10Cm, "R18.0", "Malignant ascites", LF::Ascites, true, kSrcIcd10Cm},
    LiverFindingCode{kIcd10Cm, "R18.8", "Other ascites", LF::Ascites, true, kSrcIcd10Cm},
    LiverFindingCode{kIcd10Cm, "K70.31", "Alcoholic cirrhosis of liver with ascites", LF::Ascites, true, kSrcIcd10Cm},
    LiverFindingCode{kIcd10Cm, "K76.82", "Hepatic encephalopathy", LF::Encephalopathy, true, kSrcIcd10Cm},
};

using P = Presence;
constexpr std::array kPresence{
    PresenceCode{kSnomed, "2667000", "Absent", P::Absent, std::nullopt, kSrcSnomedQualifier},
    PresenceCode{kSnomed, "52101004", "Present", P::Present, std::nullopt, kSrcSnomedQualifier},
    PresenceCode{kSnomed, "860638000", "No ascites", P::Absent, LF::Ascites,
                 "SNOMED CT; MII Molekulares Tumorboard example Observation (389026000 valued 860638000)"},
    PresenceCode{kSnomed, "255604002", "Mild", P::Mild, std::nullopt, kSrcSnomedQualifier},
    PresenceCode{kSnomed, "6736007", "Moderate", P::Moderate, std::nullopt, kSrcSnomedQualifier},
    PresenceCode{kSnomed, "24484000", "Severe", P::Severe, std::nullopt, kSrcSnomedQualifier},
};

using K = ConditionKind;
constexpr std::array kConditions{
    // Active autoimmune disease (checkpoint inhibitors, CLINICAL_RULES §7).
    ConditionCode{kSnomed, "85828009", false, K::ActiveAutoimmuneDisease, "Autoimmune disease", "SNOMED CT"},
    ConditionCode{kSnomed, "69896004", false, K::ActiveAutoimmuneDisease, "Rheumatoid arthritis", "SNOMED CT"},
    ConditionCode{kSnomed, "55464009", false, K::ActiveAutoimmuneDisease, "Systemic lupus erythematosus", "SNOMED CT"},
    ConditionCode{kSnomed, "24700007", false, K::ActiveAutoimmuneDisease, "Multiple sclerosis", "SNOMED CT"},
    ConditionCode{kSnomed, "34000006", false, K::ActiveAutoimmuneDisease, "Crohn's disease", "SNOMED CT"},
    ConditionCode{kSnomed, "64766004", false, K::ActiveAutoimmuneDisease, "Ulcerative colitis", "SNOMED CT"},
    ConditionCode{kSnomed, "408335007", false, K::ActiveAutoimmuneDisease, "Autoimmune hepatitis", "SNOMED CT"},
    ConditionCode{kIcd10Cm, "M05", true, K::ActiveAutoimmuneDisease, "Rheumatoid arthritis with rheumatoid factor",
                  kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "M06", true, K::ActiveAutoimmuneDisease, "Other rheumatoid arthritis", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "M32", true, K::ActiveAutoimmuneDisease, "Systemic lupus erythematosus", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "G35", true, K::ActiveAutoimmuneDisease, "Multiple sclerosis", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "K50", true, K::ActiveAutoimmuneDisease, "Crohn's disease", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "K51", true, K::ActiveAutoimmuneDisease, "Ulcerative colitis", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "K75.4", false, K::ActiveAutoimmuneDisease, "Autoimmune hepatitis", kSrcIcd10Cm},
    ConditionCode{kSnomed, "91637004", false, K::ActiveAutoimmuneDisease, "Myasthenia gravis", kSrcSctMg},
    ConditionCode{kSnomed, "83901003", false, K::ActiveAutoimmuneDisease, "Sjögren's syndrome", kSrcSctSjogren},
    ConditionCode{kSnomed, "89155008", false, K::ActiveAutoimmuneDisease, "Systemic sclerosis", kSrcSctSsc},
    ConditionCode{kSnomed, "353295004", false, K::ActiveAutoimmuneDisease, "Graves' disease", kSrcSctGraves},
    ConditionCode{kIcd10Cm, "G70.0", true, K::ActiveAutoimmuneDisease, "Myasthenia gravis", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "M35.0", true, K::ActiveAutoimmuneDisease, "Sjögren syndrome (sicca syndrome)",
                  kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "M34", true, K::ActiveAutoimmuneDisease, "Systemic sclerosis [scleroderma]", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "E05.0", true, K::ActiveAutoimmuneDisease,
                  "Thyrotoxicosis with diffuse goiter (Graves' disease)", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "L40.5", true, K::ActiveAutoimmuneDisease, "Arthropathic psoriasis", kSrcIcd10Cm},
    // Solid-organ transplant status (Z94.*: the solid organs, and the unspecified ones).
    ConditionCode{kIcd10Cm, "Z94.0", true, K::SolidOrganTransplant, "Kidney transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.1", true, K::SolidOrganTransplant, "Heart transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.2", true, K::SolidOrganTransplant, "Lung transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.3", true, K::SolidOrganTransplant, "Heart and lungs transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.4", true, K::SolidOrganTransplant, "Liver transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.82", true, K::SolidOrganTransplant, "Intestine transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.83", true, K::SolidOrganTransplant, "Pancreas transplant status", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.89", true, K::SolidOrganTransplant, "Other transplanted organ and tissue status",
                  kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "Z94.9", true, K::SolidOrganTransplant, "Transplanted organ and tissue status, unspecified",
                  kSrcIcd10Cm},
    // Variceal bleeding.
    ConditionCode{kSnomed, "17709002", false, K::VaricealBleeding, "Bleeding esophageal varices",
                  "SNOMED CT; OHDSI concept 28779"},
    ConditionCode{kIcd10Cm, "I85.01", false, K::VaricealBleeding, "Esophageal varices with bleeding", kSrcIcd10Cm},
    ConditionCode{kIcd10Cm, "I85.11", false, K::VaricealBleeding, "Secondary esophageal varices with bleeding",
                  kSrcIcd10Cm},
    // Arterial thrombosis (needs its onset: the therapy rules look 6 months back).
    ConditionCode{kIcd10Cm, "I74", true, K::ArterialThrombosis, "Arterial embolism and thrombosis", kSrcIcd10Cm},
    // The concept itself only (not its descendants, e.g. coronary artery thrombosis).
    ConditionCode{kSnomed, "65198009", false, K::ArterialThrombosis, "Arterial thrombosis",
                  "SNOMED CT; a SNOMED CT taxonomy path ('65198009 Arterial thrombosis (disorder)', a 'Disorder of "
                  "artery', parent of 'Coronary artery thrombosis')"},
};

constexpr std::array kNotRead{
    NotReadCondition{kIcd10Cm, "Z94.5", true, "skin transplant status: not a solid-organ transplant", kSrcIcd10Cm},
    NotReadCondition{kIcd10Cm, "Z94.6", true, "bone transplant status: not a solid-organ transplant", kSrcIcd10Cm},
    NotReadCondition{kIcd10Cm, "Z94.7", true, "corneal transplant status: not a solid-organ transplant", kSrcIcd10Cm},
    NotReadCondition{kIcd10Cm, "Z94.81", true,
                     "bone marrow transplant status: not a solid-organ transplant; judge an allogeneic "
                     "transplant before immunotherapy",
                     kSrcIcd10Cm},
    NotReadCondition{kIcd10Cm, "Z94.84", true,
                     "stem cells transplant status: not a solid-organ transplant; judge an allogeneic "
                     "transplant before immunotherapy",
                     kSrcIcd10Cm},
    NotReadCondition{kIcd10Cm, "I85.00", false,
                     "oesophageal varices without bleeding and without a risk grade; send urn:switchpoint:hcc|varices",
                     kSrcIcd10Cm, FactKind::Varices},
    NotReadCondition{kIcd10Cm, "I85.10", false,
                     "secondary oesophageal varices without bleeding and without a risk grade; send "
                     "urn:switchpoint:hcc|varices",
                     kSrcIcd10Cm, FactKind::Varices},
    NotReadCondition{kSnomed, "28670008", false,
                     "oesophageal varices without a risk grade; send urn:switchpoint:hcc|varices", kSrcRules,
                     FactKind::Varices},
    NotReadCondition{kIcd10Cm, "I81", false,
                     "portal vein thrombosis: bland or tumour thrombus cannot be told; send "
                     "urn:switchpoint:hcc|macrovascular-invasion",
                     kSrcIcd10Cm, FactKind::VascularInvasion},
    NotReadCondition{kSnomed, "38341003", false,
                     "hypertension, not said to be uncontrolled; send urn:switchpoint:hcc|uncontrolled-hypertension "
                     "when it is",
                     "SNOMED CT"},
    NotReadCondition{kIcd10Cm, "I10", false,
                     "essential hypertension, not said to be uncontrolled; send "
                     "urn:switchpoint:hcc|uncontrolled-hypertension when it is",
                     kSrcIcd10Cm},
    // Autoimmune conditions that the ICI trials did not exclude as such (CLINICAL_RULES §7 "active
    // autoimmune disease"): the team judges; the skipped list names them.
    NotReadCondition{
        kIcd10Cm, "E10", true,
        "type 1 diabetes: IMbrave150 allowed controlled type 1 diabetes on insulin; not read as active "
        "autoimmune disease, send urn:switchpoint:hcc|active-autoimmune-disease when the team judges it one",
        kSrcImbrave},
    NotReadCondition{kIcd10Cm, "E06.3", false,
                     "autoimmune thyroiditis: IMbrave150 allowed autoimmune hypothyroidism on stable replacement; not "
                     "read as active autoimmune disease, send urn:switchpoint:hcc|active-autoimmune-disease when the "
                     "team judges it one",
                     kSrcImbrave},
    NotReadCondition{kIcd10Cm, "L40.0", false,
                     "psoriasis vulgaris (skin only): IMbrave150 allowed skin-only psoriasis; not read as active "
                     "autoimmune disease, send urn:switchpoint:hcc|active-autoimmune-disease when the team judges it "
                     "one (arthropathic psoriasis, L40.5, is read)",
                     kSrcImbrave},
};

constexpr std::array kDiagnosis{
    DiagnosisCode{kSnomed, "109841003", "Liver cell carcinoma", kSrcRules},
    DiagnosisCode{kIcd10, "C22.0", "Liver cell carcinoma", kSrcRules},
    DiagnosisCode{kIcd10Cm, "C22.0", "Liver cell carcinoma", kSrcIcd10Cm},
    DiagnosisCode{kIcdO3, "8170/3", "Hepatocellular carcinoma, NOS", "ICD-O-3 morphology (WHO)"},
};

// `code` is `family` itself or one of its subcodes ("Z94.0" → "Z94.0", "Z94.0x"; "M05" → "M05.79").
bool in_family(std::string_view code, std::string_view family) {
  if (!code.starts_with(family)) return false;
  if (code.size() == family.size()) return true;
  const char next = code[family.size()];
  // "M05" covers "M05.x"; "Z94.8" would cover "Z94.8x": after a dotted stem a digit or a capital
  // letter (ICD-10-CM subcodes are alphanumeric: M35.0A "Sjögren syndrome with glomerular disease").
  return family.find('.') == std::string_view::npos ? next == '.'
                                                    : ((next >= '0' && next <= '9') || (next >= 'A' && next <= 'Z'));
}

}  // namespace

std::span<const EcogAnswer> ecog_answers() { return kEcog; }

std::optional<int> ecog_grade(std::string_view system, std::string_view code) {
  if (system != kLoinc) return std::nullopt;
  for (const auto& a : kEcog)
    if (a.code == code) return a.grade;
  return std::nullopt;
}

std::string_view ecog_answer_list() {
  return "LA9622-7 (0), LA9623-5 (1), LA9624-3 (2), LA9625-0 (3), LA9626-8 (4), LA9627-6 (5)";
}

std::string_view ecog_answers_source() { return kSrcLl529; }

bool is_karnofsky(std::string_view system, std::string_view code) {
  return system == kLoinc && code == kKarnofskyLoinc;
}

std::span<const LiverFindingCode> liver_finding_codes() { return kLiverFindings; }

const LiverFindingCode* find_liver_finding(std::string_view system, std::string_view code, bool condition) {
  for (const auto& c : kLiverFindings)
    if (c.system == system && c.code == code && (condition || !c.condition_only)) return &c;
  return nullptr;
}

std::span<const PresenceCode> presence_codes() { return kPresence; }

std::optional<Presence> presence_of(std::string_view system, std::string_view code, LiverFinding f) {
  for (const auto& c : kPresence)
    if (c.system == system && c.code == code && (!c.only_for || *c.only_for == f)) return c.presence;
  return std::nullopt;
}

std::optional<Presence> severity_of(std::string_view system, std::string_view code) {
  for (const auto& c : kPresence)
    if (c.system == system && c.code == code &&
        (c.presence == P::Mild || c.presence == P::Moderate || c.presence == P::Severe))
      return c.presence;
  return std::nullopt;
}

std::string_view to_string(Presence p) {
  switch (p) {
    case P::Absent:
      return "absent";
    case P::Present:
      return "present";
    case P::Mild:
      return "mild";
    case P::Moderate:
      return "moderate";
    case P::Severe:
      return "severe";
  }
  return "?";
}

std::string_view to_string(LiverFinding f) {
  switch (f) {
    case LF::Ascites:
      return "ascites";
    case LF::Encephalopathy:
      return "hepatic encephalopathy";
  }
  return "?";
}

std::span<const ConditionCode> condition_codes() { return kConditions; }

const ConditionCode* find_condition_code(std::string_view system, std::string_view code) {
  for (const auto& c : kConditions)
    if (c.system == system && (c.family ? in_family(code, c.code) : c.code == code)) return &c;
  return nullptr;
}

std::span<const NotReadCondition> not_read_conditions() { return kNotRead; }

const NotReadCondition* find_not_read_condition(std::string_view system, std::string_view code) {
  for (const auto& c : kNotRead)
    if (c.system == system && (c.family ? in_family(code, c.code) : c.code == code)) return &c;
  return nullptr;
}

std::span<const DiagnosisCode> hcc_diagnosis_codes() { return kDiagnosis; }

bool is_hcc_diagnosis(std::string_view system, std::string_view code) {
  for (const auto& c : kDiagnosis)
    if (c.system == system && c.code == code) return true;
  return fhir::is_hcc_diagnosis(system, code);
}

}  // namespace switchpoint::fhir::terms
