#pragma once
// The TACE timeline terms of CLINICAL_RULES.md §5 that scores and response rules share:
// which sessions had happened by a date, and which imaging study is a session's response
// assessment. Kept here, beside mRECIST, so ART, ABCR and the response summaries agree on them.
#include <cstddef>
#include <optional>

#include "core/record.h"

namespace switchpoint {

// §5: a response assessment lies within 120 days after its session.
inline constexpr int kResponseAssessmentMaxDays = 120;

// Number of TACE sessions dated strictly before `at`: a session on `at` itself is the one being
// decided on (ART is computed "before the 2nd and later TACE"), not one already performed.
std::size_t tace_sessions_before(const PatientRecord& r, Date at);

// The response assessment of session `session_index` (§5): the first imaging study dated after
// the session, on or before the next session's date (imaging on the day of the next session is
// taken as done before it, as a baseline on the day of the first session is), and at most
// 120 days after the session. nullopt when there is none.
std::optional<std::size_t> response_assessment_study(const PatientRecord& r, std::size_t session_index);

}  // namespace switchpoint
