#include "readers/fhir_codes.h"

#include "core/therapy/regimens.h"

#include <array>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace switchpoint::fhir {
namespace {

// Where the codes were checked (full citations in docs/terminology.md).
constexpr std::string_view kSrcRules = "CLINICAL_RULES.md §10";
constexpr std::string_view kSrcProject = "project CodeSystem urn:switchpoint:hcc (INTERFACES.md, docs/fhir.md)";
constexpr std::string_view kSrcFhirMd = "SNOMED CT; docs/fhir.md (checked in the part that added it)";
constexpr std::string_view kSrcIssue14 = "issue 14 (the meaning of the code as the issue states it)";
constexpr std::string_view kSrcGecco =
    "GECCO (German Corona Consensus) FHIR IG LOINC lab codes, with their LOINC long names";
constexpr std::string_view kSrcMcodeSurgery =
    "HL7 mCODE IG, CancerRelatedSurgicalProcedureVS (SNOMED CT codes with displays, two published versions)";
constexpr std::string_view kSrcCptLiver =
    "public CPT descriptor lists (two independent code tables: 47120-47130 with their descriptors)";
constexpr std::string_view kSrcCptTransplant =
    "public CPT descriptor lists (three independent code tables: 47135 'Liver allotransplantation, orthotopic')";
constexpr std::string_view kSrcCptAblation =
    "issue 14 (47370-47383 liver ablation) and a public CPT descriptor list (47370, 47371, 47380, 47381)";
constexpr std::string_view kSrcCptChemo =
    "public CPT descriptor lists ('Chemotherapy administration, intra-arterial', 96420, 96422, 96423)";

using F = Finding;
using V = ValueType;
using Q = Quantity;

constexpr std::array kObservationCodes{
    // LOINC labs (CLINICAL_RULES.md §10). Units are converted by core/units (to_canonical).
    ObservationCode{kLoinc, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Bilirubin},
    ObservationCode{kLoinc, "14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Bilirubin},
    ObservationCode{kLoinc, "1751-7", "Albumin [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Albumin},
    ObservationCode{kLoinc, "6301-6", "INR in Platelet poor plasma by Coagulation assay", F::Lab, V::Quantity, Q::Inr},
    ObservationCode{kLoinc, "34714-6", "INR in Blood by Coagulation assay", F::Lab, V::Quantity, Q::Inr},
    ObservationCode{kLoinc, "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
                    F::Lab, V::Quantity, Q::Ast},
    ObservationCode{kLoinc, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", F::Lab,
                    V::Quantity, Q::Alt},
    ObservationCode{kLoinc, "777-3", "Platelets [#/volume] in Blood by Automated count", F::Lab, V::Quantity,
                    Q::Platelets},
    ObservationCode{kLoinc, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Creatinine},
    ObservationCode{kLoinc, "14682-9", "Creatinine [Moles/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Creatinine},
    ObservationCode{kLoinc, "1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Afp},
    ObservationCode{kLoinc, "19176-7", "Alpha-1-Fetoprotein [Units/volume] in Serum or Plasma", F::Lab, V::Quantity,
                    Q::Afp},
    ObservationCode{kLoinc, "34444-0", "Des-gamma-carboxyprothrombin (DCP, PIVKA-II) in Serum or Plasma", F::Lab,
                    V::Quantity, Q::Dcp},
    // Further LOINC codes of the same analytes (issue 14), each the same component with a unit
    // core/units converts; sources in docs/terminology.md "Laboratory codes". Albumin by
    // electrophoresis is deliberately not here (kNotRead below).
    // Bilirubin in whole blood: GECCO (German COVID-19 IG) lab codes; LOINC table extracts.
    ObservationCode{kLoinc, "42719-5", "Bilirubin.total [Mass/volume] in Blood", F::Lab, V::Quantity, Q::Bilirubin},
    // Albumin by dye binding (BCG, BCP): GECCO lab codes; ART-DECOR LOINC enumeration.
    ObservationCode{kLoinc, "61151-7",
                    "Albumin [Mass/volume] in Serum or Plasma by Bromocresol green (BCG) dye binding method", F::Lab,
                    V::Quantity, Q::Albumin},
    ObservationCode{kLoinc, "61152-5",
                    "Albumin [Mass/volume] in Serum or Plasma by Bromocresol purple (BCP) dye binding method", F::Lab,
                    V::Quantity, Q::Albumin},
    // INR: GECCO lab codes; eCQM INR value set (2025).
    ObservationCode{kLoinc, "46418-0", "INR in Capillary blood by Coagulation assay", F::Lab, V::Quantity, Q::Inr},
    ObservationCode{kLoinc, "38875-1", "INR in Platelet poor plasma or blood by Coagulation assay", F::Lab, V::Quantity,
                    Q::Inr},
    // Platelets: Swiss CH ORF IG (Platelets Observation profile); a LOINC ValueSet expansion.
    ObservationCode{kLoinc, "26515-7", "Platelets [#/volume] in Blood", F::Lab, V::Quantity, Q::Platelets},
    // Creatinine in whole blood: LOINC table extracts (OHDSI concept 3051825 / 38483-4); MII lab example (59826-8).
    ObservationCode{kLoinc, "38483-4", "Creatinine [Mass/volume] in Blood", F::Lab, V::Quantity, Q::Creatinine},
    ObservationCode{kLoinc, "59826-8", "Creatinine [Moles/volume] in Blood", F::Lab, V::Quantity, Q::Creatinine},
    // AFP: HL7 mCODE TumorMarkerTestVS (LOINC codes with their displays).
    ObservationCode{kLoinc, "83073-7", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma by Immunoassay", F::Lab,
                    V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "83072-9", "Alpha-1-Fetoprotein [Units/volume] in Serum or Plasma by Immunoassay", F::Lab,
                    V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "53962-7", "Alpha-1-fetoprotein.tumor marker [Mass/volume] in Serum or Plasma", F::Lab,
                    V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "53961-9", "Alpha-1-fetoprotein.tumor marker [Units/volume] in Serum or Plasma", F::Lab,
                    V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "29463-7", "Body weight", F::Weight, V::Quantity, Q::Weight},
    ObservationCode{kLoinc, "89247-1", "ECOG Performance Status score", F::Ecog, V::Integer, Q::Percent, "0..5"},
    // The project CodeSystem (INTERFACES.md; docs/fhir.md).
    ObservationCode{kHcc, "pt-prolongation", "Prothrombin time prolongation over control", F::Lab, V::Quantity,
                    Q::PtProlongation},
    ObservationCode{kHcc, "ascites", "Ascites (Child-Pugh grade)", F::Ascites, V::Code, Q::Percent,
                    "none, slight, moderate-severe"},
    ObservationCode{kHcc, "encephalopathy", "Hepatic encephalopathy (West Haven)", F::Encephalopathy, V::Code,
                    Q::Percent, "none, grade-1-2, grade-3-4"},
    ObservationCode{kHcc, "intrahepatic-tumor-count", "Number of intrahepatic tumours", F::TumorCount, V::Integer,
                    Q::Percent, "0..1000"},
    ObservationCode{kHcc, "largest-tumor-diameter", "Largest tumour diameter", F::LargestDiameter, V::Quantity,
                    Q::Diameter},
    ObservationCode{kHcc, "target-lesion-viable-diameter", "mRECIST target lesion: longest viable diameter",
                    F::TargetLesion, V::Quantity, Q::Diameter},
    ObservationCode{kHcc, "mrecist-nontarget", "mRECIST non-target lesions", F::NonTarget, V::Code, Q::Percent,
                    "absent, CR, non-CR-non-PD, PD"},
    ObservationCode{kHcc, "new-intrahepatic-lesion", "New intrahepatic lesions (count)", F::NewLesions, V::Integer,
                    Q::Percent, "0..1000"},
    ObservationCode{kHcc, "mrecist-response", "mRECIST response as recorded", F::Mrecist, V::Code, Q::Percent,
                    "CR, PR, SD, PD"},
    ObservationCode{kHcc, "viable-tumor-percent", "Viable part of the treated nodules", F::ViablePercent, V::Quantity,
                    Q::Percent},
    ObservationCode{kHcc, "treated-size-change-percent", "Size change of the treated nodules", F::TreatedSizeChange,
                    V::Quantity, Q::Percent, "-100..1000 %"},
    ObservationCode{kHcc, "macrovascular-invasion", "Macrovascular invasion", F::VascularInvasion, V::Code, Q::Percent,
                    "absent, branch, main-portal-vein"},
    ObservationCode{kHcc, "extrahepatic-spread", "Extrahepatic spread", F::ExtrahepaticSpread, V::Boolean},
    ObservationCode{kHcc, "tumor-morphology", "Tumour morphology", F::Morphology, V::Code, Q::Percent,
                    "simple-nodular, confluent-multinodular, massive-infiltrative, extranodular-growth, "
                    "poorly-differentiated, multiple-disseminated, sarcomatous-change"},
    ObservationCode{kHcc, "bilobar-disease", "Bilobar disease", F::Bilobar, V::Boolean},
    ObservationCode{kHcc, "liver-occupation-percent", "Liver occupied by tumour", F::LiverOccupation, V::Quantity,
                    Q::Percent},
    ObservationCode{kHcc, "bile-duct-invasion", "Bile duct invasion", F::BileDuctInvasion, V::Boolean},
    ObservationCode{kHcc, "varices", "Varices at upper GI endoscopy", F::Varices, V::Code, Q::Percent,
                    "none, low-risk, high-risk-untreated, treated"},
    ObservationCode{kHcc, "curative-treatment-unsuitable", "Curative treatment judged unsuitable",
                    F::CurativeUnsuitable, V::Boolean},
};

constexpr std::array kNotRead{
    NotReadCode{"Observation", kLoinc, "5902-2",
                "prothrombin time in seconds is not the prolongation over control; not read, "
                "send INR or urn:switchpoint:hcc|pt-prolongation",
                kSrcRules, false, FactKind::Coagulation},
    NotReadCode{"Procedure", kSnomed, "233527006", "central venous cannula insertion, not TACE", kSrcRules},
    // Ascites (389026000) and hepatic encephalopathy (13920009) are read as findings
    // (terminology_obs.h); a grade that is not given is never guessed.
    // 28670008 as an Observation valued absent (2667000, or false) is read as no varices
    // (fhir_r4.cpp observation_no_varices); present, or graded, is skipped with this reason.
    NotReadCode{"", kSnomed, "28670008",
                "oesophageal varices without a risk grade; an Observation valued absent is read as no varices; "
                "send urn:switchpoint:hcc|varices with the risk grade",
                kSrcRules, false, FactKind::Varices},
    NotReadCode{"", kSnomed, "17920008",
                "portal vein thrombosis: bland or tumour thrombus cannot be told; send "
                "urn:switchpoint:hcc|macrovascular-invasion",
                kSrcRules, false, FactKind::VascularInvasion},
    NotReadCode{"Observation", kLoinc, "2862-1",
                "albumin by electrophoresis is a protein fraction, not the serum albumin Child-Pugh grades; send "
                "1751-7, 61151-7 or 61152-5",
                kSrcGecco, false, FactKind::Albumin},
    // CPT codes of the TACE session and of related procedures: none is read as TACE
    // (docs/terminology.md "Procedures": no CPT code or combination says chemoembolisation of
    // the liver).
    NotReadCode{"Procedure", kCpt, "37243",
                "vascular embolisation for tumour, organ ischaemia or infarction: also bland and uterine-fibroid "
                "embolisation, and a drug-eluting-bead TACE carries it alone, so it never says TACE; send SNOMED CT "
                "441525007 or urn:switchpoint:hcc|tace",
                kSrcIssue14, true},
    NotReadCode{"Procedure", kCpt, "96420",
                "intra-arterial chemotherapy (push) alone is not TACE (hepatic arterial infusion is another "
                "treatment); send SNOMED CT 441525007 or urn:switchpoint:hcc|tace for a TACE",
                kSrcCptChemo, true},
    NotReadCode{"Procedure", kCpt, "96422",
                "intra-arterial chemotherapy (infusion up to 1 hour) alone is not TACE (hepatic arterial infusion "
                "is another treatment); send SNOMED CT 441525007 or urn:switchpoint:hcc|tace for a TACE",
                kSrcCptChemo, true},
    NotReadCode{"Procedure", kCpt, "96423",
                "intra-arterial chemotherapy (each additional hour) alone is not TACE; send SNOMED CT 441525007 "
                "or urn:switchpoint:hcc|tace for a TACE",
                kSrcCptChemo, true},
    NotReadCode{"Procedure", kCpt, "79445",
                "radioembolisation (TARE, Y-90 microspheres) is not TACE and does not end a TACE course in "
                "CLINICAL_RULES; not read",
                kSrcIssue14},
};

// The Procedure codes read (kind, source). SNOMED CT 441525007 is "percutaneous transluminal
// chemoembolisation of artery" (CLINICAL_RULES §10); the resections, ablations and
// transplantations end a TACE course (P-course-end). CPT codes are read only for these: the
// descriptors name the liver and the procedure unambiguously.
using PK = ProcedureKind;
constexpr std::array kProcedures{
    ProcedureCode{kHcc, "tace", "Transarterial chemoembolisation", PK::Tace, kSrcProject},
    ProcedureCode{kSnomed, "441525007", "Percutaneous transluminal chemoembolization of artery", PK::Tace, kSrcRules},
    ProcedureCode{kHcc, "resection", "Liver resection", PK::Resection, kSrcProject},
    ProcedureCode{kHcc, "ablation", "Local ablation of liver tumour", PK::Ablation, kSrcProject},
    ProcedureCode{kHcc, "liver-transplantation", "Liver transplantation", PK::LiverTransplantation, kSrcProject},
    // SNOMED CT (docs/fhir.md; mCODE CancerRelatedSurgicalProcedureVS for the others).
    ProcedureCode{kSnomed, "18027006", "Transplantation of liver", PK::LiverTransplantation, kSrcFhirMd},
    ProcedureCode{kSnomed, "708625004", "Open radiofrequency ablation of lesion of liver", PK::Ablation, kSrcFhirMd},
    ProcedureCode{kSnomed, "897703001", "Laparoscopic extended right hemihepatectomy", PK::Resection, kSrcFhirMd},
    ProcedureCode{kSnomed, "107963000", "Liver excision (hepatectomy)", PK::Resection, kSrcMcodeSurgery},
    ProcedureCode{kSnomed, "174431000", "Wedge resection of liver", PK::Resection, kSrcMcodeSurgery},
    ProcedureCode{kSnomed, "85946004", "Lobectomy of liver", PK::Resection, kSrcMcodeSurgery},
    ProcedureCode{kSnomed, "15257006", "Lobectomy of liver with partial excision of adjacent lobes", PK::Resection,
                  kSrcMcodeSurgery},
    ProcedureCode{kSnomed, "5415002", "Destruction of lesion of liver", PK::Ablation, kSrcMcodeSurgery},
    ProcedureCode{kSnomed, "27280000", "Liver transplant with recipient hepatectomy", PK::LiverTransplantation,
                  kSrcMcodeSurgery},
    // CPT (public descriptors).
    ProcedureCode{kCpt, "47120", "Hepatectomy, resection of liver; partial lobectomy", PK::Resection, kSrcCptLiver},
    ProcedureCode{kCpt, "47122", "Hepatectomy, resection of liver; trisegmentectomy", PK::Resection, kSrcCptLiver},
    ProcedureCode{kCpt, "47125", "Hepatectomy, resection of liver; total left lobectomy", PK::Resection, kSrcCptLiver},
    ProcedureCode{kCpt, "47130", "Hepatectomy, resection of liver; total right lobectomy", PK::Resection, kSrcCptLiver},
    ProcedureCode{kCpt, "47135",
                  "Liver allotransplantation, orthotopic, partial or whole, from cadaver or living donor, any age",
                  PK::LiverTransplantation, kSrcCptTransplant},
    ProcedureCode{kCpt, "47370", "Laparoscopy, surgical, ablation of 1 or more liver tumor(s); radiofrequency",
                  PK::Ablation, kSrcCptAblation},
    ProcedureCode{kCpt, "47371", "Laparoscopy, surgical, ablation of 1 or more liver tumor(s); cryosurgical",
                  PK::Ablation, kSrcCptAblation},
    ProcedureCode{kCpt, "47380", "Ablation, open, of 1 or more liver tumor(s); radiofrequency", PK::Ablation,
                  kSrcCptAblation},
    ProcedureCode{kCpt, "47381", "Ablation, open, of 1 or more liver tumor(s); cryosurgical", PK::Ablation,
                  kSrcCptAblation},
};

}  // namespace

std::span<const ObservationCode> observation_codes() { return kObservationCodes; }

namespace {
// The entries of a code table by their code, each list in table order: a lookup (for every line
// of an export, at the scan and again at the read) hashes the code once instead of comparing it
// with every entry. Built on first use, read-only after.
template <typename T>
class ByCode {
 public:
  explicit ByCode(std::span<const T> table) {
    for (const auto& e : table) index_[e.code].push_back(&e);
  }
  std::span<const T* const> operator()(std::string_view code) const {
    const auto it = index_.find(code);
    if (it == index_.end()) return {};
    return it->second;
  }

 private:
  std::unordered_map<std::string_view, std::vector<const T*>> index_;
};
}  // namespace

const ObservationCode* find_observation_code(std::string_view system, std::string_view code) {
  static const ByCode<ObservationCode> by_code{kObservationCodes};
  for (const auto* c : by_code(code))
    if (c->system == system) return c;
  return nullptr;
}

std::span<const NotReadCode> not_read_codes() { return kNotRead; }

const NotReadCode* find_not_read(std::string_view resource, std::string_view system, std::string_view code) {
  static const ByCode<NotReadCode> by_code{kNotRead};
  for (const auto* c : by_code(code))
    if (c->system == system && (c->resource.empty() || c->resource == resource)) return c;
  return nullptr;
}

std::span<const ProcedureCode> procedure_codes() { return kProcedures; }

const ProcedureCode* find_procedure_code(std::string_view system, std::string_view code) {
  static const ByCode<ProcedureCode> by_code{kProcedures};
  for (const auto* c : by_code(code))
    if (c->system == system) return c;
  return nullptr;
}

std::optional<CourseEndingKind> course_ending_of(ProcedureKind k) {
  switch (k) {
    case PK::Tace:
      return std::nullopt;
    case PK::Resection:
      return CourseEndingKind::Resection;
    case PK::Ablation:
      return CourseEndingKind::Ablation;
    case PK::LiverTransplantation:
      return CourseEndingKind::LiverTransplantation;
  }
  return std::nullopt;
}

std::string_view to_string(ProcedureKind k) {
  switch (k) {
    case PK::Tace:
      return "TACE";
    case PK::Resection:
      return "resection";
    case PK::Ablation:
      return "ablation";
    case PK::LiverTransplantation:
      return "liver transplantation";
  }
  return "?";
}

bool is_tace_code(std::string_view system, std::string_view code) {
  const auto* c = find_procedure_code(system, code);
  return c != nullptr && c->kind == PK::Tace;
}

bool is_hcc_diagnosis(std::string_view system, std::string_view code) {
  return (system == kSnomed && code == "109841003") || ((system == kIcd10 || system == kIcd10Cm) && code == "C22.0");
}

// The regimen ids are those of the knowledge base (core/therapy/regimens.cpp): one list.
bool is_regimen_id(std::string_view code) { return find_regimen(code) != nullptr; }

}  // namespace switchpoint::fhir
