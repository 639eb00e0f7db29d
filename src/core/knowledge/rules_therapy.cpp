// Catalogue entries for systemic therapy (§7), alerts (§8) and follow-up (§9). Regimen entries
// carry the regimen id itself; their doses live in therapy/regimens.cpp.
#include <array>

#include "core/knowledge/catalogue.h"

namespace switchpoint {
namespace {
using K = RuleKind;
using G = Grade;

constexpr const char* kSeed004 =
    "KLCA-NCC 2022 practice guidelines and the trials named per regimen, as summarised in a 2026 clinical review";

constexpr std::array kTherapyRules{
    RuleInfo{
        "therapy/general-eligibility", K::Regimen, "General eligibility for systemic therapy", G::S, "", kSeed004,
        "Child-Pugh A and ECOG 0–1 for every regimen. Child-Pugh B7: options shown as caution (no trial evidence). "
        "Child-Pugh B8–9: generally not recommended, individual decision. Child-Pugh C or ECOG > 2: best supportive "
        "care only. Second line: Child-Pugh A, ECOG 0–1 only; none approved for Child-Pugh B."},
    RuleInfo{
        "therapy/ranking", K::Regimen, "First-line ranking", G::S, "", kSeed004,
        "Immunotherapy combinations first when not contraindicated (atezolizumab-bevacizumab, durvalumab-"
        "tremelimumab, nivolumab-ipilimumab); when an immune checkpoint inhibitor is contraindicated, lenvatinib or "
        "sorafenib (KLCA-NCC 2022; AASLD 2023 guidance). The first eligible option is recommended."},
    RuleInfo{"atezolizumab-bevacizumab", K::Regimen, "Atezolizumab + bevacizumab", G::S, "endoscopy window S/M",
             "Finn RS et al., N Engl J Med 2020 (IMbrave150)",
             "Atezolizumab 1200 mg + bevacizumab 15 mg/kg IV every 3 weeks. IMbrave150: OS 19.2 vs 13.4 months vs "
             "sorafenib. Prerequisite: upper GI endoscopy within 6 months with varices treated. Contraindicated: "
             "untreated high-risk varices, variceal bleeding within 6 months, active autoimmune disease, solid-organ "
             "transplant, uncontrolled hypertension, major bleeding or arterial thrombosis within 6 months."},
    RuleInfo{
        "durvalumab-tremelimumab", K::Regimen, "Durvalumab + tremelimumab (STRIDE)", G::S, "",
        "Abou-Alfa GK et al., NEJM Evid 2022 (HIMALAYA)",
        "Tremelimumab 300 mg once + durvalumab 1500 mg every 4 weeks. HIMALAYA: OS 16.4 vs 13.8 months. "
        "Contraindicated: active autoimmune disease, transplant. Main portal vein invasion was excluded (caution)."},
    RuleInfo{
        "nivolumab-ipilimumab", K::Regimen, "Nivolumab + ipilimumab", G::V, "",
        "Galle PR et al., Lancet 2025 (CheckMate 9DW)",
        "Nivolumab 1 mg/kg + ipilimumab 3 mg/kg every 3 weeks × 4, then nivolumab 480 mg every 4 weeks. OS 23.7 vs "
        "20.6 months. Contraindicated: active autoimmune disease, transplant."},
    RuleInfo{"lenvatinib", K::Regimen, "Lenvatinib", G::S, "", "Kudo M et al., Lancet 2018 (REFLECT; its exclusions)",
             "12 mg daily if ≥ 60 kg, 8 mg if < 60 kg. REFLECT: OS 13.6 vs 12.3 months, non-inferior. Contraindicated "
             "(REFLECT exclusions): main portal vein invasion, ≥ 50% liver occupation, bile duct invasion."},
    RuleInfo{"sorafenib", K::Regimen, "Sorafenib", G::S, "", "Llovet JM et al., N Engl J Med 2008 (SHARP)",
             "400 mg twice daily. SHARP: OS 10.7 vs 7.9 months."},
    RuleInfo{"durvalumab", K::Regimen, "Durvalumab", G::S, "", "HIMALAYA",
             "1500 mg every 4 weeks; non-inferior to "
             "sorafenib. Contraindicated: active autoimmune disease, transplant."},
    RuleInfo{
        "tislelizumab", K::Regimen, "Tislelizumab", G::V, "", "Qin S et al., JAMA Oncol 2023 (RATIONALE-301)",
        "200 mg every 3 weeks; non-inferior to sorafenib. Contraindicated: active autoimmune disease, transplant."},
    RuleInfo{"regorafenib", K::Regimen, "Regorafenib (second line)", G::S, "",
             "Bruix J et al., Lancet 2017 (RESORCE; its inclusion: tolerated sorafenib)",
             "160 mg daily days 1–21 of 28, after sorafenib, only if sorafenib was tolerated (≥ 400 mg/day for ≥ 20 of "
             "the last 28 days)."},
    RuleInfo{
        "cabozantinib", K::Regimen, "Cabozantinib (second line)", G::S, "",
        "Abou-Alfa GK et al., N Engl J Med 2018 (CELESTIAL)",
        "60 mg daily after sorafenib; OS +2.2 months. After lenvatinib: individual option, no randomized evidence."},
    RuleInfo{"ramucirumab", K::Regimen, "Ramucirumab (second line)", G::S, "",
             "Zhu AX et al., Lancet Oncol 2019 (REACH-2)",
             "8 mg/kg every 2 weeks after sorafenib, only with AFP ≥ 400 ng/mL from a dated value; OS +1.2 months."},
    RuleInfo{"pembrolizumab", K::Regimen, "Pembrolizumab (second line)", G::S, "", "KEYNOTE-240; KEYNOTE-394",
             "200 mg every 3 weeks after sorafenib; KEYNOTE-240 OS +3.3 months; KEYNOTE-394 positive."},
    RuleInfo{"therapy/after-immunotherapy", K::Regimen, "Second line after immunotherapy", G::S, "no prospective data",
             kSeed004, "Lenvatinib or sorafenib: reasonable by mechanism, no prospective data (shown as caution)."},
    RuleInfo{"therapy/tace-combinations", K::Regimen, "TACE combined with systemic agents", G::S, "information only",
             kSeed004,
             "Not routine outside trials. TACE + sorafenib failed for OS (SPACE, ORIENTAL). EMERALD-1 PFS 15.0 vs 8.2 "
             "months; LEAP-012 PFS 14.6 vs 10.0, closed 2025 with OS not significant. Never a recommendation."},

    RuleInfo{"pitfall-1-adjuvant-sorafenib", K::Alert, "Sorafenib as adjuvant after TACE while not refractory", G::S,
             "", kSeed004,
             "Raised when sorafenib starts after a TACE session while no definition is refractory on that date."},
    RuleInfo{"pitfall-2-sorafenib-with-tace", K::Alert, "Sorafenib concurrent with ongoing TACE", G::S, "", kSeed004,
             "Raised when a TACE session falls within a sorafenib episode."},
    RuleInfo{"pitfall-3-systemic-at-child-pugh-c", K::Alert, "Systemic therapy at Child-Pugh C", G::S, "", kSeed004,
             "Raised when Child-Pugh C is found on any date from the start of a systemic therapy to its end (or the "
             "as-of date)."},
    RuleInfo{"pitfall-4-bevacizumab-without-endoscopy", K::Alert, "Bevacizumab without a qualifying endoscopy", G::S,
             "", kSeed004,
             "Raised when a bevacizumab regimen starts without an upper GI endoscopy in the 6 months before, or with "
             "untreated high-risk varices."},
    RuleInfo{
        "pitfall-5-lenvatinib-main-portal-vein", K::Alert, "Lenvatinib with main portal vein invasion", G::S, "",
        kSeed004,
        "Raised when imaging during lenvatinib (or within 92 days before its start) shows main portal vein invasion."},
    RuleInfo{"pitfall-6-regorafenib-after-intolerance", K::Alert, "Regorafenib after sorafenib intolerance", G::S, "",
             kSeed004,
             "Raised when regorafenib follows sorafenib stopped for intolerance or given below 400 mg/day on 20 of the "
             "last 28 days."},
    RuleInfo{
        "pitfall-7-decompensation", K::Alert, "Hepatic decompensation", G::S, "", kSeed004,
        "Raised on new or worsening ascites, new or worsening encephalopathy, or bilirubin rising above 51.3 µmol/L "
        "(3 mg/dL)."},
    RuleInfo{
        "P-later-lines", K::ProjectChoice, "Third and later lines of systemic therapy", G::P, "",
        "switchpoint project choice from the trial populations (RESORCE, REACH-2, CELESTIAL, KEYNOTE-240)",
        "Every rule of the second line holds at every later line, against the whole systemic-therapy history: the "
        "options listed after each earlier regimen (after immunotherapy: lenvatinib or sorafenib; after sorafenib: "
        "regorafenib, cabozantinib, ramucirumab, pembrolizumab; after lenvatinib: sorafenib, cabozantinib), "
        "Child-Pugh A and ECOG 0–1. A regimen given before is not-indicated again (progressed on, not tolerated, or "
        "re-treatment not listed), with its dates and stop reason; so is any regimen containing a drug the patient "
        "progressed on or did not tolerate (durvalumab after durvalumab-tremelimumab). Regorafenib needs tolerated "
        "sorafenib in any earlier episode (intolerance in any episode: not-indicated; stopped for progression with no "
        "dose recorded: eligible with a confirmation; no stop reason and no dose: needs-prerequisite). Ramucirumab "
        "needs AFP ≥ 400 ng/mL within 30 days (REACH-2 inclusion and label). Pembrolizumab after an immune "
        "checkpoint inhibitor: caution (KEYNOTE-240 and KEYNOTE-394 excluded prior checkpoint inhibitors)."},
    RuleInfo{
        "P-confirmation", K::ProjectChoice, "Confirm before prescribing", G::P, "",
        "switchpoint project choice (prerequisite versus confirmation)",
        "A trial exclusion the record does not mention and the treating team normally knows from the images or the "
        "chart is listed under \"confirm before prescribing\" and never lowers the status: lenvatinib with no main "
        "portal vein invasion, liver occupation < 50% or bile duct invasion stated on imaging within 92 days; "
        "regorafenib after sorafenib stopped for progression with no dose recorded; ECOG or body weight (for a "
        "weight-based dose) recorded 31–90 days before (confirm today). A recorded exclusion stays a "
        "contraindication. Prerequisites (block a recommendation): current Child-Pugh, ECOG within 90 days, the "
        "endoscopy for bevacizumab, body weight within 90 days for a weight-based dose, sorafenib tolerance for "
        "regorafenib when no stop reason or dose is recorded, AFP within 30 days for ramucirumab."},
    RuleInfo{
        "P-reassessment", K::ProjectChoice, "Next reassessment on systemic therapy", G::P, "",
        "switchpoint project choice: imaging every 2–3 months on systemic therapy to look for conversion to resection",
        "For a patient on systemic therapy: due 90 days (window opens at 60) after the later of the last imaging "
        "and the therapy start."},
};
}  // namespace

std::span<const RuleInfo> therapy_rules() { return kTherapyRules; }

}  // namespace switchpoint
