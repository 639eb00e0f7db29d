// galle-2017: patients who never respond or no longer respond to TACE (treatment stage
// migration) (seed 000 Table 2; grade V, mapping P).
#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/facts.h"
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"
#include "core/text.h"

namespace switchpoint {

DefinitionResult evaluate_galle_2017(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  auto no_or = [&](const SessionAssessment& a) { return no_objective_response(h, a, detail); };

  // Never responded: S1 and S2 both assessed without CR/PR.
  CriterionResult never = CriterionResult::start("never-responded", "galle-2017/never-responded", detail);
  {
    TaceHistory first_two = h;
    if (first_two.sessions.size() > 2) first_two.sessions.resize(2);
    judge_consecutive_pair(never, first_two, 0, no_or);
  }

  // No longer responding: after an assessment with CR/PR, the next two sessions without.
  CriterionResult no_longer = CriterionResult::start("no-longer-responding", "galle-2017/no-longer-responding", detail);
  std::optional<std::size_t> first_response;
  bool unknown_before_response = false;
  for (std::size_t i = 0; i < h.sessions.size() && !first_response; ++i) {
    const auto& a = h.sessions[i];
    if (a.objective_response()) first_response = i;
    else if (a.state == AssessmentState::Missing ||
             (a.state == AssessmentState::Assessed && !a.objective_response_known()))
      unknown_before_response = true;
  }
  if (first_response) {
    no_longer.add_evidence([&] {
      return format_text(FMT_COMPILE("objective response ({}) on the assessment of S{} ({})"),
                         to_string(*h.sessions[*first_response].response.category), *first_response + 1,
                         h.sessions[*first_response].study_date->iso());
    });
    judge_consecutive_pair(no_longer, h, *first_response + 1, no_or);
  } else if (unknown_before_response) {
    no_longer.state = CriterionState::NotJudgeable;
    // Whether a response ever occurred is unknown: the sessions before it lack a response.
    for (const auto& a : h.sessions) {
      if (a.state == AssessmentState::Missing) no_longer.missing.push_back(facts::response_imaging(a.session_date));
      else if (a.state == AssessmentState::Assessed && !a.objective_response_known())
        no_longer.missing.push_back(facts::mrecist(*a.study_date, a.session_date));
    }
  } else {
    no_longer.state = CriterionState::NotMet;
    no_longer.evidence.emplace_back("no objective response recorded yet, so none can be lost");
  }
  note_window_flags(no_longer, h);

  CriterionResult untreatable = untreatable_progression(r, h, "galle-2017/untreatable-progression", detail);
  return conclude("galle-2017", criteria_list(std::move(never), std::move(no_longer), std::move(untreatable)));
}

}  // namespace switchpoint
