#pragma once
// The systemic treatment plan (CLINICAL_RULES.md §7; seed 004 algorithm, updated): the line,
// and every regimen considered with its status, dose, reasons citing the record, prerequisites
// (block a recommendation) and confirmations (never lower the status). Later lines (P-later-lines)
// apply every second-line rule to the whole systemic-therapy history.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/checkpoint.h"
#include "core/detail.h"
#include "core/record.h"
#include "core/scores/all_scores.h"
#include "core/therapy/regimens.h"

namespace switchpoint {

enum class OptionStatus : unsigned char {
  Recommended,  // the engine's first choice for this line (at most one)
  Eligible,
  NeedsPrerequisite,  // eligible once what is listed is done
  Caution,            // may be given, outside the evidence (say why)
  NotIndicated,       // an indication is unmet
  Contraindicated,    // a reason not to give it
};
std::string_view to_string(OptionStatus);

struct TherapyOption {
  const Regimen* regimen = nullptr;
  OptionStatus status = OptionStatus::Eligible;
  std::string dose;
  std::vector<std::string> reasons;        // each cites the record (dates, values) or the source
  std::vector<std::string> prerequisites;  // for needs-prerequisite: what, and by when
  // "Confirm before prescribing" (CLINICAL_RULES §7, P-confirmation): a trial exclusion the record
  // does not mention, or an ECOG / weight older than 30 days. Never lowers the status.
  std::vector<std::string> confirmations;
};

struct TherapyPlan {
  int line = 1;
  bool supportive_care_only = false;
  std::optional<std::string> current_regimen;  // an ongoing episode
  std::optional<std::string> prior_regimen;    // the regimen of the previous line
  std::vector<std::string> reasons;            // why this line, general eligibility
  std::vector<TherapyOption> options;          // every regimen considered, ranked
  std::vector<std::string> trial_information;  // TACE + systemic trials: information only
};

// Detail::Verdicts: the line, the regimens and each option's status only (no reasons, dose,
// prerequisites, confirmations or trial information).
TherapyPlan plan_therapy(const PatientRecord& r, Date as_of, const Scores& scores, Detail detail = Detail::Full);

// Shared with the alerts: conditions active on a date, the qualifying endoscopy window.
// recent_months ≥ 0: an event counts when its onset is within that many calendar months.
bool condition_active(const PatientRecord& r, ConditionKind k, Date at, int recent_months = -1);
const Endoscopy* latest_endoscopy_within_6_months(const PatientRecord& r, Date at);

}  // namespace switchpoint
