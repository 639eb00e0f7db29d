#pragma once
// The TACE course as the refractoriness definitions see it (docs/refractoriness.md, "Common
// terms"): sessions, the response assessment of each, the baseline study. Built once per
// evaluation; every definition reads it. Sessions are merged procedures and belong to the course
// the decision describes (core/response/assessment.h: P-session-merge, P-course-end).
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/response/assessment.h"
#include "core/response/jsh_te.h"
#include "core/response/mrecist.h"

namespace switchpoint {

inline constexpr int kAssessmentMaxDays = kResponseAssessmentMaxDays;  // CLINICAL_RULES §5: 120 days
inline constexpr int kAssessmentWindowLowDays = 28;                    // P-assessment-window: JSH "1–3 months"
inline constexpr int kAssessmentWindowHighDays = 92;

enum class AssessmentState : unsigned char {
  Assessed,  // a study exists
  Pending,   // window still open on the as-of date
  Missing,   // window closed without a study
};

struct SessionAssessment {
  std::size_t session_index = 0;  // 0-based: S1 is 0
  Date session_date;
  AssessmentState state = AssessmentState::Missing;
  std::optional<std::size_t> study_index;  // into record.imaging, when Assessed
  std::optional<Date> study_date;
  int days_after_session = 0;
  bool outside_window = false;  // outside 28–92 days: flagged, still used
  StudyResponse response;       // mRECIST of the study (category may be absent)
  std::optional<TeGrade> te;    // JSH treatment effect of the study
  // The latest study on or before the session (the "before" of JSH 1b), if any.
  std::optional<std::size_t> pre_study_index;
  // The procedures of the session (P-session-merge): one date, or several for a staged treatment.
  std::vector<Date> procedure_dates = {};

  bool objective_response_known() const { return response.category.has_value(); }
  bool objective_response() const {
    return response.category &&
           (*response.category == MrecistCategory::CR || *response.category == MrecistCategory::PR);
  }
};

struct TaceHistory {
  Date as_of;
  std::vector<SessionAssessment> sessions;    // one per TACE session, by date
  std::optional<std::size_t> baseline_study;  // P-baseline-window: latest study on or before S1, ≤ 183 days
  // P-baseline-window: days from the baseline study to S1, and whether that is more than 92 (flagged).
  int baseline_days_before = 0;
  bool baseline_outside_window = false;
  // P-course-end: the procedure that ended the previous course (the sessions here come after it),
  // and the one that ended this course when no TACE followed (then as_of is its date: the course is
  // judged on what was known then).
  std::optional<CourseEndingProcedure> course_started_after = {};
  std::optional<CourseEndingProcedure> course_ended_by = {};

  bool any_session() const { return !sessions.empty(); }
  Date first_session() const { return sessions.front().session_date; }
  // "S2 (2024-03-01)", or "S2 (2024-03-01, staged: 2024-03-01 + 2024-03-04)" for merged procedures
  std::string session_label(std::size_t i) const;
  // "assessment of S2: CT 2024-04-02 (32 days after)"
  std::string assessment_label(const SessionAssessment& a) const;
};

// "S2 (2024-03-01)", or "S2 (2024-03-01, staged: 2024-03-01 + 2024-03-04)" for merged procedures.
std::string session_ref(const SessionAssessment& a);

// `record` must already be cut at `as_of` (PatientRecord::as_of). Its procedures are merged into
// sessions and the described course is chosen here (described_tace_course), so callers may pass
// the record as read; the definitions then read course_record(record) (evaluate_refractoriness).
TaceHistory build_tace_history(const PatientRecord& record, Date as_of);

}  // namespace switchpoint
