// Catalogue entries for project choices, scores (CLINICAL_RULES.md §2) and response (§3).
#include <array>

#include "core/knowledge/catalogue.h"

namespace switchpoint {
namespace {

using K = RuleKind;
using G = Grade;

constexpr std::array kScoreRules{
    // ---- project choices (grade P): where the sources give no number ------------------------
    RuleInfo{"P-input-currency", K::ProjectChoice, "Which observation a score uses", G::P, "",
             "switchpoint project choice",
             "A score at a date uses the latest value on or before that date: labs and bedside "
             "grades (ascites, encephalopathy) at most 30 days old, ECOG and weight at most 90 days "
             "old (P-ecog-weight-currency), imaging at most 92 days old. Older values are reported as "
             "missing, never carried forward."},
    RuleInfo{"P-ecog-weight-currency", K::ProjectChoice, "ECOG and weight: used up to 90 days, confirmed after 30",
             G::P, "", "switchpoint project choice (clinical rules §7, currency)",
             "ECOG performance status and body weight recorded 31–90 days before the as-of date are used, "
             "shown with their date and 'confirm today'; they never block a recommendation. Older than 90 "
             "days they are missing. Labs, ascites and encephalopathy stay current for 30 days."},
    RuleInfo{"P-albi-display", K::ProjectChoice, "ALBI shown with the grade it has", G::P, "",
             "switchpoint project choice",
             "ALBI is shown to 3 decimals, or to as many (up to 9) as it takes for the number shown to fall in "
             "the same grade and mALBI grade as the exact value: −2.59996 is grade 2 and is shown as −2.59996, "
             "never as −2.600 (which reads as grade 1)."},
    RuleInfo{"P-bilirubin-floor", K::ProjectChoice, "Bilirubin plausibility floor 3 µmol/L", G::P, "",
             "switchpoint project choice (the classic unit trap: 2.6 written for mg/dL)",
             "Total bilirubin below 3 µmol/L is refused as a probable unit error (2.6 written "
             "for mg/dL) instead of the 1 µmol/L floor of the rules table."},
    RuleInfo{"P-age-plausible", K::ProjectChoice, "No entry when the patient would be older than 120", G::P, "",
             "switchpoint project choice (hostile input, docs/hardening.md)",
             "A record whose latest entry falls more than 120 years after the birth date is refused: a "
             "year typed wrong (2150 for 2015) would otherwise become the default as-of date and age "
             "every other value out of date without a word."},
    RuleInfo{"P-tumor-burden-study", K::ProjectChoice, "Tumour count and largest diameter from one study", G::P, "",
             "switchpoint project choice",
             "Up-to-seven, six-and-twelve, the tumour burden score, HAP, mHAP-II and BCLC read the tumour "
             "count and the largest diameter from the latest imaging (within 92 days) that reports either; "
             "both must come from that date (a count of 0 needs no diameter). An older value is never "
             "combined with a newer partial report, and a count of 0 with a diameter > 0 is not used."},
    RuleInfo{"P-not-applicable", K::ProjectChoice, "Not applicable is not 'not refractory'", G::P, "",
             "switchpoint project choice (clinical rules §5 statuses)",
             "With no TACE session on or before the as-of date every refractoriness definition is "
             "'not-applicable', never 'not-refractory' (which would read as evidence that TACE worked). A "
             "record with no tumour imaging, no TACE, no systemic HCC treatment, no resection, ablation or "
             "transplantation and no recorded HCC diagnosis gets no checkpoint "
             "verdict ('not-applicable') and no systemic therapy plan: labs alone say nothing about a TACE."},
    RuleInfo{"P-data-age", K::ProjectChoice, "Old data are said at the top", G::P, "",
             "switchpoint project choice (clinical rules §7 currency)",
             "When the latest entry of the record is more than 30 days older than the as-of date — or, in the "
             "CDS Hooks service, than the day of the request — every output opens with how old the data are and "
             "what that means: the decision describes the patient on that date; labs older than 30 days and "
             "imaging older than 92 days would not count today."},
    RuleInfo{"P-obtain-list", K::ProjectChoice, "What to obtain: one line per missing fact", G::P, "",
             "switchpoint project choice",
             "Every fact a rule lacks is named in a clinician's words with its date window. The list shows each fact "
             "once, with the decisions it would settle (checkpoint answers, refractoriness definitions, systemic "
             "regimens), the facts that settle the most decisions first."},
    RuleInfo{"P-tace-course", K::ProjectChoice, "Before and after the first TACE", G::P, "",
             "switchpoint project choice",
             "Scores assessed during a course of TACE (ART, ABCR, MoRAL in the TACE setting) count the "
             "sessions dated before the as-of date; a session on that date is the one being decided on. "
             "'Before the first TACE' is the latest value on or before the session day (labs 30 days, "
             "imaging 92 days); 'after' values must be dated after the session day, otherwise they are "
             "missing (a pre-session value would compare the baseline with itself). The response after "
             "the last session is its response assessment: the first imaging after it, on or before the "
             "next session, within 120 days."},
    RuleInfo{"P-mrecist-baseline", K::ProjectChoice, "mRECIST baseline and target set", G::P, "",
             "switchpoint project choice",
             "The mRECIST baseline is the latest study with target measurements (sum of viable diameters "
             "> 0) on or before the first TACE and at most 92 days before it. A later study is compared "
             "with it only when it measures the same target lesions (same ids; the same number when ids "
             "are not given). The nadir is the smallest sum from the baseline up to the study before. "
             "Overall PD needs only one of target PD, non-target PD or a new lesion; any other category "
             "needs the target response, the non-target status and the new-lesion count. The baseline "
             "and the nadir are dated after the resection, ablation or transplantation that preceded "
             "the course (P-course-end)."},
    RuleInfo{"P-recorded-vs-measured", K::ProjectChoice, "Recorded mRECIST category contradicted by the measurements",
             G::P, "", "switchpoint project choice (issue 13; reading of CLINICAL_RULES.md §3)",
             "A recorded category is used unless the study's own measurements rule it out: a new lesion "
             "or non-target PD (overall PD whatever else), target sums computed from baseline and nadir "
             "(with the non-target status and new-lesion count), or a viable target (> 0) against a "
             "recorded CR. Then the category the measurements determine is used (none when they rule "
             "the recorded one out without determining another) and a warning naming the study, the "
             "recorded category and the measurements is shown at the top of every output. When the "
             "measurements leave the recorded category possible, it is used as §3 says."},

    // ---- scores (CLINICAL_RULES.md §2) ------------------------------------------------------
    RuleInfo{"child-pugh", K::Score, "Child-Pugh score", G::V, "", "Pugh RN et al., Br J Surg 1973;60:646",
             "1/2/3 points each: bilirubin < 2 / 2–3 / > 3 mg/dL (34.2 / 51.3 µmol/L); albumin "
             "> 35 / 28–35 / < 28 g/L; INR < 1.7 / 1.7–2.3 / > 2.3 (or PT prolongation < 4 / 4–6 / "
             "> 6 s when no INR); ascites none / slight / moderate-severe; encephalopathy none / "
             "grade 1–2 / grade 3–4. Class A 5–6, B 7–9, C 10–15."},
    RuleInfo{"albi", K::Score, "ALBI grade", G::V, "", "Johnson PJ et al., J Clin Oncol 2015;33:550",
             "ALBI = 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L (some papers print "
             "−0.0852; −0.085 is used). Grade 1 ≤ −2.60; 2 > −2.60 and ≤ −1.39; 3 > −1.39."},
    RuleInfo{"malbi", K::Score, "Modified ALBI grade", G::S, "cut-off source unverified",
             "Hiraoka A et al., Liver Cancer 2017", "ALBI grade 2 split at −2.270: 2a ≤ −2.270, 2b > −2.270."},
    RuleInfo{"up-to-seven", K::Score, "Up-to-seven criterion", G::V, "", "Mazzaferro V et al., Lancet Oncol 2009;10:35",
             "Largest tumour diameter (cm) + number of tumours ≤ 7: within; > 7: beyond."},
    RuleInfo{"six-and-twelve", K::Score, "Six-and-twelve score", G::V, "", "Wang Q et al., J Hepatol 2019",
             "Largest diameter (cm) + number of tumours: ≤ 6 low; > 6 and ≤ 12 intermediate; > 12 high."},
    RuleInfo{"tumor-burden-score", K::Score, "Tumour burden score", G::S, "",
             "Sasaki K et al., Ann Surg 2018 (via secondary source)",
             "TBS = √(largest diameter cm² + number of tumours²)."},
    RuleInfo{"hap", K::Score, "HAP score", G::V, "", "Kadalayil L et al., Ann Oncol 2013;24:2565",
             "1 point each: albumin < 36 g/L; AFP > 400 ng/mL; bilirubin > 17 µmol/L; largest tumour "
             "> 7 cm. HAP A 0, B 1, C 2, D ≥ 3."},
    RuleInfo{"mhap-ii", K::Score, "mHAP-II score", G::V, "table", "Park Y et al., Liver Int 2016",
             "HAP points + 1 point for ≥ 2 tumours; classes A 0, B 1, C 2, D ≥ 3."},
    RuleInfo{"art", K::Score, "ART score (before the 2nd and later TACE)", G::S, "",
             "Sieghart W et al., Hepatology 2013;57:2261",
             "AST rise > 25% from before the first TACE: 4; Child-Pugh rise of 1 point: 1.5, of ≥ 2: "
             "3; no radiological response (no mRECIST CR or PR) after the last TACE: 1. 0–1.5 favours "
             "retreatment; ≥ 2.5 predicts poor outcome (median OS 6.6 vs 23.5 months)."},
    RuleInfo{"abcr", K::Score, "ABCR score", G::U, "points not verified", "Adhoute X et al., J Hepatol 2015",
             "AFP ≥ 200 ng/mL: 1; BCLC A 0 / B 2 / C 3; Child-Pugh rise ≥ 2: 2; radiological "
             "response: −3. ≤ 0 favours retreatment; ≥ 4 no benefit. Informational only."},
    RuleInfo{"moral", K::Score, "MoRAL score", G::S, "formula", "Lee JH et al., Ann Surg 2016",
             "MoRAL = 11 × √(DCP mAU/mL) + 2 × √(AFP ng/mL). No cut-off of the source (a transplant "
             "setting) is applied."},
    RuleInfo{"moral-tace", K::Score, "MoRAL in the TACE setting", G::U, "found in no primary source",
             "a 2026 clinical review; found in no primary source",
             "≥ 89.5 with a ≥ 5% rise after the first TACE → median OS < 10 months. "
             "Informational only."},
    RuleInfo{"kinki", K::Score, "Kinki criteria (BCLC B substaging)", G::S, "detail unverified",
             "Kudo M et al., Dig Dis 2015",
             "B1: Child-Pugh 5–7 and within up-to-7; B2: Child-Pugh "
             "5–7 and beyond; B3: Child-Pugh 8–9 (B3a within, B3b beyond). For BCLC B only."},
    RuleInfo{"bolondi", K::Score, "Bolondi BCLC B subclassification", G::S, "",
             "Bolondi L et al., Semin Liver Dis 2012",
             "B1: Child-Pugh 5–7, within up-to-7, ECOG 0; "
             "B2: Child-Pugh 5–6, beyond; B3: Child-Pugh 7, beyond; B4: Child-Pugh 8–9, any. For BCLC B only."},
    RuleInfo{"bclc-2022-stage", K::Score, "BCLC 2022 stage", G::S, "",
             "Reig M et al., J Hepatol 2022;76:681 (a 2025 update exists)",
             "D: Child-Pugh C (end-stage liver function) or ECOG > 2. Else C: macrovascular invasion, "
             "extrahepatic spread or ECOG 1–2. Else 0: single ≤ 2 cm; A: single, or 2–3 nodules each "
             "≤ 3 cm; B: multinodular beyond A. Stages 0–C assume preserved liver function: with "
             "Child-Pugh B this is said, not hidden."},

    // ---- response (CLINICAL_RULES.md §3) ----------------------------------------------------
    RuleInfo{"mrecist", K::Response, "mRECIST response", G::V, "target rules V; overall S",
             "Lencioni R, Llovet JM, Semin Liver Dis 2010;30:52",
             "Targets: ≤ 5 (≤ 2 per organ) measurable arterially enhancing lesions ≥ 1 cm, viable "
             "diameter summed. CR: no enhancement in any target. PR: ≥ 30% decrease from baseline. "
             "PD: ≥ 20% increase from the nadir. SD otherwise. Overall PD with target PD, non-target "
             "PD or any new lesion; CR only with target and non-target CR and no new lesion; target "
             "CR with persisting non-target lesions is PR. A recorded category is used when given; "
             "a disagreement with the measurements is shown."},
    RuleInfo{"jsh-te", K::Response, "JSH treatment effect (TE) grade", G::V, "",
             "RECICL 2015 (Kudo M et al., Hepatol Res 2016;46:3)",
             "Per treated tumour, 1–3 months after TACE: TE4 100% necrosis or 100% shrinkage; "
             "TE1 enlargement ≥ 50% irrespective of necrosis (older versions: > 25%); TE3 necrosis or "
             "shrinkage 50% to < 100%; TE2 otherwise. Viable fraction = 100% − necrosis%. Without a "
             "viable fraction only an unambiguous size change grades (−100% TE4, ≥ +50% TE1); without a "
             "size change TE1 is not assessed and the output says so."},
};

}  // namespace

std::span<const RuleInfo> score_rules() { return kScoreRules; }

}  // namespace switchpoint
