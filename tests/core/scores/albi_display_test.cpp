// P-albi-display: what is shown and the grade always agree (ALBI grade 1 ≤ −2.60 < 2 ≤ −1.39 < 3,
// Johnson 2015; mALBI 2a ≤ −2.270 < 2b, Hiraoka 2017).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/scores/albi.h"

namespace switchpoint {
namespace {

// The grade a reader infers from the number shown.
int grade_read_from(const std::string& shown) { return albi_grade(std::strtod(shown.c_str(), nullptr)); }
std::string_view mgrade_read_from(const std::string& shown) { return malbi_grade(std::strtod(shown.c_str(), nullptr)); }

TEST(AlbiDisplay, OrdinaryValuesHaveThreeDecimals) {
  EXPECT_EQ(albi_display(-2.8196), "-2.820");
  EXPECT_EQ(albi_display(-1.2), "-1.200");
}

TEST(AlbiDisplay, JustAboveGradeOneCutoffIsNotShownAsTheCutoff) {
  // −2.59996 > −2.60: grade 2. "−2.600" would read as grade 1.
  EXPECT_EQ(albi_grade(-2.59996), 2);
  EXPECT_EQ(albi_display(-2.59996), "-2.59996");
  EXPECT_EQ(grade_read_from(albi_display(-2.59996)), 2);
}

TEST(AlbiDisplay, ExactlyAtCutoffsStaysOnTheSourceSide) {
  EXPECT_EQ(albi_grade(-2.60), 1);
  EXPECT_EQ(albi_display(-2.60), "-2.600");
  EXPECT_EQ(albi_grade(-1.39), 2);
  EXPECT_EQ(albi_display(-1.39), "-1.390");
  EXPECT_EQ(malbi_grade(-2.270), "2a");
  EXPECT_EQ(albi_display(-2.270), "-2.270");
}

TEST(AlbiDisplay, JustBelowGradeThreeCutoffAndMalbiSplit) {
  // −1.38996 > −1.39: grade 3, must not read as −1.390 (grade 2).
  EXPECT_EQ(albi_grade(-1.38996), 3);
  EXPECT_EQ(grade_read_from(albi_display(-1.38996)), 3);
  // −2.2699996 > −2.270: mALBI 2b, must not read as −2.270 (2a).
  EXPECT_EQ(malbi_grade(-2.2699996), "2b");
  EXPECT_EQ(mgrade_read_from(albi_display(-2.2699996)), "2b");
  // −2.6000400 ≤ −2.60: grade 1 shown as −2.600 (reads grade 1).
  EXPECT_EQ(albi_display(-2.60004), "-2.600");
  EXPECT_EQ(grade_read_from(albi_display(-2.60004)), 1);
}

TEST(AlbiDisplay, SweepAcrossEveryCutoffAgrees) {
  for (double cut : {-2.60, -2.270, -1.39})
    for (int k = -2000; k <= 2000; ++k) {
      const double v = cut + k * 1e-7;
      const std::string s = albi_display(v);
      EXPECT_EQ(grade_read_from(s), albi_grade(v)) << v << " shown " << s;
      EXPECT_EQ(mgrade_read_from(s), malbi_grade(v)) << v << " shown " << s;
    }
}

}  // namespace
}  // namespace switchpoint
