// The timeline lists sessions as the decision counts them (P-session-merge, P-course-end): the
// technique and dates of a session come from the merged session, not from the record's n-th
// procedure; staged procedures show their dates; resections, ablations and transplantations are
// drawn as markers; sessions of an earlier course are drawn apart from S1…Sn.
#include "presenters/svg_timeline.h"

#include <gtest/gtest.h>

#include <string>

#include "core/engine.h"

namespace switchpoint {
namespace {

Date d(std::string_view iso) { return *Date::parse(iso); }

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
  return n;
}

ImagingStudy ct(const char* date) {
  ImagingStudy s;
  s.date = d(date);
  s.modality = "CT";
  s.intrahepatic_tumor_count = 2;
  s.largest_diameter_cm = 3.0;
  return s;
}

// DEB-TACE 2023-06-01 (first course), ablation 2023-09-01; then cTACE 2024-01-10 + DEB-TACE
// 2024-01-13 (staged: 3 days apart, no imaging between: one session S1), bland TAE 2024-03-01 (S2);
// resection 2024-04-15 ends that course.
PatientRecord two_courses() {
  PatientRecord r;
  r.patient_id = "timeline-courses";
  r.tace = {{d("2023-06-01"), "DEB-TACE", true},
            {d("2024-01-10"), "cTACE", true},
            {d("2024-01-13"), "DEB-TACE", true},
            {d("2024-03-01"), "bland TAE", true}};
  r.procedures = {{d("2023-09-01"), CourseEndingKind::Ablation}, {d("2024-04-15"), CourseEndingKind::Resection}};
  for (const char* date : {"2023-05-25", "2024-01-05", "2024-02-20", "2024-04-12"}) r.imaging.push_back(ct(date));
  r.sort_timelines();
  return r;
}

std::string chart_of(const PatientRecord& full, Date as_of) {
  return chart::timeline_svg(evaluate(full, as_of), full.as_of(as_of));
}

TEST(SvgTimeline, SessionsAreTheMergedSessionsOfTheCourseDescribed) {
  const std::string svg = chart_of(two_courses(), d("2024-04-20"));
  // S1 is the staged session of the second course with its own technique (the record's first
  // procedure is the DEB-TACE of the earlier course), S2 the bland TAE (the record's second
  // procedure is the cTACE of 2024-01-10).
  EXPECT_NE(svg.find("<title>S1 TACE on 2024-01-10, staged: 2024-01-10 + 2024-01-13 (cTACE)</title>"),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("<title>S2 TACE on 2024-03-01 (bland TAE)</title>"), std::string::npos);
  EXPECT_EQ(svg.find(">S3</text>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"session-label\""), 2u);
  // One tick for the second procedure of the staged session.
  EXPECT_EQ(count(svg, "class=\"staged-procedure\""), 1u);
  // The earlier course's TACE is drawn, muted, and not numbered.
  EXPECT_NE(svg.find("<title>TACE on 2023-06-01 (DEB-TACE; earlier course: not part of the course described)</title>"),
            std::string::npos);
  EXPECT_EQ(count(svg, "class=\"session earlier-course\""), 1u);
}

TEST(SvgTimeline, CourseEndingProceduresAreMarkers) {
  const std::string svg = chart_of(two_courses(), d("2024-04-20"));
  EXPECT_EQ(count(svg, "class=\"course-end\""), 2u);
  EXPECT_NE(svg.find("<title>ablation on 2023-09-01: ends the TACE course"), std::string::npos);
  EXPECT_NE(svg.find("<title>resection on 2024-04-15: ends the TACE course"), std::string::npos);
  EXPECT_NE(svg.find("resection, ablation, transplant (ends the TACE course)"), std::string::npos);  // legend
  // Before the resection only the ablation is drawn.
  const std::string before = chart_of(two_courses(), d("2024-04-14"));
  EXPECT_EQ(count(before, "class=\"course-end\""), 1u);
  EXPECT_EQ(before.find("resection on 2024-04-15"), std::string::npos);
}

TEST(SvgTimeline, OneCourseHasNoEarlierCourseNorCourseEndMarkers) {
  PatientRecord r = two_courses();
  r.procedures.clear();
  r.tace.erase(r.tace.begin());
  const std::string svg = chart_of(r, d("2024-04-20"));
  EXPECT_EQ(count(svg, "class=\"session-label\""), 2u);
  EXPECT_EQ(svg.find("earlier-course"), std::string::npos);
  EXPECT_EQ(svg.find("class=\"course-end\""), std::string::npos);
  EXPECT_EQ(svg.find("TACE of an earlier course"), std::string::npos);
  // 15 days apart the two procedures are two sessions, each with its own technique.
  r.tace[1].date = d("2024-01-25");
  r.sort_timelines();
  const std::string apart = chart_of(r, d("2024-04-20"));
  EXPECT_NE(apart.find("<title>S1 TACE on 2024-01-10 (cTACE)</title>"), std::string::npos);
  EXPECT_NE(apart.find("<title>S2 TACE on 2024-01-25 (DEB-TACE)</title>"), std::string::npos);
  EXPECT_NE(apart.find("<title>S3 TACE on 2024-03-01 (bland TAE)</title>"), std::string::npos);
  EXPECT_EQ(apart.find("staged-procedure"), std::string::npos);
}

}  // namespace
}  // namespace switchpoint
