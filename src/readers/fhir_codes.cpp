#include "readers/fhir_codes.h"

#include "core/therapy/regimens.h"

#include <array>

namespace switchpoint::fhir {
namespace {

using F = Finding;
using V = ValueType;
using Q = Quantity;

constexpr std::array kObservationCodes{
    // LOINC labs (CLINICAL_RULES.md §10). Units are converted by core/units (to_canonical).
    ObservationCode{kLoinc, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Bilirubin},
    ObservationCode{kLoinc, "14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Bilirubin},
    ObservationCode{kLoinc, "1751-7", "Albumin [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Albumin},
    ObservationCode{kLoinc, "6301-6", "INR in Platelet poor plasma by Coagulation assay", F::Lab, V::Quantity, Q::Inr},
    ObservationCode{kLoinc, "34714-6", "INR in Blood by Coagulation assay", F::Lab, V::Quantity, Q::Inr},
    ObservationCode{kLoinc, "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Ast},
    ObservationCode{kLoinc, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Alt},
    ObservationCode{kLoinc, "777-3", "Platelets [#/volume] in Blood by Automated count", F::Lab, V::Quantity, Q::Platelets},
    ObservationCode{kLoinc, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Creatinine},
    ObservationCode{kLoinc, "14682-9", "Creatinine [Moles/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Creatinine},
    ObservationCode{kLoinc, "1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "19176-7", "Alpha-1-Fetoprotein [Units/volume] in Serum or Plasma", F::Lab, V::Quantity, Q::Afp},
    ObservationCode{kLoinc, "34444-0", "Des-gamma-carboxyprothrombin (DCP, PIVKA-II) in Serum or Plasma", F::Lab, V::Quantity, Q::Dcp},
    ObservationCode{kLoinc, "29463-7", "Body weight", F::Weight, V::Quantity, Q::Weight},
    ObservationCode{kLoinc, "89247-1", "ECOG Performance Status score", F::Ecog, V::Integer, Q::Percent, "0..5"},
    // The project CodeSystem (INTERFACES.md; docs/fhir.md).
    ObservationCode{kHcc, "pt-prolongation", "Prothrombin time prolongation over control", F::Lab, V::Quantity, Q::PtProlongation},
    ObservationCode{kHcc, "ascites", "Ascites (Child-Pugh grade)", F::Ascites, V::Code, Q::Percent, "none, slight, moderate-severe"},
    ObservationCode{kHcc, "encephalopathy", "Hepatic encephalopathy (West Haven)", F::Encephalopathy, V::Code, Q::Percent, "none, grade-1-2, grade-3-4"},
    ObservationCode{kHcc, "intrahepatic-tumor-count", "Number of intrahepatic tumours", F::TumorCount, V::Integer, Q::Percent, "0..1000"},
    ObservationCode{kHcc, "largest-tumor-diameter", "Largest tumour diameter", F::LargestDiameter, V::Quantity, Q::Diameter},
    ObservationCode{kHcc, "target-lesion-viable-diameter", "mRECIST target lesion: longest viable diameter", F::TargetLesion, V::Quantity, Q::Diameter},
    ObservationCode{kHcc, "mrecist-nontarget", "mRECIST non-target lesions", F::NonTarget, V::Code, Q::Percent, "absent, CR, non-CR-non-PD, PD"},
    ObservationCode{kHcc, "new-intrahepatic-lesion", "New intrahepatic lesions (count)", F::NewLesions, V::Integer, Q::Percent, "0..1000"},
    ObservationCode{kHcc, "mrecist-response", "mRECIST response as recorded", F::Mrecist, V::Code, Q::Percent, "CR, PR, SD, PD"},
    ObservationCode{kHcc, "viable-tumor-percent", "Viable part of the treated nodules", F::ViablePercent, V::Quantity, Q::Percent},
    ObservationCode{kHcc, "treated-size-change-percent", "Size change of the treated nodules", F::TreatedSizeChange, V::Quantity, Q::Percent, "-100..1000 %"},
    ObservationCode{kHcc, "macrovascular-invasion", "Macrovascular invasion", F::VascularInvasion, V::Code, Q::Percent, "absent, branch, main-portal-vein"},
    ObservationCode{kHcc, "extrahepatic-spread", "Extrahepatic spread", F::ExtrahepaticSpread, V::Boolean},
    ObservationCode{kHcc, "tumor-morphology", "Tumour morphology", F::Morphology, V::Code, Q::Percent,
                    "simple-nodular, confluent-multinodular, massive-infiltrative, extranodular-growth, "
                    "poorly-differentiated, multiple-disseminated, sarcomatous-change"},
    ObservationCode{kHcc, "bilobar-disease", "Bilobar disease", F::Bilobar, V::Boolean},
    ObservationCode{kHcc, "liver-occupation-percent", "Liver occupied by tumour", F::LiverOccupation, V::Quantity, Q::Percent},
    ObservationCode{kHcc, "bile-duct-invasion", "Bile duct invasion", F::BileDuctInvasion, V::Boolean},
    ObservationCode{kHcc, "varices", "Varices at upper GI endoscopy", F::Varices, V::Code, Q::Percent,
                    "none, low-risk, high-risk-untreated, treated"},
    ObservationCode{kHcc, "curative-treatment-unsuitable", "Curative treatment judged unsuitable", F::CurativeUnsuitable, V::Boolean},
};

constexpr std::array kNotRead{
    NotReadCode{"Observation", kLoinc, "5902-2",
                "prothrombin time in seconds is not the prolongation over control; not read, "
                "send INR or urn:switchpoint:hcc|pt-prolongation",
                FactKind::Coagulation},
    NotReadCode{"Procedure", kSnomed, "233527006", "central venous cannula insertion, not TACE"},
    // Ascites (389026000) and hepatic encephalopathy (13920009) are read as findings
    // (terminology_obs.h); a grade that is not given is never guessed.
    NotReadCode{"", kSnomed, "28670008",
                "oesophageal varices without a risk grade; send urn:switchpoint:hcc|varices", FactKind::Varices},
    NotReadCode{"", kSnomed, "17920008",
                "portal vein thrombosis: bland or tumour thrombus cannot be told; send "
                "urn:switchpoint:hcc|macrovascular-invasion",
                FactKind::VascularInvasion},
};

}  // namespace

std::span<const ObservationCode> observation_codes() { return kObservationCodes; }

const ObservationCode* find_observation_code(std::string_view system, std::string_view code) {
  for (const auto& c : kObservationCodes)
    if (c.system == system && c.code == code) return &c;
  return nullptr;
}

std::span<const NotReadCode> not_read_codes() { return kNotRead; }

const NotReadCode* find_not_read(std::string_view resource, std::string_view system, std::string_view code) {
  for (const auto& c : kNotRead)
    if ((c.resource.empty() || c.resource == resource) && c.system == system && c.code == code) return &c;
  return nullptr;
}

bool is_tace_code(std::string_view system, std::string_view code) {
  return (system == kHcc && code == "tace") || (system == kSnomed && code == "441525007");
}

bool is_hcc_diagnosis(std::string_view system, std::string_view code) {
  return (system == kSnomed && code == "109841003") ||
         ((system == kIcd10 || system == kIcd10Cm) && code == "C22.0");
}

// The regimen ids are those of the knowledge base (core/therapy/regimens.cpp): one list.
bool is_regimen_id(std::string_view code) { return find_regimen(code) != nullptr; }

}  // namespace switchpoint::fhir
