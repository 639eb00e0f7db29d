#include "core/response/assessment.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>
#include "core/text.h"

namespace switchpoint {

std::vector<Date> procedure_dates(const TaceSession& s) {
  if (s.procedure_dates.empty()) return {s.date};
  return s.procedure_dates;
}

std::vector<TaceSession> merge_tace_procedures(const std::vector<TaceSession>& tace,
                                               const std::vector<ImagingStudy>& imaging) {
  // Split into single procedures first, so that merging is idempotent.
  std::vector<TaceSession> procedures;
  for (const auto& s : tace) {
    for (Date d : procedure_dates(s)) {
      TaceSession p = s;
      p.date = d;
      p.procedure_dates.clear();
      procedures.push_back(std::move(p));
    }
  }
  std::stable_sort(procedures.begin(), procedures.end(),
                   [](const TaceSession& a, const TaceSession& b) { return a.date < b.date; });
  // Imaging is sorted by date (a record invariant): the first study after `after` decides.
  auto imaging_between = [&](Date after, Date on_or_before) {
    const auto it =
        std::partition_point(imaging.begin(), imaging.end(), [&](const ImagingStudy& s) { return s.date <= after; });
    return it != imaging.end() && it->date <= on_or_before;
  };
  std::vector<TaceSession> out;
  Date previous;
  for (auto& p : procedures) {
    if (!out.empty() && days_between(previous, p.date) <= kSessionMergeMaxDays && !imaging_between(previous, p.date)) {
      TaceSession& s = out.back();
      if (s.procedure_dates.empty()) s.procedure_dates.push_back(s.date);
      s.procedure_dates.push_back(p.date);
    } else {
      out.push_back(p);
    }
    previous = p.date;
  }
  return out;
}

TaceCourse described_tace_course(const PatientRecord& r) {
  TaceCourse c;
  std::vector<TaceSession> all = merge_tace_procedures(r.tace, r.imaging);
  if (all.empty()) return c;
  // The course of a session: the number of course-ending procedures dated before it.
  auto course_of = [&](Date d) {
    return std::count_if(r.procedures.begin(), r.procedures.end(),
                         [&](const CourseEndingProcedure& p) { return p.date < d; });
  };
  const auto last = course_of(all.back().date);
  for (auto& s : all)
    if (course_of(s.date) == last) c.sessions.push_back(std::move(s));
  for (const auto& p : r.procedures) {
    if (p.date < c.sessions.front().date) c.started_after = p;
    if (p.date >= c.sessions.back().date && !c.ended_by) c.ended_by = p;
  }
  return c;
}

PatientRecord course_record(const PatientRecord& r) {
  TaceCourse c = described_tace_course(r);
  PatientRecord out = c.ended_by ? r.as_of(c.ended_by->date) : r;
  out.tace = std::move(c.sessions);
  return out;
}

namespace {
bool same_sessions(const std::vector<TaceSession>& a, const std::vector<TaceSession>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const TaceSession& x, const TaceSession& y) {
    return x.date == y.date && x.technique == y.technique && x.selective == y.selective &&
           x.procedure_dates == y.procedure_dates;
  });
}
}  // namespace

const PatientRecord& course_record(const PatientRecord& r, std::optional<PatientRecord>& storage) {
  TaceCourse c = described_tace_course(r);
  if (!c.ended_by && same_sessions(c.sessions, r.tace)) return r;
  storage = c.ended_by ? r.as_of(c.ended_by->date) : r;
  storage->tace = std::move(c.sessions);
  return *storage;
}

std::string course_end_text(const CourseEndingProcedure& p) {
  return format_text(FMT_COMPILE("{} on {}"), to_string(p.kind), p.date.iso());
}

std::size_t tace_sessions_before(const PatientRecord& r, Date at) {
  std::size_t n = 0;
  for (const auto& s : r.tace)
    if (s.date < at) ++n;
  return n;
}

std::optional<std::size_t> response_assessment_study(const PatientRecord& r, std::size_t session_index) {
  const TaceSession& session = r.tace.at(session_index);
  const Date last_procedure = procedure_dates(session).back();
  const bool has_next = session_index + 1 < r.tace.size();
  // P-course-end: a resection, ablation or transplantation on or after the session closes the
  // window too (imaging on its day counts as before it): later imaging is not response to TACE.
  std::optional<Date> course_end;
  for (const auto& p : r.procedures)
    if (p.date >= session.date && (!course_end || p.date < *course_end)) course_end = p.date;
  for (std::size_t i = 0; i < r.imaging.size(); ++i) {
    const Date d = r.imaging[i].date;
    if (days_between(last_procedure, d) < kAssessmentMinDays) continue;  // before it, or deposition
    if (has_next && d > r.tace[session_index + 1].date) return std::nullopt;
    if (course_end && d > *course_end) return std::nullopt;
    if (days_between(session.date, d) > kResponseAssessmentMaxDays) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> baseline_study(const PatientRecord& r, std::optional<Date> not_before) {
  if (r.tace.empty()) return std::nullopt;
  const Date s1 = r.tace.front().date;
  std::optional<std::size_t> out;
  for (std::size_t k = 0; k < r.imaging.size() && r.imaging[k].date <= s1; ++k) {
    const Date d = r.imaging[k].date;
    if (days_between(d, s1) <= kBaselineMaxDays && (!not_before || d > *not_before)) out = k;
  }
  return out;
}

}  // namespace switchpoint
