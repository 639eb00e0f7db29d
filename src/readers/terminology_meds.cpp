#include "readers/terminology_meds.h"

#include <array>

#include "core/therapy/regimens.h"
#include "readers/fhir_codes.h"

namespace switchpoint::fhir {
namespace {

// Where each code was checked (docs/terminology.md gives the full citations).
constexpr std::string_view kSrcIssue = "issue 14 (RxNorm ingredient codes named in the issue)";
constexpr std::string_view kSrcRxRegistry =
    "public RxNorm ingredient registry (oncology slice: RxNormEntry table, rxnorm_cui → drug_name)";
constexpr std::string_view kSrcRxPembro =
    "FHIR ValueSet 'Treatment-Pembrolizumab' test and a public rxcui table (rxcui:1547545 Pembrolizumab)";
constexpr std::string_view kSrcOpenFdaSorafenib =
    "openFDA NDC directory, openfda.rxcui of Nexavar 200 mg tablets (NDC 50419-488) and generic sorafenib 200 mg "
    "tablets (NDC 0480-5425, 43598-458, 24979-715)";
constexpr std::string_view kSrcOpenFdaAtezolizumab =
    "openFDA NDC directory, openfda.rxcui of TECENTRIQ (atezolizumab) 840 mg/14 mL (NDC 50242-918)";
constexpr std::string_view kSrcOpenFdaLenvatinib =
    "openFDA NDC directory, openfda.rxcui of Lenvima (lenvatinib) capsules (NDC 62856-710)";
constexpr std::string_view kSrcNhi =
    "Taiwan NHI CQL IG tw.gov.mohw.nhi.cql, Library-HCCCodeConcept / CRCCodeConcept (ATC of the HCC drug rules)";
constexpr std::string_view kSrcAtcMap =
    "German oncology ATC version-transition ConceptMap (L01XC/L01XE → L01F/L01E, 2022)";
constexpr std::string_view kSrcAtcInn =
    "public INN → ATC maps (EMA medicines list; ATC value sets listing L01FF01 Nivolumab)";
// Added in the part that finished the codes of issue 14 (docs/terminology.md "Agent codes").
constexpr std::string_view kSrcRxSorafenibIn =
    "NMDP CIBMTR reporting IG, RxNorm ValueSet med-post-hct-disease-therapy-planned ('495881 sorafenib'); a RxNav-"
    "derived ingredient table (Sorafenib 495881, exact ingredient); a 'Hepatic Tumor' rxnormlist";
constexpr std::string_view kSrcRxRxNavTwo =
    "two independent RxNav-checked ingredient tables (a DDI knowledge base regression test 'F17: RxNav-verified "
    "ingredient codes'; a clinical-standards bridge 'source: NIH RxNav, exact_ingredient')";
constexpr std::string_view kSrcRxIci =
    "immune checkpoint inhibitor RxNorm ingredient lists: a TriNetX ICI cohort script (code → name), an oncology "
    "drug dictionary (RxNorm, PubChem, NCI Thesaurus), FHIR test codings (RxNorm with display)";
constexpr std::string_view kSrcRxSorafenibProducts =
    "NMDP CIBMTR reporting IG RxNorm ValueSet (sorafenib 200 MG, Oral Tablet, Nexavar products, with displays) and "
    "the same 12 codes in a 'Hepatic Tumor' rxnormlist";
constexpr std::string_view kSrcOpenFdaRamucirumab =
    "openFDA NDC directory, openfda.rxcui of CYRAMZA (ramucirumab) 10 mg/mL, NDC 0002-7669";
constexpr std::string_view kSrcOpenFdaDurvalumab =
    "openFDA NDC directory, openfda.rxcui of IMFINZI (durvalumab) 120 mg/2.4 mL, NDC 0310-4500";
constexpr std::string_view kSrcOpenFdaTremelimumab =
    "openFDA NDC directory, openfda.rxcui of IMJUDO (tremelimumab) 25 mg/1.25 mL, NDC 0310-4505";
constexpr std::string_view kSrcOpenFdaBevacizumab =
    "openFDA NDC directory, openfda.rxcui of Avastin (bevacizumab) 400 mg/16 mL, NDC 50242-061";
constexpr std::string_view kSrcAtcNew =
    "ATC listings: a FHIR ATC ValueSet (code, display), Pharmacolibrary ATC model tree (L01F…/L01E… names), "
    "national formulary lists (Spanish AUE list, Taiwan HCC drug list, Korean ATC list)";

constexpr std::array kAgents{
    // RxNorm ingredients (TTY IN).
    AgentCode{kRxNorm, "1792776", "atezolizumab", kSrcIssue},
    AgentCode{kRxNorm, "253337", "bevacizumab", kSrcIssue},
    AgentCode{kRxNorm, "1547545", "pembrolizumab", kSrcRxPembro},
    AgentCode{kRxNorm, "1597876", "nivolumab", kSrcRxRegistry},
    AgentCode{kRxNorm, "495881", "sorafenib", kSrcRxSorafenibIn},
    AgentCode{kRxNorm, "1603296", "lenvatinib", kSrcRxRxNavTwo},
    AgentCode{kRxNorm, "1363268", "cabozantinib", kSrcRxRxNavTwo},
    AgentCode{kRxNorm, "1919503", "durvalumab", kSrcRxIci},
    AgentCode{kRxNorm, "1094833", "ipilimumab", kSrcRxIci},
    // RxNorm clinical and branded drugs (SCD, SBD, packs) of products of one agent, as the FDA's
    // NDC directory maps them: orders and administrations usually carry these, not the ingredient.
    AgentCode{kRxNorm, "597747", "sorafenib", kSrcOpenFdaSorafenib},
    AgentCode{kRxNorm, "615979", "sorafenib", kSrcOpenFdaSorafenib},
    AgentCode{kRxNorm, "1792780", "atezolizumab", kSrcOpenFdaAtezolizumab},
    AgentCode{kRxNorm, "1792785", "atezolizumab", kSrcOpenFdaAtezolizumab},
    AgentCode{kRxNorm, "2119695", "atezolizumab", kSrcOpenFdaAtezolizumab},
    AgentCode{kRxNorm, "2119696", "atezolizumab", kSrcOpenFdaAtezolizumab},
    AgentCode{kRxNorm, "1604345", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604348", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604349", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604350", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604351", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604352", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604383", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604384", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604394", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1604395", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1792377", "lenvatinib", kSrcOpenFdaLenvatinib},
    AgentCode{kRxNorm, "1792392", "lenvatinib", kSrcOpenFdaLenvatinib},
    // Sorafenib concepts of one ingredient (SCDC, SCDF, SBDC, SBDF, brand, dose-form groups).
    AgentCode{kRxNorm, "597745", "sorafenib", kSrcRxSorafenibProducts},   // sorafenib 200 MG
    AgentCode{kRxNorm, "597746", "sorafenib", kSrcRxSorafenibProducts},   // sorafenib Oral Tablet
    AgentCode{kRxNorm, "615977", "sorafenib", kSrcRxSorafenibProducts},   // sorafenib 200 MG [Nexavar]
    AgentCode{kRxNorm, "615978", "sorafenib", kSrcRxSorafenibProducts},   // sorafenib Oral Tablet [Nexavar]
    AgentCode{kRxNorm, "619985", "sorafenib", kSrcRxSorafenibProducts},   // Nexavar
    AgentCode{kRxNorm, "1159691", "sorafenib", kSrcRxSorafenibProducts},  // sorafenib Oral Product
    AgentCode{kRxNorm, "1159692", "sorafenib", kSrcRxSorafenibProducts},  // sorafenib Pill
    AgentCode{kRxNorm, "1182862", "sorafenib", kSrcRxSorafenibProducts},  // Nexavar Oral Product
    AgentCode{kRxNorm, "1182863", "sorafenib", kSrcRxSorafenibProducts},  // Nexavar Pill
    AgentCode{kRxNorm, "1657775", "ramucirumab", kSrcOpenFdaRamucirumab},
    AgentCode{kRxNorm, "1657777", "ramucirumab", kSrcOpenFdaRamucirumab},
    AgentCode{kRxNorm, "1657780", "ramucirumab", kSrcOpenFdaRamucirumab},
    AgentCode{kRxNorm, "1657781", "ramucirumab", kSrcOpenFdaRamucirumab},
    AgentCode{kRxNorm, "1919507", "durvalumab", kSrcOpenFdaDurvalumab},
    AgentCode{kRxNorm, "1919512", "durvalumab", kSrcOpenFdaDurvalumab},
    AgentCode{kRxNorm, "1919515", "durvalumab", kSrcOpenFdaDurvalumab},
    AgentCode{kRxNorm, "1919516", "durvalumab", kSrcOpenFdaDurvalumab},
    AgentCode{kRxNorm, "2619317", "tremelimumab", kSrcOpenFdaTremelimumab},
    AgentCode{kRxNorm, "2619323", "tremelimumab", kSrcOpenFdaTremelimumab},
    AgentCode{kRxNorm, "2619325", "tremelimumab", kSrcOpenFdaTremelimumab},
    AgentCode{kRxNorm, "2619326", "tremelimumab", kSrcOpenFdaTremelimumab},
    AgentCode{kRxNorm, "1657066", "bevacizumab", kSrcOpenFdaBevacizumab},
    AgentCode{kRxNorm, "1657068", "bevacizumab", kSrcOpenFdaBevacizumab},
    AgentCode{kRxNorm, "1657073", "bevacizumab", kSrcOpenFdaBevacizumab},
    AgentCode{kRxNorm, "1657074", "bevacizumab", kSrcOpenFdaBevacizumab},
    // WHO ATC (2022 and later: L01F monoclonal antibodies, L01E protein kinase inhibitors).
    AgentCode{kAtc, "L01FF05", "atezolizumab", kSrcNhi},
    AgentCode{kAtc, "L01FF03", "durvalumab", kSrcNhi},
    AgentCode{kAtc, "L01FF02", "pembrolizumab", kSrcNhi},
    AgentCode{kAtc, "L01FF01", "nivolumab", kSrcAtcInn},
    AgentCode{kAtc, "L01FG01", "bevacizumab", kSrcNhi},
    AgentCode{kAtc, "L01FG02", "ramucirumab", kSrcNhi},
    AgentCode{kAtc, "L01EX02", "sorafenib", kSrcNhi},
    AgentCode{kAtc, "L01EX05", "regorafenib", kSrcNhi},
    AgentCode{kAtc, "L01EX08", "lenvatinib", kSrcNhi},
    AgentCode{kAtc, "L01EX07", "cabozantinib", kSrcAtcNew},
    AgentCode{kAtc, "L01FX04", "ipilimumab", kSrcAtcNew},
    AgentCode{kAtc, "L01FX20", "tremelimumab", kSrcAtcNew},
    AgentCode{kAtc, "L01FF09", "tislelizumab", kSrcAtcNew},
    // ATC before 2022 (still in older records): the same substances.
    AgentCode{kAtc, "L01XC07", "bevacizumab", kSrcAtcMap},
    AgentCode{kAtc, "L01XC32", "atezolizumab", kSrcAtcMap},
};

// HL7 mCODE IG TreatmentTerminationReasonVS (mcode-treatment-termination-reason-vs), SNOMED CT
// with displays; the same codes in the CodeX pediatric cancer IG ReasonOffStudyVS.
constexpr std::string_view kSrcMcodeTermination =
    "HL7 mCODE IG TreatmentTerminationReasonVS (SNOMED CT codes with displays); the same list in the CodeX "
    "pediatric cancer ReasonOffStudyVS";
constexpr std::array kStopReasons{
    StopReasonCode{kSnomed, "182992009", "Treatment completed", StopReason::Completed, "the course was completed",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "407563006", "Treatment not tolerated", StopReason::Intolerance,
                   "stopped because it was not tolerated (mCODE: more general than 'Adverse reaction')",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "266721009", "No response to treatment", std::nullopt,
                   "no response does not say whether the disease progressed (stable disease is also no response); "
                   "send urn:switchpoint:hcc|progression when it did, or urn:switchpoint:hcc|other",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "160932005", "Financial problem", StopReason::Other, "a reason that is not clinical",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "105480006", "Refusal of treatment by patient", StopReason::Other,
                   "the patient's decision: not progression, not intolerance", kSrcMcodeTermination},
    StopReasonCode{kSnomed, "184081006", "Patient has moved away", StopReason::Other, "a reason that is not clinical",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "309846006", "Treatment not available", StopReason::Other, "a reason that is not clinical",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "399307001", "Lost to follow-up", StopReason::Other, "a reason that is not clinical",
                   kSrcMcodeTermination},
    StopReasonCode{kSnomed, "7058009", "Noncompliance with treatment", StopReason::Other,
                   "not progression, not intolerance (mCODE STU3 added it)", kSrcMcodeTermination},
};

constexpr std::array kCombinations{
    Combination{"atezolizumab-bevacizumab", "atezolizumab", "bevacizumab"},
    Combination{"durvalumab-tremelimumab", "durvalumab", "tremelimumab"},
    Combination{"nivolumab-ipilimumab", "nivolumab", "ipilimumab"},
};

constexpr std::array<std::string_view, 7> kCheckpointInhibitors{
    "atezolizumab", "durvalumab", "tremelimumab", "nivolumab", "ipilimumab", "pembrolizumab", "tislelizumab"};

}  // namespace

std::span<const AgentCode> agent_codes() { return kAgents; }

const AgentCode* find_agent_code(std::string_view system, std::string_view code) {
  for (const auto& a : kAgents)
    if (a.system == system && a.code == code) return &a;
  return nullptr;
}

std::span<const Combination> combinations() { return kCombinations; }

std::span<const StopReasonCode> stop_reason_codes() { return kStopReasons; }

const StopReasonCode* find_stop_reason_code(std::string_view system, std::string_view code) {
  for (const auto& c : kStopReasons)
    if (c.system == system && c.code == code) return &c;
  return nullptr;
}

bool is_combination_component(std::string_view ingredient) {
  for (const auto& c : kCombinations)
    if (c.first == ingredient || c.second == ingredient) return true;
  return false;
}

std::optional<std::string_view> single_agent_regimen(std::string_view ingredient) {
  // A single-agent regimen of §7 has the agent's name as its id (durvalumab is both a single
  // agent and a component of STRIDE: given alone it is the single-agent regimen).
  const Regimen* r = find_regimen(ingredient);
  if (r == nullptr) return std::nullopt;
  return r->id;
}

bool is_checkpoint_inhibitor(std::string_view ingredient) {
  for (auto i : kCheckpointInhibitors)
    if (i == ingredient) return true;
  return false;
}

}  // namespace switchpoint::fhir
