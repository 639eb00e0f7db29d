// The typed scores of Decision (issue 16): the values candidacy, the checkpoint and the therapy
// plan read, checked against CLINICAL_RULES.md §2 / docs/clinical-rules.md on both sides of each
// threshold, and their state when an input is missing or the score is not defined.
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/scores/all_scores.h"
#include "core/scores/series.h"
#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

const Date kAt = day("2024-03-01");

Scores child_pugh_scores(int points) {
  PatientRecord r;
  add_child_pugh(r, kAt, points, 0);
  return compute_scores(r, kAt);
}

// Class A 5–6, B 7–9, C 10–15 (Pugh 1973).
TEST(TypedScores, ChildPughPointsAndClassOnBothSidesOfEachClassBoundary) {
  const std::vector<std::pair<int, char>> cases{{5, 'A'}, {6, 'A'}, {7, 'B'}, {9, 'B'}, {10, 'C'}};
  for (const auto& [points, cls] : cases) {
    const Scores s = child_pugh_scores(points);
    ASSERT_TRUE(s.child_pugh) << points;
    EXPECT_EQ(s.child_pugh.state, ScoreState::Computed);
    EXPECT_EQ(s.child_pugh->points, points);
    EXPECT_EQ(s.child_pugh->cls, cls) << points << " points";
  }
}

TEST(TypedScores, ChildPughWithAnInputMissingHasNoValueAndSaysWhatIsMissing) {
  PatientRecord r;
  add_child_pugh(r, kAt, 5, 0);
  r.labs.inr.clear();
  const Scores s = compute_scores(r, kAt);
  EXPECT_FALSE(s.child_pugh);
  EXPECT_EQ(s.child_pugh.state, ScoreState::InsufficientData);
  EXPECT_TRUE(names_missing(s.report(ScoreKey::ChildPugh).missing, "inr"));
  // ALBI needs only bilirubin and albumin: still computed.
  EXPECT_TRUE(s.albi);
}

// An input older than its window (30 days for labs, P-input-currency) is missing, never carried.
TEST(TypedScores, ALabOutsideItsWindowLeavesTheScoreUncomputed) {
  PatientRecord r;
  add_child_pugh(r, kAt.plus_days(-31), 5, 0);
  EXPECT_FALSE(compute_scores(r, kAt).albi);
  EXPECT_FALSE(compute_scores(r, kAt).child_pugh);
  EXPECT_TRUE(compute_scores(r, kAt.plus_days(-1)).albi);
}

// ALBI = 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L; with bilirubin 10 µmol/L the
// first term is exactly 0.66. Grade 1 ≤ −2.60 < 2 ≤ −1.39 < 3; mALBI 2a ≤ −2.270 < 2b.
Scores albi_scores(double albumin) {
  PatientRecord r;
  r.labs.bilirubin_umol_per_l.push_back(lab(kAt, 10));
  r.labs.albumin_g_per_l.push_back(lab(kAt, albumin));
  return compute_scores(r, kAt);
}

TEST(TypedScores, AlbiGradeAndMalbiGradeOnBothSidesOfEachCutOff) {
  struct Case {
    double albumin;
    double albi;
    int grade;
    std::string_view mgrade;
  };
  const std::vector<Case> cases{
      {38.4, 0.66 - 0.085 * 38.4, 1, "1"},   // −2.604
      {38.3, 0.66 - 0.085 * 38.3, 2, "2a"},  // −2.5955
      {34.5, 0.66 - 0.085 * 34.5, 2, "2a"},  // −2.2725
      {34.4, 0.66 - 0.085 * 34.4, 2, "2b"},  // −2.264
      {24.2, 0.66 - 0.085 * 24.2, 2, "2b"},  // −1.397
      {24.1, 0.66 - 0.085 * 24.1, 3, "3"},   // −1.3885
  };
  for (const auto& c : cases) {
    const Scores s = albi_scores(c.albumin);
    ASSERT_TRUE(s.albi) << c.albumin;
    EXPECT_NEAR(s.albi->value, c.albi, 1e-12);
    EXPECT_EQ(s.albi->grade, c.grade) << "albumin " << c.albumin;
    EXPECT_EQ(s.albi->mgrade, c.mgrade) << "albumin " << c.albumin;
  }
}

TEST(TypedScores, AlbiWithoutAlbuminIsInsufficientData) {
  PatientRecord r;
  r.labs.bilirubin_umol_per_l.push_back(lab(kAt, 10));
  const Scores s = compute_scores(r, kAt);
  EXPECT_FALSE(s.albi);
  EXPECT_EQ(s.albi.state, ScoreState::InsufficientData);
  EXPECT_TRUE(names_missing(s.report(ScoreKey::Albi).missing, "albumin"));
}

// Up-to-seven: largest diameter (cm) + number of tumours ≤ 7 is within (7.0 is within).
TEST(TypedScores, UpToSevenWithinAtSevenAndBeyondAboveIt) {
  for (const auto& [largest, within] : std::vector<std::pair<double, bool>>{{4.0, true}, {4.1, false}}) {
    PatientRecord r;
    r.imaging.push_back(study(kAt.plus_days(-10), 3, largest));
    const Scores s = compute_scores(r, kAt);
    ASSERT_TRUE(s.up_to_seven) << largest;
    EXPECT_DOUBLE_EQ(s.up_to_seven->value, largest + 3);
    EXPECT_EQ(s.up_to_seven->within, within) << largest;
  }
  // No imaging within 92 days: unknown, never "within".
  PatientRecord old;
  old.imaging.push_back(study(kAt.plus_days(-93), 3, 4.0));
  EXPECT_FALSE(compute_scores(old, kAt).up_to_seven);
  EXPECT_EQ(compute_scores(old, kAt).up_to_seven.state, ScoreState::InsufficientData);
}

// BCLC 2022: Child-Pugh C alone is stage D, whatever else is missing; Child-Pugh B (9) with
// ECOG 0 and nothing else is not a stage.
TEST(TypedScores, BclcStageDFromChildPughCAloneAndUnknownWithoutTheTumour) {
  const Scores c = child_pugh_scores(10);
  ASSERT_TRUE(c.bclc);
  EXPECT_EQ(c.bclc->stage, BclcStage::D);
  const Scores b = child_pugh_scores(9);
  EXPECT_FALSE(b.bclc);
  EXPECT_EQ(b.bclc.state, ScoreState::InsufficientData);
}

// ART is assessed before the 2nd and later TACE: not defined before the first session.
TEST(TypedScores, ArtIsNotApplicableBeforeTheFirstSession) {
  const Scores s = child_pugh_scores(5);
  EXPECT_FALSE(s.art);
  EXPECT_EQ(s.art.state, ScoreState::NotApplicable);
  EXPECT_FALSE(s.art_group);
  EXPECT_FALSE(s.report(ScoreKey::Art).applicable);
}

// The typed values are the ones the outputs show: each ScoreKey names its own report.
TEST(TypedScores, EachKeyNamesItsReportAndTheTypedValuesMatchTheShownFields) {
  const std::vector<std::pair<ScoreKey, std::string_view>> keys{{ScoreKey::ChildPugh, "child_pugh"},
                                                                {ScoreKey::Albi, "albi"},
                                                                {ScoreKey::Bclc, "bclc"},
                                                                {ScoreKey::Kinki, "kinki"},
                                                                {ScoreKey::Bolondi, "bolondi"},
                                                                {ScoreKey::UpToSeven, "up_to_seven"},
                                                                {ScoreKey::SixAndTwelve, "six_and_twelve"},
                                                                {ScoreKey::TumorBurdenScore, "tumor_burden_score"},
                                                                {ScoreKey::Hap, "hap"},
                                                                {ScoreKey::MhapII, "mhap_ii"},
                                                                {ScoreKey::Art, "art"},
                                                                {ScoreKey::Abcr, "abcr"},
                                                                {ScoreKey::Moral, "moral"},
                                                                {ScoreKey::MoralTace, "moral_tace"},
                                                                {ScoreKey::Mrecist, "mrecist"},
                                                                {ScoreKey::JshTe, "jsh_te"}};
  const Scores s = child_pugh_scores(7);
  ASSERT_EQ(keys.size(), kScoreCount);
  ASSERT_EQ(s.size(), kScoreCount);
  for (const auto& [k, name] : keys) EXPECT_EQ(s.report(k).key, name);
  EXPECT_EQ(std::get<int>(*s.report(ScoreKey::ChildPugh).field("points")), s.child_pugh->points);
  EXPECT_EQ(std::get<std::string>(*s.report(ScoreKey::ChildPugh).field("class")), std::string(1, s.child_pugh->cls));
  EXPECT_EQ(std::get<std::string>(*s.report(ScoreKey::Albi).field("mgrade")), s.albi->mgrade);
}

// The series the timeline draws: Child-Pugh on every date an input is dated, the same value as
// the score on that date; ALBI likewise.
TEST(TypedScores, SeriesGiveTheScoreOfEachInputDate) {
  PatientRecord r;
  add_child_pugh(r, day("2024-01-01"), 5, 0);
  add_child_pugh(r, day("2024-02-01"), 8, 0);
  r.labs.albumin_g_per_l.push_back(lab(day("2024-02-10"), 40));  // bilirubin of 02-01 still current
  const ScoreSeries s = score_series(r);
  ASSERT_EQ(s.child_pugh.size(), 3u);
  EXPECT_EQ(s.child_pugh[0].at, day("2024-01-01"));
  EXPECT_EQ(s.child_pugh[0].value.points, 5);
  EXPECT_EQ(s.child_pugh[1].value.points, 8);
  EXPECT_EQ(s.child_pugh[1].value.cls, 'B');
  EXPECT_EQ(s.child_pugh[2].at, day("2024-02-10"));
  EXPECT_EQ(s.child_pugh[2].value.points, 7);  // albumin back to 1 point
  ASSERT_EQ(s.albi.size(), 3u);
  for (const auto& p : s.albi) EXPECT_EQ(p.value.value, compute_scores(r, p.at).albi->value);
  for (const auto& p : s.child_pugh) EXPECT_EQ(p.value.points, compute_scores(r, p.at).child_pugh->points);
}

}  // namespace
}  // namespace switchpoint
