#include "core/refractoriness/definitions.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/refractoriness/patterns.h"
#include "core/response/assessment.h"
#include "core/text.h"

namespace switchpoint {

std::vector<DefinitionResult> evaluate_refractoriness(const PatientRecord& record, const TaceHistory& h,
                                                      Detail detail) {
  const bool explain = detail == Detail::Full;
  // P-course-end, P-session-merge: the definitions read the course's sessions only, and nothing
  // dated after the course ended (the same record build_tace_history read).
  std::optional<PatientRecord> cut;
  const PatientRecord& r = course_record(record, cut);
  const UntreatableProgressionOnce untreatable_once(r, h);
  std::vector<DefinitionResult> out;
  out.reserve(kRefractorinessDefinitions.size());
  for (const auto& def : kRefractorinessDefinitions) {
    DefinitionResult d = def.evaluate(r, h, detail);
    if (explain && h.course_ended_by)
      d.notes.push_back(
          format_text(FMT_COMPILE("TACE course ended by {}: judged on the findings up to that date; later findings "
                                  "are not failure of this course (P-course-end)"),
                      course_end_text(*h.course_ended_by)));
    if (explain && h.course_started_after && h.any_session())
      d.notes.push_back(
          format_text(FMT_COMPILE("TACE course started after {}: sessions and imaging before it belong to the "
                                  "earlier course (P-course-end)"),
                      course_end_text(*h.course_started_after)));
    if (!h.any_session()) {
      // No TACE yet: TACE cannot have failed, and "not refractory" would read as evidence that it
      // worked (P-not-applicable). Criteria keep their own reasons.
      d.status = RefractorinessStatus::NotApplicable;
      d.since.reset();
      d.missing.clear();
      if (explain) d.notes.emplace_back("not applicable: no TACE session recorded on or before the as-of date");
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace switchpoint
