#pragma once
// The engine: a pure function from a patient record and an as-of date to a decision.
// No files, sockets, clocks or globals: readers, presenters and the server wrap it.
#include <optional>
#include <string>
#include <vector>

#include "core/candidacy.h"
#include "core/checkpoint.h"
#include "core/detail.h"
#include "core/obtain.h"
#include "core/record.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"
#include "core/scores/all_scores.h"
#include "core/therapy/alerts.h"
#include "core/therapy/followup.h"
#include "core/therapy/plan.h"

namespace switchpoint {

inline constexpr const char* kDecisionSupportNotice =
    "Decision support for clinicians, not a substitute for clinical judgement.";

struct Decision {
  std::string patient_id;
  Date as_of;
  // Every score at the as-of date: typed values and the reports the outputs show.
  Scores scores;
  std::vector<CandidacyResult> tace_candidacy;
  TaceHistory history;
  std::vector<DefinitionResult> refractoriness;
  // Per refractoriness entry (same order): Child-Pugh on its since date; nullopt when the
  // definition gives no since date or Child-Pugh is not computable on it.
  std::vector<std::optional<ChildPugh>> child_pugh_at_since;
  Checkpoint checkpoint;
  TherapyPlan therapy;
  std::vector<Alert> alerts;
  std::optional<Reassessment> next_reassessment;
  // One line per missing fact with the decisions it would settle, most first (P-obtain-list).
  std::vector<ObtainItem> obtain;
  // Shown at the top of every output: what makes the data doubtful (a recorded response category
  // contradicted by the measurements, data much older than the as-of date, …).
  std::vector<std::string> warnings;
};

struct EvaluateOptions {
  // Full (the default): every field of the Decision, as every output shows it.
  // Verdicts (the cohort tables): only what a verdict is made of is guaranteed, each identical to
  // Full's (tests/core/engine_detail_test.cpp): patient_id, as_of, history; the scores' typed
  // values and their reports' key, date, computed, applicable and `fields`; refractoriness with
  // each definition's id, status and since date and each criterion's id, state, met-on date and
  // missing inputs; child_pugh_at_since; the checkpoint's verdict and answers; the therapy plan's
  // line, supportive_care_only, current and prior regimen and each option's regimen and status.
  // Left empty: tace_candidacy, alerts, next_reassessment, obtain, warnings, the therapy plan's
  // text (reasons, doses, prerequisites, confirmations, trial information) and the checkpoint's
  // text (reasons, failures, facts to obtain). Any other explanation (evidence, notes, summaries,
  // the inputs' descriptions in `used`) may be partial: a caller asking for verdicts reads none of it.
  Detail detail = Detail::Full;
};

// Evaluates the record as it stood on `as_of` (everything dated later is ignored).
Decision evaluate(const PatientRecord& record, Date as_of, EvaluateOptions options = {});

// The default as-of date: the record's latest entry, never today's date.
std::optional<Date> default_as_of(const PatientRecord& record);

}  // namespace switchpoint
