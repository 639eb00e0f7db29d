// jsh-lcsgj-2014: JSH-LCSGJ TACE failure/refractoriness (Kudo M et al., Oncology 2014;87
// Suppl 1:22; Liver Cancer 2014;3:458; grade V).
#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/facts.h"
#include "core/number_text.h"
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/patterns.h"
#include "core/text.h"

namespace switchpoint {

DefinitionResult evaluate_jsh_lcsgj_2014(const PatientRecord& r, const TaceHistory& h, Detail detail) {
  // (1a) Two consecutive insufficient responses: viable > 50% (TE1/TE2). The Japanese text
  // says ≥ 50%; the English papers > 50%, which is used.
  CriterionResult c1a = CriterionResult::start("1a", "jsh-lcsgj-2014/1a", detail);
  judge_consecutive_pair(c1a, h, 0, [&](const SessionAssessment& a) -> SessionVerdict {
    if (auto g = assessment_gate(h, a, detail)) return *g;
    const ImagingStudy& s = r.imaging[*a.study_index];
    if (!a.te) return {SessionVerdict::Unknown, facts::viable_percent(s.date)};
    const bool insufficient = *a.te == TeGrade::TE1 || *a.te == TeGrade::TE2;
    return SessionVerdict::explained(insufficient ? SessionVerdict::Yes : SessionVerdict::No, detail, [&] {
      const std::string viable =
          s.viable_tumor_percent ? format_text(FMT_COMPILE("viable {}%"), G{*s.viable_tumor_percent}) : "viable n/a";
      return format_text(FMT_COMPILE("S{} ({}) → imaging {}: {} ({}){}"), a.session_index + 1, a.session_date.iso(),
                         s.date.iso(), viable, to_string(*a.te),
                         insufficient ? ", insufficient response" : ", sufficient response");
    });
  });
  note_window_flags(c1a, h);

  // (1b) Two consecutive increases of the intrahepatic tumour number versus before the session.
  CriterionResult c1b = CriterionResult::start("1b", "jsh-lcsgj-2014/1b", detail);
  judge_consecutive_pair(c1b, h, 0, [&](const SessionAssessment& a) -> SessionVerdict {
    if (auto g = assessment_gate(h, a, detail)) return *g;
    const ImagingStudy& s = r.imaging[*a.study_index];
    const ImagingStudy* pre = a.pre_study_index ? &r.imaging[*a.pre_study_index] : nullptr;
    // A lower bound ("4 or more") against an exact count: more when the bound exceeds the count
    // before; not more when an exact count is at most the bound before; else it cannot be told.
    const auto now_min = s.intrahepatic_tumor_count_at_least;
    const auto pre_min = pre ? pre->intrahepatic_tumor_count_at_least : std::nullopt;
    if (now_min && pre && pre->intrahepatic_tumor_count && *now_min > *pre->intrahepatic_tumor_count)
      return SessionVerdict::explained(SessionVerdict::Yes, detail, [&] {
        return format_text(FMT_COMPILE("S{} ({}): {} or more tumours on {} vs {} on {} before it"), a.session_index + 1,
                           a.session_date.iso(), *now_min, s.date.iso(), *pre->intrahepatic_tumor_count,
                           pre->date.iso());
      });
    if (s.intrahepatic_tumor_count && pre_min && *s.intrahepatic_tumor_count <= *pre_min)
      return SessionVerdict::explained(SessionVerdict::No, detail, [&] {
        return format_text(FMT_COMPILE("S{} ({}): {} tumours on {} vs {} or more on {} before it"), a.session_index + 1,
                           a.session_date.iso(), *s.intrahepatic_tumor_count, s.date.iso(), *pre_min, pre->date.iso());
      });
    if (!s.intrahepatic_tumor_count) return {SessionVerdict::Unknown, facts::tumour_count(s.date)};
    if (!pre || !pre->intrahepatic_tumor_count)
      return {SessionVerdict::Unknown, facts::tumour_count_before(a.session_date)};
    const bool more = *s.intrahepatic_tumor_count > *pre->intrahepatic_tumor_count;
    return SessionVerdict::explained(more ? SessionVerdict::Yes : SessionVerdict::No, detail, [&] {
      return format_text(FMT_COMPILE("S{} ({}): {} tumours on {} vs {} on {} before it"), a.session_index + 1,
                         a.session_date.iso(), *s.intrahepatic_tumor_count, s.date.iso(),
                         *pre->intrahepatic_tumor_count, pre->date.iso());
    });
  });

  CriterionResult c2 = CriterionResult::start("2", "jsh-lcsgj-2014/2", detail);
  judge_marker_rise(c2, r, h);
  CriterionResult c3 = CriterionResult::start("3", "jsh-lcsgj-2014/3", detail);
  judge_new_finding(c3, r, h, Finding::VascularInvasion);
  CriterionResult c4 = CriterionResult::start("4", "jsh-lcsgj-2014/4", detail);
  judge_new_finding(c4, r, h, Finding::ExtrahepaticSpread);
  return conclude("jsh-lcsgj-2014",
                  criteria_list(std::move(c1a), std::move(c1b), std::move(c2), std::move(c3), std::move(c4)));
}

}  // namespace switchpoint
