// Issue 15 item 5, DTSDHCC read in full, on small files of the dtsdhcc profile: "4" lesions is a
// lower bound (beyond up-to-seven when the largest is > 3 cm; not when it is 3 cm), the recorded
// Child-Pugh points (≥ 10 after the first TACE is decompensation, 9 is not; 5 means no ascites and
// no encephalopathy), a resection ends the TACE course, and the imputation caveat on every row.
#include <gtest/gtest.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort/csv_profile.h"
#include "cohort/row.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

const std::string kHeader =
    "\"ID\",\"Date\",\"Age\",\"Amount.of.Hepatic.Lesions\",\"Largest.Diameter.of.Hepatic.Lesions\",\"New.Lesion\","
    "\"Vascular.Invasion\",\"Local.Lymph.Node.Metastasis\",\"Distant.Metastasis\",\"Child_pugh_score\",\"AFP\","
    "\"TargetedTherapy\",\"Embolization\",\"Resection\",\"Status_of_death\",\"OStime_day\"\n";

// ID,Date,Age,count,largest mm,new,VI,LN,DM,CP points,AFP,targeted,TACE,resection,death,OS days
std::string row(const std::string& id, const std::string& date, int count, int mm, int cp, int tace,
                int resection = 0) {
  return id + "," + date + ",60," + std::to_string(count) + "," + std::to_string(mm) + ",0,0,0,0," +
         std::to_string(cp) + ",10,0," + std::to_string(tace) + "," + std::to_string(resection) + ",0,900\n";
}

Result run(const TempDir& d, const std::string& rows) {
  spit(d.file("d.csv"), kHeader + rows);
  Options o;
  o.inputs = {d.file("d.csv")};
  o.csv_profile = "dtsdhcc";
  o.threads = 1;
  return evaluate_cohort(o);
}

const CohortRow& of(const Result& r, const std::string& id) {
  for (const auto& x : r.rows)
    if (x.patient_id == id) return x;
  throw std::runtime_error("no row " + id);
}

std::size_t def(std::string_view id) {
  for (std::size_t i = 0; i < kDefinitions.size(); ++i)
    if (kDefinitions[i] == id) return i;
  return kDefinitions.size();
}

const CriterionOutcome* criterion(const CohortRow& r, std::string_view d, std::string_view id) {
  for (const auto& c : r.definitions[def(d)].criteria)
    if (c.id == id) return &c;
  return nullptr;
}

TEST(DtsdhccFull, FourOrMoreWithLargestOver3cmIsBeyondUpToSeven) {
  TempDir d;
  // "4" nodules after the first TACE; largest 31 mm (4 + 3.1 > 7: beyond) or 30 mm (≥ 7.0: not > 7).
  const Result r = run(d, row("1", "2020-01-01", 2, 20, 6, 1) + row("1", "2020-03-01", 4, 31, 6, 0) +
                              row("2", "2020-01-01", 2, 20, 6, 1) + row("2", "2020-03-01", 4, 30, 6, 0));
  const auto* beyond = criterion(of(r, "1"), "apasl-2017", "tace-unsuitable");
  ASSERT_NE(beyond, nullptr);
  EXPECT_EQ(beyond->state, CriterionState::Met);
  EXPECT_EQ(beyond->on->iso(), "2020-03-01");
  EXPECT_EQ(of(r, "1").definitions[def("apasl-2017")].status, RefractorinessStatus::Refractory);
  const auto* edge = criterion(of(r, "2"), "apasl-2017", "tace-unsuitable");
  ASSERT_NE(edge, nullptr);
  EXPECT_NE(edge->state, CriterionState::Met);  // cannot be told: 4 + 3.0 may be exactly 7 (within)
  EXPECT_NE(of(r, "2").definitions[def("apasl-2017")].status, RefractorinessStatus::Refractory);
  EXPECT_NE(of(r, "2").definitions[def("apasl-2017")].status, RefractorinessStatus::NotRefractory);
}

// JSH-LCSGJ 1b, two consecutive increases of the tumour number: "4 or more" after 3 is an increase;
// 3 after "4 or more" is not; "4 or more" after "4 or more" cannot be told.
std::string course(const std::string& id, int before, int after_s1, int before_s2, int after_s2) {
  return row(id, "2020-01-01", before, 20, 6, 1) + row(id, "2020-02-15", after_s1, 20, 6, 0) +
         row(id, "2020-04-01", before_s2, 20, 6, 1) + row(id, "2020-05-15", after_s2, 20, 6, 0);
}

TEST(DtsdhccFull, FourOrMoreIsAnIncreaseFromThreeAndNotComparableWithItself) {
  TempDir d;
  const Result r = run(d, course("up", 2, 3, 3, 4) + course("same", 2, 4, 4, 4) + course("down", 2, 4, 4, 3));
  const auto* up = criterion(of(r, "up"), "jsh-lcsgj-2014", "1b");
  const auto* same = criterion(of(r, "same"), "jsh-lcsgj-2014", "1b");
  const auto* down = criterion(of(r, "down"), "jsh-lcsgj-2014", "1b");
  ASSERT_TRUE(up && same && down);
  EXPECT_EQ(up->state, CriterionState::Met);
  EXPECT_EQ(same->state, CriterionState::NotJudgeable);
  EXPECT_EQ(down->state, CriterionState::NotMet);
}

TEST(DtsdhccFull, RecordedChildPughTenAfterTheFirstTaceIsDecompensation) {
  TempDir d;
  const Result r = run(d, row("10", "2020-01-01", 2, 20, 6, 1) + row("10", "2020-03-01", 2, 20, 10, 0) +
                              row("9", "2020-01-01", 2, 20, 6, 1) + row("9", "2020-03-01", 2, 20, 9, 0) +
                              row("pre", "2020-01-01", 2, 20, 10, 1) + row("pre", "2020-03-01", 2, 20, 7, 0));
  const auto* ten = criterion(of(r, "10"), "aasld-2018", "decompensation");
  ASSERT_NE(ten, nullptr);
  EXPECT_EQ(ten->state, CriterionState::Met);
  EXPECT_EQ(ten->on->iso(), "2020-03-01");
  const auto* nine = criterion(of(r, "9"), "aasld-2018", "decompensation");
  ASSERT_NE(nine, nullptr);
  EXPECT_NE(nine->state, CriterionState::Met);
  // 10 points on the day of the first session is not "after" it.
  const auto* before = criterion(of(r, "pre"), "aasld-2018", "decompensation");
  ASSERT_NE(before, nullptr);
  EXPECT_NE(before->state, CriterionState::Met);
}

TEST(DtsdhccFull, ResectionEndsTheTaceCourse) {
  TempDir d;
  // TACE, TACE, resection, then a new TACE: the course described is the one after the resection.
  const Result r = run(d, row("r", "2020-01-01", 2, 20, 6, 1) + row("r", "2020-03-01", 2, 20, 6, 1) +
                              row("r", "2020-05-01", 1, 20, 6, 0, 1) + row("r", "2020-08-01", 1, 20, 6, 1) +
                              row("n", "2020-01-01", 2, 20, 6, 1) + row("n", "2020-03-01", 2, 20, 6, 1) +
                              row("n", "2020-05-01", 1, 20, 6, 0, 0) + row("n", "2020-08-01", 1, 20, 6, 1));
  const CohortRow& res = of(r, "r");
  EXPECT_EQ(res.sessions, 1);
  EXPECT_EQ(res.first_tace->iso(), "2020-08-01");
  ASSERT_EQ(res.course_ending.size(), 1u);
  EXPECT_EQ(res.course_ending[0].kind, CourseEndingKind::Resection);
  const CohortRow& none = of(r, "n");  // the other side: no resection, one course of three sessions
  EXPECT_EQ(none.sessions, 3);
  EXPECT_TRUE(none.course_ending.empty());
}

TEST(DtsdhccFull, FivePointsMeansNoAscitesAndNoEncephalopathySixSaysNothing) {
  TempDir d;
  spit(d.file("d.csv"), kHeader + row("p", "2020-01-01", 2, 20, 5, 1) + row("p", "2020-03-01", 2, 20, 6, 0));
  Stats st;
  const auto patients = read_csv(d.file("d.csv"), "dtsdhcc", st);
  ASSERT_EQ(patients.size(), 1u);
  ASSERT_TRUE(patients[0].record);
  const auto& clinical = patients[0].record->clinical;
  ASSERT_EQ(clinical.size(), 2u);
  EXPECT_EQ(clinical[0].child_pugh_points_recorded, 5);
  EXPECT_EQ(clinical[0].ascites, Ascites::None);
  EXPECT_EQ(clinical[0].encephalopathy, Encephalopathy::None);
  EXPECT_EQ(clinical[1].child_pugh_points_recorded, 6);
  EXPECT_FALSE(clinical[1].ascites.has_value());  // 6 points: which part scored 2 cannot be told
  EXPECT_FALSE(clinical[1].encephalopathy.has_value());
}

TEST(DtsdhccFull, EveryRowCarriesTheImputationCaveat) {
  TempDir d;
  const Result r = run(d, row("a", "2020-01-01", 2, 20, 5, 1) + row("b", "2020-01-01", 0, 0, 5, 0));
  for (const auto& x : r.rows) {
    bool caveat = false;
    for (const auto& n : x.notes) caveat = caveat || n.find("imputed by the data set's authors") != std::string::npos;
    EXPECT_TRUE(caveat) << x.patient_id;
  }
}

}  // namespace
}  // namespace switchpoint::cohort
