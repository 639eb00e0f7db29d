#pragma once
// ALBI (rule "albi"; Johnson PJ et al., J Clin Oncol 2015; grade V) and modified ALBI grade
// (rule "malbi"; Hiraoka A et al., Liver Cancer 2017; grade S).
#include <optional>
#include <string>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

// 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L. The source's coefficient is printed
// as −0.085 in the original and −0.0852 in some later papers; −0.085 is used.
double albi_value(double bilirubin_umol_per_l, double albumin_g_per_l);
int albi_grade(double albi);                // 1 ≤ −2.60 < 2 ≤ −1.39 < 3
std::string_view malbi_grade(double albi);  // "1", "2a" (≤ −2.270), "2b", "3"

// P-albi-display: the number of decimals (3 to 9) at which the displayed ALBI lands in the same
// grade and mALBI grade as the exact value. −2.59996 is grade 2 and must not be shown as
// "−2.600" (which reads as grade 1): it is shown as "−2.59996".
int albi_display_decimals(double albi);
// "−2.820" or "−2.59996": the value as displayed everywhere (text, JSON, report, timeline).
std::string albi_display(double albi);

struct Albi {
  double value = 0;
  int grade = 0;
  std::string_view mgrade;
};

struct AlbiResult {
  std::optional<Albi> value;
  ScoreResult report;
};

AlbiResult albi(const PatientRecord& r, Date at, Detail detail = Detail::Full);

}  // namespace switchpoint
