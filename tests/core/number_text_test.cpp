// core/number_text.h: G and Fixed write exactly what fmt's `{:g}` and `{:.Nf}` write, for every
// double, whether the fast path writes it or hands it to fmt (issue 16: output must not change
// by one byte). The hand-written cases follow C's %g and %.Nf (six significant digits; fixed
// notation for decimal exponents −4..5; trailing zeros removed by %g, kept by %.Nf).
#include "core/number_text.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace switchpoint {
namespace {

std::string g_text(double v) { return fmt::format(FMT_COMPILE("{}"), G{v}); }
std::string fixed_text(double v, int d) { return fmt::format(FMT_COMPILE("{}"), Fixed{v, d}); }
bool g_takes_fast_path(double v) {
  char buf[32];
  return number_text::g_fast(v, buf) != 0;
}
bool fixed_takes_fast_path(double v, int d) {
  char buf[32];
  return number_text::fixed_fast(v, d, buf) != 0;
}

void expect_same_as_fmt(double v) {
  EXPECT_EQ(g_text(v), fmt::format("{:g}", v)) << "value " << fmt::format("{:.17g}", v);
  std::string appended = "x";
  append_g(appended, v);
  EXPECT_EQ(appended, "x" + fmt::format("{:g}", v));
  for (int d = 0; d <= 6; ++d) {
    EXPECT_EQ(fixed_text(v, d), fmt::format("{:.{}f}", v, d)) << "value " << fmt::format("{:.17g}", v) << " d " << d;
    std::string f;
    append_fixed(f, v, d);
    EXPECT_EQ(f, fmt::format("{:.{}f}", v, d));
  }
}

TEST(NumberText, GeneralFormatAsCWritesIt) {
  EXPECT_EQ(g_text(3.0), "3");
  EXPECT_EQ(g_text(51.3), "51.3");
  EXPECT_EQ(g_text(3.0 * 17.1), "51.3");  // 51.300000000000004: six significant digits
  EXPECT_EQ(g_text(-2.5), "-2.5");
  EXPECT_EQ(g_text(1200), "1200");
  EXPECT_EQ(g_text(100000), "100000");
  EXPECT_EQ(g_text(999999), "999999");
  EXPECT_EQ(g_text(999999.7), "1e+06");  // exponent 6 after rounding: exponent notation (fmt)
  EXPECT_EQ(g_text(1e6), "1e+06");
  EXPECT_EQ(g_text(1234567), "1.23457e+06");
  EXPECT_EQ(g_text(123456.7), "123457");
  EXPECT_EQ(g_text(99999.95), "99999.9");  // binary value just below the tie
  EXPECT_EQ(g_text(0.0001), "0.0001");
  EXPECT_EQ(g_text(0.00001), "1e-05");
  EXPECT_EQ(g_text(0.000123456789), "0.000123457");
  EXPECT_EQ(g_text(0.1), "0.1");
  EXPECT_EQ(g_text(2.0 / 3.0), "0.666667");
  EXPECT_EQ(g_text(0.0), "0");
  EXPECT_EQ(g_text(-0.0), "-0");
  EXPECT_EQ(g_text(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(g_text(std::nan("")), "nan");
}

TEST(NumberText, FixedFormatAsCWritesIt) {
  EXPECT_EQ(fixed_text(70.0, 1), "70.0");
  EXPECT_EQ(fixed_text(3.45, 1), "3.5");  // 3.4500000000000001776…: above the tie
  EXPECT_EQ(fixed_text(0.25, 1), "0.2");  // an exact tie: fmt's rounding (to even)
  EXPECT_EQ(fixed_text(0.35, 1), "0.3");  // 0.34999999999999997779…: below the tie
  EXPECT_EQ(fixed_text(-12.34, 1), "-12.3");
  EXPECT_EQ(fixed_text(-0.04, 1), "-0.0");
  EXPECT_EQ(fixed_text(-0.0, 1), "-0.0");
  EXPECT_EQ(fixed_text(0.0, 2), "0.00");
  EXPECT_EQ(fixed_text(2.0 / 3.0, 2), "0.67");
  EXPECT_EQ(fixed_text(12.5, 0), "12");  // exact tie, to even
  EXPECT_EQ(fixed_text(1e12, 1), "1000000000000.0");
}

TEST(NumberText, FastPathTakesPlainValuesAndLeavesTheRestToFmt) {
  // Taken: the values the engine's text shows (lab values, conversions, doses, sums).
  for (double v : {3.0, 51.3, 3.0 * 17.1, 0.5, 1200.0, 12.0, 2.0 / 3.0, 0.0001, 999999.0, -4.2})
    EXPECT_TRUE(g_takes_fast_path(v)) << v;
  for (double v : {70.0, 3.44, 65.25 * 1.0001, 0.0}) EXPECT_TRUE(fixed_takes_fast_path(v, 1)) << v;
  // Left to fmt: exponent notation, zeros with a sign, NaN, infinities, and near-ties.
  for (double v : {1e6, 1e-5, 0.0, -0.0, std::nan(""), std::numeric_limits<double>::infinity(), 1.000005})
    EXPECT_FALSE(g_takes_fast_path(v)) << v;
  for (double v : {0.25, 3.45, -0.0, -0.04, 1e9, std::nan("")}) EXPECT_FALSE(fixed_takes_fast_path(v, 1)) << v;
  EXPECT_FALSE(fixed_takes_fast_path(1.0, 7));
}

TEST(NumberText, SameTextAsFmtForManyValues) {
  std::vector<double> values{0.0,
                             -0.0,
                             1e-4,
                             9.9999e-5,
                             1e-4 * (1 + 1e-15),
                             0.1,
                             0.01,
                             0.001,
                             1e5,
                             1e6,
                             999999.5,
                             999999.4999,
                             99999.95,
                             0.99999949,
                             0.9999995,
                             5e-324,
                             1e308,
                             -1e308,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::nan("")};
  // Decimals with up to 7 significant digits at every exponent, their neighbours and ties.
  for (int e = -7; e <= 8; ++e)
    for (std::int64_t m : {1, 5, 12, 125, 1005, 12345, 123456, 1234565, 999999, 9999995, 25, 15, 35, 45})
      for (int sign : {1, -1}) {
        const double v = sign * static_cast<double>(m) * std::pow(10.0, e - 3);
        values.push_back(v);
        values.push_back(std::nextafter(v, 0.0));
        values.push_back(std::nextafter(v, 1e300));
      }
  // Unit conversions and ratios as the engine computes them.
  for (int i = 1; i <= 400; ++i) {
    const double x = i / 10.0;
    values.push_back(x * 17.1);
    values.push_back(x / 17.1);
    values.push_back(x * 10.0 / 3.0);
    values.push_back((x - 20.0) * 100.0 / 20.0);
  }
  std::mt19937_64 rng(16);
  std::uniform_real_distribution<double> exponent(-8, 9);
  for (int i = 0; i < 20000; ++i) {
    const double v = std::pow(10.0, exponent(rng));
    values.push_back(i % 2 ? v : -v);
    // Rounded to a few decimals, as recorded values are.
    values.push_back(std::round(v * 100) / 100);
  }
  for (double v : values) expect_same_as_fmt(v);
}

}  // namespace
}  // namespace switchpoint
