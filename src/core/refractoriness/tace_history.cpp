#include "core/refractoriness/tace_history.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/response/assessment.h"
#include "core/text.h"

namespace switchpoint {

std::string session_ref(const SessionAssessment& a) {
  if (a.procedure_dates.size() < 2)
    return format_text(FMT_COMPILE("S{} ({})"), a.session_index + 1, a.session_date.iso());
  std::string staged;
  for (Date d : a.procedure_dates) staged += (staged.empty() ? "" : " + ") + d.iso();
  return format_text(FMT_COMPILE("S{} ({}, staged: {})"), a.session_index + 1, a.session_date.iso(), staged);
}

std::string TaceHistory::session_label(std::size_t i) const { return session_ref(sessions[i]); }

std::string TaceHistory::assessment_label(const SessionAssessment& a) const {
  // A staged session is named with its procedures; a single one keeps the short form.
  const std::string who =
      a.procedure_dates.size() < 2 ? format_text(FMT_COMPILE("S{}"), a.session_index + 1) : session_ref(a);
  if (a.state != AssessmentState::Assessed) return format_text(FMT_COMPILE("assessment of {}: none"), who);
  return format_text(FMT_COMPILE("assessment of {}: imaging {} ({} days after{})"), who, a.study_date->iso(),
                     a.days_after_session, a.outside_window ? ", outside the 28–92-day window" : "");
}

TaceHistory build_tace_history(const PatientRecord& record, Date as_of) {
  const TaceCourse course = described_tace_course(record);
  std::optional<PatientRecord> cut;
  const PatientRecord& r = course_record(record, cut);  // tace = the course's sessions; cut at its end
  TaceHistory h;
  h.course_started_after = course.started_after;
  h.course_ended_by = course.ended_by;
  // An ended course is judged on what was known on the day it ended: its windows close then.
  h.as_of = course.ended_by ? std::min(as_of, course.ended_by->date) : as_of;
  const std::optional<Date> course_start =
      course.started_after ? std::optional<Date>(course.started_after->date) : std::nullopt;
  for (std::size_t i = 0; i < r.tace.size(); ++i) {
    const Date s = r.tace[i].date;
    const bool has_next = i + 1 < r.tace.size();
    SessionAssessment a;
    a.session_index = i;
    a.session_date = s;
    a.procedure_dates = procedure_dates(r.tace[i]);
    if (i == 0) {
      a.pre_study_index = baseline_study(r, course_start);
    } else {
      for (std::size_t k = 0; k < r.imaging.size() && r.imaging[k].date <= s; ++k)
        if (!course_start || r.imaging[k].date > *course_start) a.pre_study_index = k;
    }
    if (auto k = response_assessment_study(r, i)) {
      const Date d = r.imaging[*k].date;
      a.state = AssessmentState::Assessed;
      a.study_index = *k;
      a.study_date = d;
      a.days_after_session = days_between(s, d);
      a.outside_window =
          a.days_after_session < kAssessmentWindowLowDays || a.days_after_session > kAssessmentWindowHighDays;
      a.response = mrecist_response(r, *k);
      a.te = jsh_te_grade(r.imaging[*k].viable_tumor_percent, r.imaging[*k].treated_size_change_percent);
    }
    if (a.state != AssessmentState::Assessed) {
      // The record is cut at the as-of date, so on day 120 with no study the window has closed;
      // the next session or the end of the course closes it too.
      const bool closed = has_next || course.ended_by.has_value() || days_between(s, h.as_of) >= kAssessmentMaxDays;
      a.state = closed ? AssessmentState::Missing : AssessmentState::Pending;
    }
    h.sessions.push_back(std::move(a));
  }
  if (!r.tace.empty()) {
    h.baseline_study = baseline_study(r, course_start);
    if (h.baseline_study) {
      h.baseline_days_before = days_between(r.imaging[*h.baseline_study].date, r.tace.front().date);
      h.baseline_outside_window = h.baseline_days_before > kBaselineFlagDays;
    }
  }
  return h;
}

}  // namespace switchpoint
