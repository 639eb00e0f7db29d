#include "core/refractoriness/tace_history.h"

#include <fmt/format.h>

#include "core/response/assessment.h"

namespace switchpoint {

std::string TaceHistory::session_label(std::size_t i) const {
  return fmt::format("S{} ({})", i + 1, sessions[i].session_date.iso());
}

std::string TaceHistory::assessment_label(const SessionAssessment& a) const {
  if (a.state != AssessmentState::Assessed) return fmt::format("assessment of S{}: none", a.session_index + 1);
  return fmt::format("assessment of S{}: imaging {} ({} days after{})", a.session_index + 1, a.study_date->iso(),
                     a.days_after_session, a.outside_window ? ", outside the 28–92-day window" : "");
}

TaceHistory build_tace_history(const PatientRecord& r, Date as_of) {
  TaceHistory h;
  h.as_of = as_of;
  for (std::size_t i = 0; i < r.tace.size(); ++i) {
    const Date s = r.tace[i].date;
    const std::optional<Date> next = i + 1 < r.tace.size() ? std::optional<Date>(r.tace[i + 1].date) : std::nullopt;
    SessionAssessment a;
    a.session_index = i;
    a.session_date = s;
    for (std::size_t k = 0; k < r.imaging.size() && r.imaging[k].date <= s; ++k) a.pre_study_index = k;
    if (auto k = response_assessment_study(r, i)) {
      const Date d = r.imaging[*k].date;
      a.state = AssessmentState::Assessed;
      a.study_index = *k;
      a.study_date = d;
      a.days_after_session = days_between(s, d);
      a.outside_window = a.days_after_session < kAssessmentWindowLowDays || a.days_after_session > kAssessmentWindowHighDays;
      a.response = mrecist_response(r, *k);
      a.te = jsh_te_grade(r.imaging[*k].viable_tumor_percent, r.imaging[*k].treated_size_change_percent);
    }
    if (a.state != AssessmentState::Assessed) {
      // The record is cut at the as-of date, so on day 120 with no study the window has closed.
      const bool closed = next.has_value() || days_between(s, as_of) >= kAssessmentMaxDays;
      a.state = closed ? AssessmentState::Missing : AssessmentState::Pending;
    }
    h.sessions.push_back(std::move(a));
  }
  if (!r.tace.empty()) {
    for (std::size_t k = 0; k < r.imaging.size(); ++k)
      if (r.imaging[k].date <= r.tace.front().date) h.baseline_study = k;
  }
  return h;
}

}  // namespace switchpoint
