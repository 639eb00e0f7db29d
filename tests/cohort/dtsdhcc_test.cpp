// The dtsdhcc CSV profile: the real file (2,360 patients, 11,684 rows) and small files made here.
// Where the data set lacks inputs, definitions say insufficient-data; nothing is guessed.
#include <gtest/gtest.h>

#include <filesystem>

#include "cohort/cohort.h"
#include "cohort/report.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::kSource;
using testing::spit;
using testing::TempDir;

const std::string kDtsdhcc = kSource + "/data/dtsdhcc/dtsdhcc.csv";

std::size_t def(std::string_view id) {
  for (std::size_t i = 0; i < kDefinitions.size(); ++i)
    if (kDefinitions[i] == id) return i;
  return kDefinitions.size();
}

const CohortRow& row_of(const Result& r, std::string_view id) {
  for (const auto& row : r.rows)
    if (row.patient_id == id) return row;
  throw std::runtime_error("no row " + std::string(id));
}

std::string status(const CohortRow& r, std::string_view d) {
  return std::string(to_string(r.definitions[def(d)].status));
}
std::string since(const CohortRow& r, std::string_view d) {
  const auto& s = r.definitions[def(d)].since;
  return s ? s->iso() : "";
}

class Dtsdhcc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kDtsdhcc)) return;
    Options o;
    o.inputs = {kDtsdhcc};
    o.csv_profile = "dtsdhcc";
    result_ = new Result(evaluate_cohort(o));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }
  void SetUp() override {
    if (!result_) GTEST_SKIP() << kDtsdhcc << " is not there";
  }
  static Result* result_;
};
Result* Dtsdhcc::result_ = nullptr;

TEST_F(Dtsdhcc, EveryRowAndPatientIsAccountedFor) {
  const Stats& st = result_->stats;
  EXPECT_EQ(st.lines, 11684u);
  EXPECT_EQ(st.lines_kept, 11684u);
  EXPECT_EQ(st.patients, 2360u);
  EXPECT_EQ(result_->rows.size(), 2360u);
  // Rows that contradict themselves (0 tumours with a diameter) or another row of the same date:
  // reported with their line, their patient withheld; never silently dropped.
  EXPECT_EQ(st.invalid_line_count, 22u);
  EXPECT_EQ(st.patients_withheld, 13u);
  EXPECT_EQ(st.patients_evaluated, 2347u);
  bool conflict = false;
  for (const auto& p : st.invalid)
    if (p.line == 4903)
      conflict = p.message.find("two different rows for 2016-04-25 (the other at line 4894)") != std::string::npos;
  EXPECT_TRUE(conflict);
  const CohortRow& w = row_of(*result_, "5508835217");
  EXPECT_EQ(w.input, InputStatus::Invalid);
  EXPECT_NE(w.first_problem.find("dtsdhcc.csv:4903"), std::string::npos) << w.first_problem;
  EXPECT_TRUE(result_->has_outcomes);
}

// Clinical rules §5 statuses (P-not-applicable): no TACE → not applicable, never "not refractory".
TEST_F(Dtsdhcc, NoTaceMeansNotApplicableUnderEveryDefinition) {
  const CohortRow& r = row_of(*result_, "5214045829");  // resection, no TACE
  EXPECT_EQ(r.sessions, 0);
  for (auto d : kDefinitions) EXPECT_EQ(status(r, d), "not-applicable") << d;
  EXPECT_NE(r.notes.front().find("resection on 2007-01-04"), std::string::npos);
  EXPECT_EQ(r.died, true);
  EXPECT_EQ(r.follow_up_end->iso(), "2010-05-21");  // 2007-08-20 + 1005 days
}

TEST_F(Dtsdhcc, WhatTheDataCannotSayIsInsufficientData) {
  // One TACE (2008-05-07); a new lesion on 2008-08-18 (mRECIST PD by the new lesion); distant
  // metastasis on 2008-09-23 (new extrahepatic spread). No labs: mALBI and Child-Pugh unknown.
  const CohortRow& r = row_of(*result_, "5250850566");
  EXPECT_EQ(r.input, InputStatus::Ok);
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(status(r, "aasld-2018"), "refractory");
  EXPECT_EQ(since(r, "aasld-2018"), "2008-08-18");
  EXPECT_EQ(status(r, "jsh-lcsgj-2014"), "refractory");
  EXPECT_EQ(since(r, "jsh-lcsgj-2014"), "2008-09-23");
  EXPECT_EQ(status(r, "raoul-2011"), "not-refractory");  // PD after a second session: there was none
  // "4" nodules is 4 or more (issue 15): with the largest > 3 cm that is beyond up-to-seven, APPLE
  // TACE-unsuitability on 2008-08-18 (before, without the lower bound: insufficient-data, mALBI unknown).
  EXPECT_EQ(status(r, "apasl-2017"), "refractory");
  EXPECT_EQ(r.child_pugh, "");                                           // not computed: no raw labs
  EXPECT_EQ(r.recorded_child_pugh_points, 8);                            // carried as recorded
  EXPECT_EQ(r.definitions[def("aasld-2018")].child_pugh_at_since, 'A');  // 6 points on 2008-08-18
  // Targeted therapy of unrecorded regimen: not in the record; line and first choice withheld.
  ASSERT_TRUE(r.systemic_unknown_regimen_from);
  EXPECT_EQ(r.systemic_unknown_regimen_from->iso(), "2008-08-18");
  EXPECT_FALSE(r.therapy_line.has_value());
  EXPECT_EQ(r.first_choice, "");
  bool four = false;
  for (const auto& n : r.notes) four = four || n.find("'4 or more' on 3 of 3 studies") != std::string::npos;
  EXPECT_TRUE(four);

  // Two TACE, no mRECIST category (no targets, no new lesion) on the second's assessment.
  const CohortRow& s = row_of(*result_, "5223911219");
  EXPECT_EQ(s.sessions, 2);
  EXPECT_EQ(status(s, "raoul-2011"), "insufficient-data");
  EXPECT_EQ(status(s, "easl-2018"), "insufficient-data");
  EXPECT_EQ(status(s, "klca-ncc-2022"), "not-refractory");  // sessions 294 days apart; no new MVI/EHS
}

TEST_F(Dtsdhcc, TheReportHasTheSurvivalAnalysisAndStatesItsBiases) {
  const std::string html = cohort_report_html(*result_);
  EXPECT_NE(html.find("Overall survival from refractoriness"), std::string::npos);
  EXPECT_NE(html.find("Immortal-time bias"), std::string::npos);
  EXPECT_NE(html.find("Confounding by indication"), std::string::npos);
  EXPECT_NE(html.find("imputed"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(cohort_report_html(*result_), html);
}

constexpr std::string_view kHeader =
    R"("AFP","ID","Date","Age","Amount.of.Hepatic.Lesions","Largest.Diameter.of.Hepatic.Lesions","New.Lesion","Vascular.Invasion","Local.Lymph.Node.Metastasis","Distant.Metastasis","Child_pugh_score","TargetedTherapy","Embolization","Resection","Status_of_death","OStime_day")";

TEST(DtsdhccProfile, ColumnsByNameBadValuesWithLineDuplicatesReadOnce) {
  TempDir d;
  const std::string csv = d.file("small.csv");
  spit(csv, std::string(kHeader) + "\n" +
                "12,1,2020-01-01,60,2,30,0,0,0,0,5,0,1,0,0,400\n"  // 2: TACE
                "12,1,2020-01-01,60,2,30,0,0,0,0,5,0,1,0,0,400\n"  // 3: the same row again: read once
                "15,1,2020-02-15,60,2,25,0,1,0,0,6,0,0,0,0,355\n"  // 4: new vascular invasion
                "9,2,2020-03-01,70,1,20,0,0,0,0,5,0,1,0,1,10\n"    // 5
                "9,2,2020-04-01,70,1,20,0,0,0,0,abc,0,0,0,1,0\n"   // 6: bad Child-Pugh: 2 withheld
                "9,,2020-04-01,70,1,20,0,0,0,0,5,0,0,0,1,0\n"      // 7: no ID: not attributable
                "9,3,2020-04-01,70,1,20\n");                       // 8: too few cells
  Options o;
  o.inputs = {csv};
  o.csv_profile = "dtsdhcc";
  const Result res = evaluate_cohort(o);
  EXPECT_EQ(res.stats.lines, 7u);
  // Row 8 cannot be read (too few cells) but names patient 3: that patient is listed, withheld.
  ASSERT_EQ(res.rows.size(), 3u);
  EXPECT_EQ(res.rows[2].patient_id, "3");
  EXPECT_EQ(res.rows[2].input, InputStatus::Invalid);
  const CohortRow& one = res.rows[0];
  EXPECT_EQ(one.patient_id, "1");
  EXPECT_EQ(one.input, InputStatus::Ok);
  EXPECT_EQ(one.sessions, 1);
  EXPECT_EQ(status(one, "klca-ncc-2022"), "refractory");
  EXPECT_EQ(since(one, "klca-ncc-2022"), "2020-02-15");
  EXPECT_EQ(res.stats.skipped.at("CSV row (the same row twice for one date, read once)"), 1u);
  EXPECT_EQ(res.rows[1].input, InputStatus::Invalid);
  ASSERT_EQ(res.stats.invalid.size(), 3u);
  EXPECT_EQ(res.stats.invalid[0].line, 6);
  EXPECT_NE(res.stats.invalid[0].message.find("column Child_pugh_score is 'abc'"), std::string::npos);
  EXPECT_EQ(res.stats.invalid[1].line, 7);
  EXPECT_EQ(res.stats.invalid[2].line, 8);
  EXPECT_EQ(res.stats.invalid_line_count, 3u);
}

}  // namespace
}  // namespace switchpoint::cohort
