#include "core/response/assessment.h"

namespace switchpoint {

std::size_t tace_sessions_before(const PatientRecord& r, Date at) {
  std::size_t n = 0;
  for (const auto& s : r.tace)
    if (s.date < at) ++n;
  return n;
}

std::optional<std::size_t> response_assessment_study(const PatientRecord& r, std::size_t session_index) {
  const TaceSession& session = r.tace.at(session_index);
  const bool has_next = session_index + 1 < r.tace.size();
  for (std::size_t i = 0; i < r.imaging.size(); ++i) {
    const Date d = r.imaging[i].date;
    if (d <= session.date) continue;
    if (has_next && d > r.tace[session_index + 1].date) return std::nullopt;
    if (days_between(session.date, d) > kResponseAssessmentMaxDays) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

}  // namespace switchpoint
