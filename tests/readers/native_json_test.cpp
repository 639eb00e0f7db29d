// The native reader: examples read cleanly; problems are reported with their JSON pointers.
#include "readers/native_json.h"
#include "support/files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace switchpoint {
namespace {

using testing_support::slurp;

TEST(NativeJson, ExampleReads) {
  const auto rr = read_native_json(slurp(std::string(SWITCHPOINT_SOURCE_DIR) + "/examples/01-responding-patient.json"));
  ASSERT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].location + " " + rr.problems[0].message);
  EXPECT_EQ(rr.record->patient_id, "demo-001");
  ASSERT_EQ(rr.record->labs.bilirubin_umol_per_l.size(), 2u);
  EXPECT_NEAR(rr.record->labs.bilirubin_umol_per_l[0].value, 0.9 * 17.1, 1e-9);
  EXPECT_NEAR(rr.record->labs.albumin_g_per_l[0].value, 41.0, 1e-9);
  EXPECT_NEAR(*rr.record->imaging[0].largest_diameter_cm, 4.2, 1e-9);
}

TEST(NativeJson, AlbuminInWrongUnitNamesLikelyUnitAndPointer) {
  const auto rr = read_native_json(R"({"schema":"switchpoint.record/1","patient":{"id":"x"},
    "labs":[{"date":"2024-01-01","test":"albumin","value":35,"unit":"g/dL"}]})");
  ASSERT_FALSE(rr.ok());
  ASSERT_EQ(rr.problems.size(), 1u);
  EXPECT_EQ(rr.problems[0].location, "/labs/0");
  EXPECT_NE(rr.problems[0].message.find("albumin 35 g/dL"), std::string::npos) << rr.problems[0].message;
  EXPECT_NE(rr.problems[0].message.find("did you mean g/L?"), std::string::npos) << rr.problems[0].message;
}

TEST(NativeJson, ReportsEveryProblemNotOnlyTheFirst) {
  const auto rr = read_native_json(R"({"schema":"switchpoint.record/1","patient":{"id":"x"},
    "labs":[{"date":"2024-01-01","test":"bilirubin","value":2.6,"unit":"umol/L"},
            {"date":"2024-02-30","test":"inr","value":1.1,"unit":"INR"},
            {"date":"2024-01-01","test":"albumin","value":40}]})");
  ASSERT_EQ(rr.problems.size(), 3u);
  EXPECT_EQ(rr.problems[0].location, "/labs/0");
  EXPECT_NE(rr.problems[0].message.find("did you mean mg/dL?"), std::string::npos) << rr.problems[0].message;
  EXPECT_EQ(rr.problems[1].location, "/labs/1/date");
  EXPECT_EQ(rr.problems[2].location, "/labs/2/unit");
  EXPECT_NE(rr.problems[2].message.find("unit is missing"), std::string::npos) << rr.problems[2].message;
}

// P-age-plausible: the latest entry may fall exactly 120 years after the birth date, not a day later
// (a mistyped year would otherwise become the default as-of date and age every value out of date).
std::string record_born_with_lab(const std::string& birth, const std::string& lab_date) {
  return R"({"schema":"switchpoint.record/1","patient":{"id":"x","birth_date":")" + birth + R"("},
    "labs":[{"date":"2024-01-01","test":"albumin","value":40,"unit":"g/L"},
            {"date":")" +
         lab_date + R"(","test":"albumin","value":41,"unit":"g/L"}]})";
}

TEST(NativeJson, LatestEntryExactly120YearsAfterBirthIsAccepted) {
  const auto rr = read_native_json(record_born_with_lab("1930-03-01", "2050-03-01"));
  EXPECT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].message);
}

TEST(NativeJson, LatestEntryADayMoreThan120YearsAfterBirthIsRefused) {
  const auto rr = read_native_json(record_born_with_lab("1930-03-01", "2050-03-02"));
  ASSERT_EQ(rr.problems.size(), 1u);
  EXPECT_EQ(rr.problems[0].location, "/patient/birth_date");
  EXPECT_EQ(
      rr.problems[0].message,
      "the latest entry (2050-03-02) is more than 120 years after birth_date 1930-03-01: not plausible for a living "
      "patient; check the year of that entry or of the birth date");
}

TEST(NativeJson, BirthOnTheTwentyNinthOfFebruaryReaches120OnTheLastDayOfFebruary) {
  // 1932-02-29 + 120 years = 2052-02-29 (a leap year); 2052-03-01 is beyond.
  EXPECT_TRUE(read_native_json(record_born_with_lab("1932-02-29", "2052-02-29")).ok());
  EXPECT_FALSE(read_native_json(record_born_with_lab("1932-02-29", "2052-03-01")).ok());
  // 1980-02-29 + 120 years: 2100 is not a leap year, so the birthday falls on 2100-02-28.
  EXPECT_TRUE(read_native_json(record_born_with_lab("1980-02-29", "2100-02-28")).ok());
  EXPECT_FALSE(read_native_json(record_born_with_lab("1980-02-29", "2100-03-01")).ok());
}

}  // namespace
}  // namespace switchpoint
