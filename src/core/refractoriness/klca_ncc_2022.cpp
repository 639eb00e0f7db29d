// klca-ncc-2022: (a) no objective response after ≥ 2 on-demand sessions within 6 months;
// (b) new vascular invasion; (c) new extrahepatic metastasis (seed 004 summary; grade S).
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"

namespace switchpoint {

inline constexpr int kKlcaSixMonthsDays = 183;

DefinitionResult evaluate_klca_ncc_2022(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  CriterionResult a = CriterionResult::start("a", "klca-ncc-2022/a", detail);
  judge_consecutive_pair(
      a, h, 0, [&](const SessionAssessment& s) { return no_objective_response(h, s, detail); },
      [&](std::size_t i) {
        return days_between(h.sessions[i].session_date, h.sessions[i + 1].session_date) <= kKlcaSixMonthsDays;
      });
  note_window_flags(a, h);
  CriterionResult b = CriterionResult::start("b", "klca-ncc-2022/b", detail);
  judge_new_finding(b, r, h, Finding::VascularInvasion);
  CriterionResult c = CriterionResult::start("c", "klca-ncc-2022/c", detail);
  judge_new_finding(c, r, h, Finding::ExtrahepaticSpread);
  return conclude("klca-ncc-2022", criteria_list(std::move(a), std::move(b), std::move(c)));
}

}  // namespace switchpoint
