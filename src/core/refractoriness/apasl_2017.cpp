// apasl-2017: convert when TACE is expected to be insufficient (seed 000 Table 2; grade V,
// mapping P): met when the APPLE TACE-unsuitable criteria (Kudo M et al., Liver Cancer
// 2020;9:245) hold at an imaging study after the first session.
#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/facts.h"
#include "core/refractoriness/apple.h"
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"
#include "core/text.h"

namespace switchpoint {

DefinitionResult evaluate_apasl_2017(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  CriterionResult c = CriterionResult::start("tace-unsuitable", "apasl-2017/tace-unsuitable", detail);
  if (!h.any_session()) {
    c.state = CriterionState::NotMet;
    c.evidence.emplace_back("no TACE session yet");
    return conclude("apasl-2017", criteria_list(std::move(c)));
  }
  const Date s1 = h.first_session();
  const ImagingStudy* latest_after = nullptr;
  for (const auto& s : r.imaging) {
    if (s.date <= s1) continue;
    latest_after = &s;
    const AppleAssessment a = apple_unsuitability(r, s);
    if (a.unsuitable) {
      c.met(s.date, [&] {
        return format_text(FMT_COMPILE("imaging {}: APPLE TACE-unsuitable — {}"), s.date.iso(), a.summary());
      });
      return conclude("apasl-2017", criteria_list(std::move(c)));
    }
  }
  if (!latest_after) {
    c.state = CriterionState::NotJudgeable;
    c.missing.push_back(facts::imaging_after_first_tace(s1));
    return conclude("apasl-2017", criteria_list(std::move(c)));
  }
  const AppleAssessment last = apple_unsuitability(r, *latest_after);
  if (last.missing.empty()) {
    c.state = CriterionState::NotMet;
    c.add_evidence([&] {
      return format_text(FMT_COMPILE("latest imaging after S1 ({}): {}"), latest_after->date.iso(), last.summary());
    });
  } else {
    c.state = CriterionState::NotJudgeable;
    for (const auto& m : last.missing) c.missing.push_back(m);
    c.add_evidence([&] { return last.summary(); });
  }
  return conclude("apasl-2017", criteria_list(std::move(c)));
}

}  // namespace switchpoint
