// Catalogue entries for TACE candidacy (§4), refractoriness definitions and criteria (§5) and
// the checkpoint (§6). Criterion ids are "<definition>/<criterion>".
#include <array>
#include <vector>

#include "core/knowledge/catalogue.h"
#include "core/refractoriness/registry.h"

namespace switchpoint {
namespace {
using K = RuleKind;
using G = Grade;

constexpr const char* kSeed000 =
    "Clin Mol Hepatol 2020;26:155–162 (review of the TACE refractoriness definitions), Table 2";
constexpr const char* kSeed004 =
    "KLCA-NCC 2022 practice guidelines (Clin Mol Hepatol 2022;28:583), as summarised in a 2026 clinical review; "
    "primary text not verified";

constexpr std::array kProjectChoices{
    // ---- project operationalizations -------------------------------------------------------
    RuleInfo{"P-assessment-window", K::ProjectChoice, "Response assessment of a session", G::P, "",
             "switchpoint project choice (JSH '1–3 months')",
             "The first imaging at least 14 days after a session (earlier: lipiodol deposition, not response; "
             "counted from its last procedure when staged), on or before the next session and within 120 days. "
             "Flagged when outside 28–92 days after the session; still used. No study yet and the window open: "
             "pending."},
    RuleInfo{"P-new-finding", K::ProjectChoice, "New vascular invasion / extrahepatic spread", G::P, "",
             "switchpoint project choice",
             "Met on the first study after S1 reporting the finding when the latest study on or before S1 "
             "reporting it (within 183 days, P-baseline-window; flagged when older than 92) reports it absent. Not met "
             "when the latest study after S1 reports it absent, or "
             "when it was present before S1. Otherwise not judgeable."},
    RuleInfo{"P-jsh-markers", K::ProjectChoice, "JSH criterion 2: tumour-marker elevation", G::P, "",
             "switchpoint project choice (operationalization of the published definitions)",
             "Per session and marker (AFP, DCP): pre value ≤ 30 days before; post values after the session, before "
             "the next, within 90 days. Met when ≥ 2 post values rise continuously, the last above the pre value and "
             "above the upper limit of normal (AFP 10 ng/mL, DCP 40 mAU/mL). Judged once any session has a pre "
             "value and a post value."},
    RuleInfo{"P-untreatable-progression", K::ProjectChoice, "Untreatable progression", G::P, "",
             "switchpoint project choice (BCLC 2022 untreatable progression, listed)",
             "After S1: new macrovascular invasion, new extrahepatic spread, decompensation (Child-Pugh C, "
             "moderate-severe ascites, encephalopathy), ECOG rising above baseline to ≥ 1, or PD with massive-"
             "infiltrative / multiple-disseminated morphology or bilobar disease."},
};

// ---- definitions: each one's entry, then its criteria (listed in refractoriness/registry.h) ----
constexpr std::array kRaoul2011{
    RuleInfo{"raoul-2011", K::Definition, "Raoul 2011: progression after two cycles of TACE", G::V, "", kSeed000,
             "Refractory when mRECIST overall PD on the response assessment of the 2nd or a later session."},
    RuleInfo{"raoul-2011/pd-after-second", K::Criterion, "PD after the 2nd or a later session", G::V, "", kSeed000,
             "Overall mRECIST PD on the response assessment of S2 or later."},
};
constexpr std::array kJshLcsgj2014{
    RuleInfo{"jsh-lcsgj-2014", K::Definition, "JSH-LCSGJ 2014 TACE failure/refractoriness", G::V, "",
             "Kudo M et al., Oncology 2014;87 Suppl 1:22; Liver Cancer 2014;3:458",
             "Refractory when any of criteria 1a, 1b, 2, 3, 4 is met."},
    RuleInfo{"jsh-lcsgj-2014/1a", K::Criterion, "Two consecutive insufficient responses (viable > 50%)", G::V,
             "> 50% per English papers; Japanese text ≥ 50%", "Kudo M et al., Oncology 2014;87 Suppl 1:22",
             "Two consecutive sessions whose response assessment shows TE1 or TE2 (viable tumour > 50% or "
             "enlargement ≥ 50%); met on the later assessment."},
    RuleInfo{"jsh-lcsgj-2014/1b", K::Criterion, "Two consecutive increases in intrahepatic tumour number", G::V, "",
             "Kudo M et al., Oncology 2014;87 Suppl 1:22",
             "Two consecutive sessions whose response assessment counts more intrahepatic tumours than the imaging "
             "before that session; met on the later assessment."},
    RuleInfo{
        "jsh-lcsgj-2014/2", K::Criterion, "Continuous tumour-marker elevation after TACE", G::P,
        "criterion V; operationalization P-jsh-markers", "Kudo M et al., Oncology 2014;87 Suppl 1:22",
        "Continuous elevation of AFP or DCP right after TACE despite a slight transient fall (see P-jsh-markers)."},
    RuleInfo{"jsh-lcsgj-2014/3", K::Criterion, "Appearance of vascular invasion", G::V, "new-finding pattern P",
             "Kudo M et al., Oncology 2014;87 Suppl 1:22",
             "Vascular invasion (any level) on imaging after S1, absent at baseline (see P-new-finding)."},
    RuleInfo{"jsh-lcsgj-2014/4", K::Criterion, "Appearance of extrahepatic spread", G::V, "new-finding pattern P",
             "Kudo M et al., Oncology 2014;87 Suppl 1:22",
             "Extrahepatic spread on imaging after S1, absent at baseline (see P-new-finding)."},
};
constexpr std::array kApasl2017{
    RuleInfo{"apasl-2017", K::Definition, "APASL 2017: TACE expected to be insufficient", G::V, "mapping P", kSeed000,
             "Convert when TACE is expected to be insufficient: the APPLE TACE-unsuitable criteria hold at an "
             "imaging study after the first session."},
    RuleInfo{"apasl-2017/tace-unsuitable", K::Criterion, "APPLE TACE-unsuitable after S1", G::V, "mapping P",
             "Kudo M et al., Liver Cancer 2020;9:245 (APPLE); JSH consensus 2021 Table 10",
             "Beyond up-to-seven, or mALBI 2b (or grade 3), or a morphology other than simple nodular at a study "
             "after S1."},
};
constexpr std::array kGalle2017{
    RuleInfo{"galle-2017", K::Definition, "Galle 2017: never or no longer responding", G::V, "mapping P", kSeed000,
             "Refractory when the patient never responds, no longer responds, or shows untreatable progression."},
    RuleInfo{"galle-2017/never-responded", K::Criterion, "Never responded after two sessions", G::V, "mapping P",
             kSeed000, "No CR/PR on the response assessments of S1 and S2; met on S2's assessment."},
    RuleInfo{"galle-2017/no-longer-responding", K::Criterion, "No longer responding", G::V, "mapping P", kSeed000,
             "After an assessment with CR/PR, two consecutive sessions' assessments without CR/PR; met on the second."},
    RuleInfo{"galle-2017/untreatable-progression", K::Criterion, "Untreatable progression", G::V, "list P", kSeed000,
             "As bclc-2022 untreatable progression (P-untreatable-progression)."},
};
constexpr std::array kAasld2018{
    RuleInfo{"aasld-2018", K::Definition, "AASLD 2018: ineligible for or progressing after TACE", G::V, "mapping P",
             kSeed000,
             "Refractory on mRECIST PD on any response assessment, or a contraindication to TACE appearing after "
             "the first session. A tumour stage outside BCLC B alone is not ineligibility."},
    RuleInfo{"aasld-2018/pd", K::Criterion, "Progression after TACE", G::V, "mapping P", kSeed000,
             "Overall mRECIST PD on the response assessment of any session."},
    RuleInfo{"aasld-2018/new-macrovascular-invasion", K::Criterion, "New macrovascular invasion", G::V, "mapping P",
             kSeed000, "See P-new-finding."},
    RuleInfo{"aasld-2018/new-extrahepatic-spread", K::Criterion, "New extrahepatic spread", G::V, "mapping P", kSeed000,
             "See P-new-finding."},
    RuleInfo{"aasld-2018/decompensation", K::Criterion, "Decompensation after TACE", G::V, "mapping P", kSeed000,
             "After S1: Child-Pugh C, moderate-severe ascites or any hepatic encephalopathy. Not met when, on the "
             "as-of date, Child-Pugh is computable and not C and ascites and encephalopathy are known and absent."},
};
constexpr std::array kKlcaNcc2022{
    RuleInfo{"klca-ncc-2022", K::Definition, "KLCA-NCC 2022 TACE refractoriness", G::S, "primary text not verified",
             kSeed004, "Refractory when any of (a), (b), (c) is met."},
    RuleInfo{"klca-ncc-2022/a", K::Criterion, "No objective response after ≥ 2 sessions within 6 months", G::S, "",
             kSeed004,
             "Two sessions at most 183 days apart whose response assessments are both without CR/PR; met on the "
             "later assessment."},
    RuleInfo{"klca-ncc-2022/b", K::Criterion, "New vascular invasion", G::S, "", kSeed004, "See P-new-finding."},
    RuleInfo{"klca-ncc-2022/c", K::Criterion, "New extrahepatic metastasis", G::S, "", kSeed004, "See P-new-finding."},
};
constexpr std::array kEasl2018{
    RuleInfo{
        "easl-2018", K::Definition, "EASL 2018: no marked response or untreatable progression", G::S, "S/M",
        "EASL Clinical Practice Guidelines, J Hepatol 2018;69:182 (as tabulated in Clin Mol Hepatol 2020;26:155–162)",
        "Refractory when two consecutive sessions bring no CR/PR, or on untreatable progression."},
    RuleInfo{"easl-2018/no-response-two-sessions", K::Criterion, "No marked response after two sessions", G::S, "S/M",
             "EASL 2018 (as tabulated in Clin Mol Hepatol 2020;26:155–162)",
             "The response assessments of two consecutive sessions both without CR/PR; met on the later."},
    RuleInfo{"easl-2018/untreatable-progression", K::Criterion, "Untreatable progression", G::S, "list P",
             "EASL 2018 (as tabulated in Clin Mol Hepatol 2020;26:155–162)", "See P-untreatable-progression."},
};
constexpr std::array kBclc2022{
    RuleInfo{"bclc-2022", K::Definition, "BCLC 2022: untreatable progression / stage migration", G::S,
             "concept S, list P", "Reig M et al., J Hepatol 2022;76:681",
             "Refractory on untreatable progression after the first session (P-untreatable-progression)."},
    RuleInfo{"bclc-2022/untreatable-progression", K::Criterion, "Untreatable progression", G::S, "list P",
             "Reig M et al., J Hepatol 2022;76:681", "See P-untreatable-progression."},
};

constexpr std::array kOtherRules{
    // ---- TACE candidacy (§4) -------------------------------------------------------------------
    RuleInfo{"candidacy/apasl-2017", K::Candidacy, "APASL 2017 TACE candidacy", G::V, "large > 5 cm is P",
             "Clin Mol Hepatol 2020;26:155–162, Table 1",
             "Unresectable, large (> 5 cm, P) or multifocal HCC, no vascular invasion, no extrahepatic spread."},
    RuleInfo{"candidacy/easl-2018", K::Candidacy, "EASL 2018 TACE candidacy", G::V,
             "decompensation and renal cut-offs P", "Clin Mol Hepatol 2020;26:155–162, Table 1",
             "BCLC B; not with decompensated liver disease (Child-Pugh ≥ B8, moderate-severe ascites, "
             "encephalopathy, variceal bleeding within 6 months), advanced kidney dysfunction (creatinine > 2 mg/dL, "
             "P), macrovascular invasion or extrahepatic spread."},
    RuleInfo{"candidacy/klca-ncc-2019", K::Candidacy, "KLCA-NCC 2019 TACE candidacy", G::V,
             "ECOG 0–1 and main-portal-vein = major are P", "Clin Mol Hepatol 2020;26:155–162, Table 1",
             "Good performance status (ECOG 0–1), no major vascular invasion (main portal vein), no extrahepatic "
             "spread, not a candidate for resection, transplantation, RFA or PEIT."},
    RuleInfo{"candidacy/jsh-2019", K::Candidacy, "JSH 2019 TACE candidacy", G::V, "",
             "Clin Mol Hepatol 2020;26:155–162, Table 1",
             "Unresectable, Child-Pugh A or B, 1–3 nodules ≥ 3 cm or ≥ 4 nodules, no vascular invasion, no "
             "extrahepatic metastasis."},
    RuleInfo{"candidacy/bclc-2022", K::Candidacy, "BCLC 2022 TACE candidacy", G::S,
             "extensive bilobar = bilobar and beyond up-to-seven, P", "Reig M et al., J Hepatol 2022;76:681",
             "BCLC B with well-defined nodules, preserved portal flow and selective access; diffuse, infiltrative or "
             "extensive bilobar disease → systemic therapy instead."},

    // ---- checkpoint (§6) --------------------------------------------------------------------------
    RuleInfo{"checkpoint/sustained-response", K::Checkpoint, "Can a sustained response be expected?", G::V, "",
             "Clin Mol Hepatol 2020;26:155–162, Figure 1 (stop and think before each TACE); APPLE (Kudo M et al., "
             "Liver Cancer 2020;9:245)",
             "No when refractory under any definition, beyond up-to-seven, an unfavourable morphology, or ART ≥ 2.5 "
             "before a repeat session."},
    RuleInfo{"checkpoint/liver-function", K::Checkpoint, "Can liver function be maintained after TACE?", G::V, "",
             "Clin Mol Hepatol 2020;26:155–162, Figure 1 (stop and think before each TACE); APPLE (Kudo M et al., "
             "Liver Cancer 2020;9:245)",
             "No when mALBI 2b or ALBI grade 3, Child-Pugh ≥ 8 or decompensation, beyond up-to-seven with bilobar "
             "disease, or a Child-Pugh rise ≥ 2 points since the first session."},
    RuleInfo{"checkpoint/verdict", K::Checkpoint, "Stop and think before each TACE: verdict", G::V, "",
             "Clin Mol Hepatol 2020;26:155–162, Figure 1 (stop and think before each TACE); BCLC 2022 stage D (Reig M "
             "et al., J Hepatol 2022;76:681)",
             "supportive-care when Child-Pugh C or ECOG > 2; switch when either answer is no; proceed when both are "
             "yes; reconsider otherwise, listing what to obtain."},

    // ---- sessions, baseline and course (CLINICAL_RULES.md §5 "Common terms") -----------------
    RuleInfo{"P-session-merge", K::ProjectChoice, "TACE session: staged procedures merged", G::P, "",
             "switchpoint project choice (TACE sessions and windows)",
             "Procedures at most 14 days apart with no imaging between them (an imaging study dated after one "
             "procedure and on or before the next) are one session, a staged treatment, dated by the first."},
    RuleInfo{"P-baseline-window", K::ProjectChoice, "Baseline imaging before the first session", G::P, "",
             "switchpoint project choice (TACE sessions and windows)",
             "The latest imaging on or before the first session of the course, at most 183 days before it and after "
             "any procedure that ended an earlier course. Flagged when older than 92 days; still used."},
    RuleInfo{"P-course-end", K::ProjectChoice, "Resection, ablation or transplantation ends the TACE course", G::P, "",
             "switchpoint project choice (TACE sessions and windows)",
             "Sessions after such a procedure start a new course; the decision describes the latest course. A course "
             "with no TACE after the procedure is judged on the findings up to the procedure's date: later imaging, "
             "labs and events are not failure of that course."},
};

// Project choices, then each definition of the registry with its criteria, then the rest.
std::vector<RuleInfo> build() {
  std::vector<RuleInfo> all(kProjectChoices.begin(), kProjectChoices.end());
  for (const auto& d : kRefractorinessDefinitions) {
    const auto part = d.catalogue();
    all.insert(all.end(), part.begin(), part.end());
  }
  all.insert(all.end(), kOtherRules.begin(), kOtherRules.end());
  return all;
}

}  // namespace

std::span<const RuleInfo> raoul_2011_rules() { return kRaoul2011; }
std::span<const RuleInfo> jsh_lcsgj_2014_rules() { return kJshLcsgj2014; }
std::span<const RuleInfo> apasl_2017_rules() { return kApasl2017; }
std::span<const RuleInfo> galle_2017_rules() { return kGalle2017; }
std::span<const RuleInfo> aasld_2018_rules() { return kAasld2018; }
std::span<const RuleInfo> klca_ncc_2022_rules() { return kKlcaNcc2022; }
std::span<const RuleInfo> easl_2018_rules() { return kEasl2018; }
std::span<const RuleInfo> bclc_2022_rules() { return kBclc2022; }

std::span<const RuleInfo> refractoriness_rules() {
  static const std::vector<RuleInfo> all = build();
  return all;
}

}  // namespace switchpoint
