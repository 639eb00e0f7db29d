#pragma once
// MoRAL (rule "moral"; Lee JH et al., Ann Surg 2016; S for the formula) and its TACE-setting
// rule (rule "moral-tace"; seed 004; grade U: found in no primary source, informational only —
// it may never trigger refractoriness, a verdict or a contraindication).
#include <optional>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

// 11 × √(DCP mAU/mL) + 2 × √(AFP ng/mL).
double moral_value(double dcp_mau_per_ml, double afp_ng_per_ml);

struct MoralResult {
  std::optional<double> value;
  ScoreResult report;  // key "moral": value (1 decimal)
};
MoralResult moral(const PatientRecord& r, Date at);

// The seed-004 statement: MoRAL ≥ 89.5 after the first TACE with a rise of ≥ 5% from the value
// before it. Both cut-offs are inclusive ("≥").
bool moral_tace_flag(double moral_before_first_tace, double moral_after_first_tace);

struct MoralTace {
  double before = 0;  // AFP and DCP on or before the first session (each within 30 days)
  Date before_date;   // the later of the two marker dates
  double after = 0;   // latest AFP and DCP dated after the first session (within 30 days of `at`)
  Date after_date;
  std::optional<double> rise_percent;  // absent when `before` is 0
  bool met = false;
};

struct MoralTaceResult {
  std::optional<MoralTace> value;
  ScoreResult report;  // key "moral_tace": before, after, rise_percent, met; informational only
};
// Not applicable before the first TACE session (a session dated before `at`).
MoralTaceResult moral_tace(const PatientRecord& r, Date at);

}  // namespace switchpoint
