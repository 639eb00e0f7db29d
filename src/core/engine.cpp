#include "core/engine.h"

#include "core/data_age.h"
#include "core/refractoriness/definitions.h"
#include "core/response/assessment.h"
#include "core/response/mrecist.h"
#include "core/response/mrecist_once.h"
#include "core/scores/child_pugh_once.h"
#include "core/scores/series.h"

namespace switchpoint {

std::optional<Date> default_as_of(const PatientRecord& record) { return record.latest_entry_date(); }

Decision evaluate(const PatientRecord& full_record, Date as_of, EvaluateOptions options) {
  const Detail detail = options.detail;
  const bool full = detail == Detail::Full;
  PatientRecord r = full_record.as_of(as_of);
  // P-session-merge, P-course-end: from here on `tace` holds the sessions of the course described
  // (staged procedures merged; sessions before a resection, ablation or transplantation followed
  // by TACE left out), so scores, alerts and follow-up count sessions as the definitions do.
  r.tace = described_tace_course(r).sessions;
  // Scores, definitions and checkpoint ask for Child-Pugh on the same dates: computed once each.
  const ChildPughOnce child_pugh_once(r);
  // The history, the mRECIST score, ABCR and ART ask for the same studies' responses: judged once each.
  const MrecistOnce mrecist_once(r);
  Decision d;
  d.patient_id = r.patient_id;
  d.as_of = as_of;
  // P-data-age: an as-of date long after the latest entry describes a patient the data no longer show.
  if (auto w = full ? data_age_warning(r, as_of, "the as-of date") : std::nullopt) d.warnings.push_back(std::move(*w));
  d.scores = compute_scores(r, as_of, detail);
  // Candidacy is not among what Detail::Verdicts fills (EvaluateOptions): no later step reads it.
  if (full) d.tace_candidacy = evaluate_candidacy(r, as_of, d.scores);
  d.history = build_tace_history(r, as_of);
  d.refractoriness = evaluate_refractoriness(r, d.history, detail);
  std::vector<Date> since;
  for (const auto& def : d.refractoriness)
    if (def.since) since.push_back(*def.since);
  const auto cp_since = child_pugh_on(r, since);
  d.child_pugh_at_since.reserve(d.refractoriness.size());
  for (std::size_t i = 0, k = 0; i < d.refractoriness.size(); ++i)
    d.child_pugh_at_since.push_back(d.refractoriness[i].since ? cp_since[k++] : std::nullopt);
  d.checkpoint = evaluate_checkpoint(r, d.history, d.scores, d.refractoriness, detail);
  d.therapy = plan_therapy(r, as_of, d.scores, detail);
  if (d.checkpoint.verdict == Verdict::NotApplicable) {
    // P-not-applicable: no systemic therapy is planned for a record with no HCC data.
    d.therapy.options.clear();
    d.therapy.trial_information.clear();
    if (full)
      d.therapy.reasons = {"no systemic therapy plan: the record holds no tumour imaging, TACE or HCC treatment"};
  }
  if (!full) return d;
  // What follows is for the clinician's eye only (EvaluateOptions).
  d.alerts = evaluate_alerts(r, as_of);
  d.next_reassessment = next_reassessment(r, as_of);
  d.obtain = build_obtain_list(d);
  // Resources of a missing fact that were sent but not read are named beside it (wording only).
  name_unread(d.obtain, r);
  // P-recorded-vs-measured: recorded mRECIST categories the measurements contradict, at the top of every output.
  for (auto& w : response_contradictions_prepared(r)) d.warnings.push_back(std::move(w));
  return d;
}

}  // namespace switchpoint
