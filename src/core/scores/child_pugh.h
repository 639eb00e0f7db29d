#pragma once
// Child-Pugh score (rule "child-pugh"; Pugh RN et al., Br J Surg 1973; grade V).
#include <optional>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

// Points per component, cut-offs compared in the unit they were published in (see units.h).
int child_pugh_bilirubin_points(double bilirubin_umol_per_l);  // < 34.2 / 34.2–51.3 / > 51.3
int child_pugh_albumin_points(double albumin_g_per_l);         // > 35 / 28–35 / < 28
int child_pugh_inr_points(double inr);                         // < 1.7 / 1.7–2.3 / > 2.3
int child_pugh_pt_points(double pt_prolongation_s);            // < 4 / 4–6 / > 6
int child_pugh_ascites_points(Ascites);
int child_pugh_encephalopathy_points(Encephalopathy);
char child_pugh_class(int points);  // 'A' 5–6, 'B' 7–9, 'C' 10–15

struct ChildPugh {
  int points = 0;
  char cls = '?';
};

struct ChildPughResult {
  std::optional<ChildPugh> value;  // absent when any component is missing
  ScoreResult report;
};

// Child-Pugh as of `at` from the latest inputs within their windows (P-input-currency).
// INR is preferred; PT prolongation is used only when no INR is available.
// With Detail::Verdicts the report's text (the inputs' descriptions in `used`, the summary, the
// notes) is not built; value, computed, fields, missing and each input's name and date in `used`
// are the same. Within an evaluation (ChildPughOnce) a full result answers a lean call, a lean
// one never answers a full call.
ChildPughResult child_pugh(const PatientRecord& r, Date at, Detail detail = Detail::Full);

// The same score without the report (no strings built): for scanning many dates, e.g. looking
// for Child-Pugh C after the first TACE. Absent when an input is missing.
std::optional<ChildPugh> child_pugh_value(const PatientRecord& r, Date at);

}  // namespace switchpoint
