// Civil dates: strict ISO parsing, the Gregorian leap-year rule, month arithmetic that clamps to
// the end of the month, and day differences.
#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace switchpoint {
namespace {

Date d(std::string_view iso) {
  auto parsed = Date::parse(iso);
  EXPECT_TRUE(parsed.has_value()) << iso;
  return parsed.value_or(Date{});
}

TEST(Date, ParseAndIsoRoundTrip) {
  for (std::string_view iso : {"1900-01-01", "1956-04-12", "1970-01-01", "1999-12-31", "2000-02-29", "2023-01-31",
                               "2024-02-29", "2024-12-31", "2025-06-15", "2200-12-31"})
    EXPECT_EQ(d(iso).iso(), iso);
}

TEST(Date, EpochAndDayCounts) {
  EXPECT_EQ(d("1970-01-01").days(), 0);
  EXPECT_EQ(d("1970-01-02").days(), 1);
  EXPECT_EQ(d("1969-12-31").days(), -1);
  EXPECT_EQ(d("2000-01-01").days(), 10957);  // 30 years incl. 7 leap days: 30 × 365 + 7
  EXPECT_EQ(Date::from_days(0).iso(), "1970-01-01");
  EXPECT_EQ(Date::from_days(19723).iso(), "2024-01-01");
  EXPECT_EQ(Date{}.iso(), "1970-01-01");
}

// iso() is written by hand for years 0..9999 (issue 16) and keeps the four-digit, zero-padded
// form on both sides of each edge; years beyond that range keep their sign and every digit.
TEST(Date, IsoAtTheEdgesOfFourDigitYears) {
  // 0000-01-01 is 719,528 days before 1970-01-01 in the proleptic Gregorian calendar: the
  // 1969 × 365 + 477 leap days from 0001-01-01, plus the 366 days of year 0 (a leap year).
  EXPECT_EQ(Date::from_days(-719528).iso(), "0000-01-01");
  EXPECT_EQ(Date::from_days(-719529).iso(), "-001-12-31");
  EXPECT_EQ(Date::from_days(-719528 + 31 + 28).iso(), "0000-02-29");  // year 0 is a leap year
  EXPECT_EQ(Date::from_days(-718798).iso(), "0001-12-31");
  // 9999-12-31 is 2,932,896 days after 1970-01-01; the next day is in year 10000.
  EXPECT_EQ(Date::from_days(2932896).iso(), "9999-12-31");
  EXPECT_EQ(Date::from_days(2932897).iso(), "10000-01-01");
  EXPECT_EQ(Date::from_days(-1).iso(), "1969-12-31");
  EXPECT_EQ(Date::from_days(10957 + 59).iso(), "2000-02-29");
  EXPECT_EQ(Date::from_days(10957 + 60).iso(), "2000-03-01");
}

TEST(Date, YearAccessor) {
  EXPECT_EQ(d("2024-02-29").year(), 2024);
  EXPECT_EQ(d("1900-01-01").year(), 1900);
  EXPECT_EQ(d("1969-12-31").year(), 1969);
}

TEST(Date, LeapYears) {
  EXPECT_TRUE(Date::parse("2024-02-29"));   // divisible by 4
  EXPECT_FALSE(Date::parse("2023-02-29"));  // not divisible by 4
  EXPECT_FALSE(Date::parse("2025-02-29"));
  EXPECT_FALSE(Date::parse("1900-02-29"));  // divisible by 100, not by 400
  EXPECT_FALSE(Date::parse("2100-02-29"));
  EXPECT_TRUE(Date::parse("2000-02-29"));  // divisible by 400
  EXPECT_FALSE(Date::parse("2024-02-30"));
  EXPECT_EQ(days_between(d("2024-02-28"), d("2024-03-01")), 2);
  EXPECT_EQ(days_between(d("2023-02-28"), d("2023-03-01")), 1);
  EXPECT_EQ(days_between(d("2024-01-01"), d("2025-01-01")), 366);
  EXPECT_EQ(days_between(d("2023-01-01"), d("2024-01-01")), 365);
}

TEST(Date, ImpossibleDatesAreRejected) {
  for (std::string_view bad : {"2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32", "2024-04-31", "2024-06-31",
                               "2024-09-31", "2024-11-31", "0000-01-01"})
    EXPECT_FALSE(Date::parse(bad)) << bad;
}

TEST(Date, OnlyExactIsoDatesParse) {
  for (std::string_view bad : {"",
                               "2024",
                               "2024-01",
                               "2024-1-05",
                               "2024-01-5",
                               "24-01-05",
                               "12/03/2024",
                               "2024/03/12",
                               "03-12-2024",
                               "2024-03-12T10:00:00Z",
                               "2024-03-12 ",
                               " 2024-03-12",
                               "2024-03-1a",
                               "2024_03_12",
                               "+024-03-12",
                               "-024-03-12",
                               "2024-+3-12",
                               "20240312",
                               "2024-03-12Z",
                               "２０２４-03-12"})
    EXPECT_FALSE(Date::parse(bad)) << "'" << bad << "'";
}

TEST(Date, YearsOutside1900To2200AreRejected) {
  EXPECT_FALSE(Date::parse("1899-12-31"));
  EXPECT_TRUE(Date::parse("1900-01-01"));
  EXPECT_TRUE(Date::parse("2200-12-31"));
  EXPECT_FALSE(Date::parse("2201-01-01"));
  EXPECT_FALSE(Date::from_ymd(1899, 12, 31));
  EXPECT_FALSE(Date::from_ymd(2201, 1, 1));
}

TEST(Date, FromYmd) {
  EXPECT_EQ(Date::from_ymd(2024, 2, 29)->iso(), "2024-02-29");
  EXPECT_FALSE(Date::from_ymd(2023, 2, 29));
  EXPECT_FALSE(Date::from_ymd(2024, 0, 1));
  EXPECT_FALSE(Date::from_ymd(2024, 13, 1));
  EXPECT_FALSE(Date::from_ymd(2024, 1, 0));
  EXPECT_EQ(*Date::from_ymd(2024, 3, 12), d("2024-03-12"));
}

TEST(Date, PlusMonthsClampsToTheEndOfTheMonth) {
  EXPECT_EQ(d("2024-01-31").plus_months(1).iso(), "2024-02-29");  // leap year
  EXPECT_EQ(d("2023-01-31").plus_months(1).iso(), "2023-02-28");
  EXPECT_EQ(d("2024-01-31").plus_months(2).iso(), "2024-03-31");
  EXPECT_EQ(d("2024-01-31").plus_months(3).iso(), "2024-04-30");
  EXPECT_EQ(d("2024-03-31").plus_months(-1).iso(), "2024-02-29");
  EXPECT_EQ(d("2024-05-31").plus_months(-1).iso(), "2024-04-30");
  EXPECT_EQ(d("2024-02-29").plus_months(12).iso(), "2025-02-28");
  EXPECT_EQ(d("2024-02-29").plus_months(48).iso(), "2028-02-29");
  EXPECT_EQ(d("2024-01-15").plus_months(1).iso(), "2024-02-15");
}

TEST(Date, PlusMonthsCrossesYears) {
  EXPECT_EQ(d("2024-11-30").plus_months(3).iso(), "2025-02-28");
  EXPECT_EQ(d("2024-12-15").plus_months(1).iso(), "2025-01-15");
  EXPECT_EQ(d("2024-01-15").plus_months(-1).iso(), "2023-12-15");
  EXPECT_EQ(d("2024-01-15").plus_months(-13).iso(), "2022-12-15");
  EXPECT_EQ(d("2024-08-31").plus_months(6).iso(), "2025-02-28");
  EXPECT_EQ(d("2024-06-10").plus_months(0), d("2024-06-10"));
}

TEST(Date, PlusDaysAndDaysBetween) {
  EXPECT_EQ(d("2024-02-28").plus_days(1).iso(), "2024-02-29");
  EXPECT_EQ(d("2024-02-28").plus_days(2).iso(), "2024-03-01");
  EXPECT_EQ(d("2024-12-31").plus_days(1).iso(), "2025-01-01");
  EXPECT_EQ(d("2024-01-01").plus_days(-1).iso(), "2023-12-31");
  EXPECT_EQ(days_between(d("2024-01-10"), d("2024-03-04")), 54);
  EXPECT_EQ(days_between(d("2024-03-04"), d("2024-01-10")), -54);
  EXPECT_EQ(days_between(d("2024-06-01"), d("2024-06-01")), 0);
  EXPECT_EQ(days_between(d("2023-01-01"), d("2025-12-31")), 365 + 366 + 364);
  // 28 and 92 days: the JSH "1–3 months" window of CLINICAL_RULES.md §5.
  EXPECT_EQ(d("2024-01-10").plus_days(28).iso(), "2024-02-07");
  EXPECT_EQ(d("2024-01-10").plus_days(92).iso(), "2024-04-11");
}

TEST(Date, Ordering) {
  EXPECT_LT(d("2024-01-09"), d("2024-01-10"));
  EXPECT_LT(d("2023-12-31"), d("2024-01-01"));
  EXPECT_GT(d("2024-02-01"), d("2024-01-31"));
  EXPECT_EQ(d("2024-02-29"), d("2024-03-01").plus_days(-1));
  EXPECT_NE(d("2024-02-29"), d("2024-03-01"));
}

}  // namespace
}  // namespace switchpoint
