// The TACE timeline terms of CLINICAL_RULES.md §5 shared by scores and response rules.
#include "core/response/assessment.h"

#include <gtest/gtest.h>

#include "../scores/test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

TEST(TaceTimeline, SessionsBeforeADateExcludeThatDate) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10")), session(day("2024-03-10"))};
  EXPECT_EQ(tace_sessions_before(r, day("2024-01-10")), 0u);
  EXPECT_EQ(tace_sessions_before(r, day("2024-01-11")), 1u);
  EXPECT_EQ(tace_sessions_before(r, day("2024-03-10")), 1u);
  EXPECT_EQ(tace_sessions_before(r, day("2024-03-11")), 2u);
}

TEST(TaceTimeline, ResponseAssessmentIsTheFirstImagingAfterTheSession) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10")), session(day("2024-03-10"))};
  r.imaging = {study(day("2024-01-10"), 1, 3.0),   // same day: pre-procedure, not an assessment
               study(day("2024-02-20"), 1, 2.0),   // S1's assessment
               study(day("2024-02-25"), 1, 2.0)};  // later, not the first
  EXPECT_EQ(response_assessment_study(r, 0), 1u);
  EXPECT_FALSE(response_assessment_study(r, 1).has_value());
}

TEST(TaceTimeline, ImagingOnTheNextSessionDayStillCounts) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10")), session(day("2024-03-10"))};
  r.imaging = {study(day("2024-03-10"), 1, 2.0)};
  EXPECT_EQ(response_assessment_study(r, 0), 0u);
  r.imaging = {study(day("2024-03-24"), 1, 2.0)};  // after the next session (and 14 days after it): belongs to it
  EXPECT_FALSE(response_assessment_study(r, 0).has_value());
  EXPECT_EQ(response_assessment_study(r, 1), 0u);
}

TEST(TaceTimeline, AssessmentWithin120Days) {
  PatientRecord r;
  r.tace = {session(day("2024-01-10"))};
  r.imaging = {study(day("2024-01-10").plus_days(120), 1, 2.0)};
  EXPECT_EQ(response_assessment_study(r, 0), 0u);
  r.imaging = {study(day("2024-01-10").plus_days(121), 1, 2.0)};
  EXPECT_FALSE(response_assessment_study(r, 0).has_value());
}

}  // namespace
}  // namespace switchpoint
