// Cohort rows count sessions as the decision does (P-session-merge, P-course-end) and list the
// course-ending procedures in a column of their own, added after the existing ones.
#include "cohort/row.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/engine.h"

namespace switchpoint::cohort {
namespace {

Date d(std::string_view iso) { return *Date::parse(iso); }

// TACE 2023-06-01, ablation 2023-09-01, then procedures 2024-01-10 + 2024-01-13 (one staged
// session) and 2024-03-01.
PatientRecord record() {
  PatientRecord r;
  r.patient_id = "row-courses";
  r.tace = {{d("2023-06-01"), "cTACE", true},
            {d("2024-01-10"), "cTACE", true},
            {d("2024-01-13"), "cTACE", true},
            {d("2024-03-01"), "cTACE", true}};
  r.procedures = {{d("2023-09-01"), CourseEndingKind::Ablation}};
  for (const char* date : {"2023-05-25", "2024-01-05", "2024-02-20"}) {
    ImagingStudy s;
    s.date = d(date);
    s.modality = "CT";
    s.intrahepatic_tumor_count = 2;
    s.largest_diameter_cm = 3.0;
    r.imaging.push_back(s);
  }
  r.sort_timelines();
  return r;
}

CohortRow row_for(const PatientRecord& r, Date as_of) {
  CohortRow row;
  row.patient_id = r.patient_id;
  fill_from_decision(row, r.as_of(as_of), evaluate(r, as_of));
  return row;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else out.back() += c;
  }
  return out;
}

TEST(CohortRow, TaceDatesAreTheSessionsOfTheCourseDescribed) {
  const CohortRow row = row_for(record(), d("2024-03-10"));
  EXPECT_EQ(row.sessions, 2);
  EXPECT_EQ(row.tace_dates, (std::vector<Date>{d("2024-01-10"), d("2024-03-01")}));
  EXPECT_EQ(row.first_tace, d("2024-01-10"));
  ASSERT_EQ(row.course_ending.size(), 1u);
  EXPECT_EQ(row.course_ending[0].kind, CourseEndingKind::Ablation);
}

TEST(CohortRow, CourseEndingProceduresColumnIsAddedLast) {
  PatientRecord r = record();
  r.procedures.push_back({d("2024-03-05"), CourseEndingKind::LiverTransplantation});
  const std::string csv = rows_to_csv({row_for(r, d("2024-03-10")), row_for(r, d("2023-08-01"))});
  const std::string header = csv.substr(0, csv.find('\n'));
  const std::vector<std::string> cols = split(header);
  // Issue 15 appended the split columns after it: earlier columns keep their positions.
  const auto at =
      static_cast<std::size_t>(std::find(cols.begin(), cols.end(), "course_ending_procedures") - cols.begin());
  ASSERT_LT(at, cols.size());
  ASSERT_GE(at, 1u);
  EXPECT_EQ(cols[at - 1], "notes");
  EXPECT_EQ(cols[at + 1], "child_pugh_points");
  const std::string first = csv.substr(header.size() + 1, csv.find('\n', header.size() + 1) - header.size() - 1);
  EXPECT_EQ(split(first)[at], "ablation 2023-09-01; liver-transplantation 2024-03-05");
  EXPECT_EQ(split(first).size(), cols.size());
  // As of 2023-08-01 (first course, before the ablation): the cell is empty.
  const std::size_t second_at = csv.find('\n', header.size() + 1) + 1;
  const std::string second = csv.substr(second_at, csv.find('\n', second_at) - second_at);
  EXPECT_EQ(split(second)[at], "");
  const std::string nd = rows_to_ndjson({row_for(r, d("2024-03-10")), row_for(r, d("2023-08-01"))});
  EXPECT_NE(nd.find("\"course_ending_procedures\":[{\"kind\":\"ablation\",\"date\":\"2023-09-01\"},"
                    "{\"kind\":\"liver-transplantation\",\"date\":\"2024-03-05\"}]"),
            std::string::npos)
      << nd;
  EXPECT_EQ(std::count_if(nd.begin(), nd.end(), [](char c) { return c == '\n'; }), 2);
  EXPECT_EQ(nd.find("course_ending_procedures", nd.find('\n')), std::string::npos);  // second row: none
}

}  // namespace
}  // namespace switchpoint::cohort
