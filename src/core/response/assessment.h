#pragma once
// The TACE timeline terms of CLINICAL_RULES.md §5 ("Common terms") that scores, response rules and
// the refractoriness definitions share: what a session is (procedures merged), which course a
// decision describes (resection, ablation, transplantation end a course), which sessions had
// happened by a date, which imaging study is a session's response assessment and which is the
// baseline. Kept here, beside mRECIST, so ART, ABCR, the response summaries and the definitions
// agree on them. docs/refractoriness.md "Common terms" is the prose of this file.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"

namespace switchpoint {

// P-session-merge: procedures at most 14 days apart with no imaging between them are one session.
inline constexpr int kSessionMergeMaxDays = 14;
// P-assessment-window: an assessment is at least 14 days after the session (earlier: lipiodol
// deposition, not response), at most 120 days after it; flagged outside 28–92 days.
inline constexpr int kAssessmentMinDays = 14;
inline constexpr int kResponseAssessmentMaxDays = 120;
// P-baseline-window: the baseline is at most 183 days before S1; flagged when older than 92 days.
inline constexpr int kBaselineMaxDays = 183;
inline constexpr int kBaselineFlagDays = 92;

// The dates of the procedures a session holds (one for an unmerged session).
std::vector<Date> procedure_dates(const TaceSession& s);

// P-session-merge: the TACE sessions of a list of procedures (sorted by date). A procedure joins
// the session of the procedure before it when it is at most 14 days after that procedure and no
// imaging study is dated after that procedure and on or before it (imaging on the day of a
// procedure is taken as done before it, as everywhere in §5). The session is dated by its first
// procedure and keeps its technique; `procedure_dates` lists every merged date. Idempotent: merged
// sessions given back are split into their procedures and merged again.
std::vector<TaceSession> merge_tace_procedures(const std::vector<TaceSession>& tace,
                                               const std::vector<ImagingStudy>& imaging);

// P-course-end: the TACE course a decision describes. Sessions are grouped into courses by the
// course-ending procedures (a procedure dated on the day of a session comes after it). The course
// described is that of the latest session: `started_after` is the procedure that ended the
// previous course (nullopt for the first course), `ended_by` the procedure that ended this one
// when no TACE followed it (the course is then judged on what was known on that date).
struct TaceCourse {
  std::vector<TaceSession> sessions;  // merged, by date
  std::optional<CourseEndingProcedure> started_after;
  std::optional<CourseEndingProcedure> ended_by;
};
TaceCourse described_tace_course(const PatientRecord& r);

// The record as the described course sees it: `tace` holds the course's sessions, and when the
// course ended everything dated after its end is removed (findings after a resection are not
// failure of the TACE before it). Imaging keeps its order and indices (only a tail is removed).
PatientRecord course_record(const PatientRecord& r);
// The same record without copying `r` when nothing changes (the course is not ended and its
// sessions are `r.tace` as they are, as in evaluate()): `r` itself, else the course record, kept
// in `storage` (issue 16: the whole record was copied for every definition pass).
const PatientRecord& course_record(const PatientRecord& r, std::optional<PatientRecord>& storage);

// "TACE course ended by resection on 2024-05-02" / "TACE course started after ablation on …".
std::string course_end_text(const CourseEndingProcedure& p);

// Number of TACE sessions of `r.tace` dated strictly before `at`: a session on `at` itself is the
// one being decided on (ART is computed "before the 2nd and later TACE"), not one already
// performed. `r.tace` holds sessions once the engine has merged them (evaluate()).
std::size_t tace_sessions_before(const PatientRecord& r, Date at);

// The response assessment of session `session_index` of `r.tace` (§5, P-assessment-window): the
// first imaging study at least 14 days after the session's last procedure (an earlier study shows
// lipiodol deposition, not response), on or before the next session's date (imaging on the day of
// the next session is taken as done before it, as a baseline on the day of the first session is),
// and at most 120 days after the session's date, and not after a resection, ablation or
// transplantation that followed the session (P-course-end). nullopt when there is none.
std::optional<std::size_t> response_assessment_study(const PatientRecord& r, std::size_t session_index);

// P-baseline-window: the latest imaging study on or before the first session of `r.tace`, at most
// 183 days before it and dated after `not_before` (the procedure that ended the previous course).
std::optional<std::size_t> baseline_study(const PatientRecord& r, std::optional<Date> not_before = std::nullopt);

}  // namespace switchpoint
