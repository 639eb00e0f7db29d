#include "core/number_text.h"

#include <cmath>
#include <cstdint>

namespace switchpoint::number_text {
namespace {

// Powers of ten, each exact as a double.
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

// A product of one rounding is within 2^-53 of its exact value; one below 1e9 is then within
// 1.2e-7 of it. A fractional part this far from one half rounds as the exact product would.
constexpr double kTieMargin = 1e-6;

// round(m) for 0 <= m < 1e9 when m's fractional part is not near one half; false otherwise.
bool round_clear(double m, std::uint64_t& r) {
  const double whole = std::floor(m);
  const double frac = m - whole;  // exact: m < 2^53
  if (std::fabs(frac - 0.5) < kTieMargin) return false;
  r = static_cast<std::uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
  return true;
}

constexpr std::uint64_t kPow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

char* write_uint(char* p, std::uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

// r / 10^decimals with every one of its decimals written (digits zero-padded).
char* write_scaled(char* p, std::uint64_t r, int decimals) {
  p = write_uint(p, r / kPow10u[decimals]);
  if (decimals == 0) return p;
  *p++ = '.';
  std::uint64_t frac = r % kPow10u[decimals];
  for (int i = decimals; i-- > 0;) {
    p[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return p + decimals;
}

}  // namespace

std::size_t g_fast(double v, char* buf) {
  // `{:g}`: six significant digits; fixed notation when the rounded value's decimal exponent X
  // is in −4..5, trailing zeros (and a trailing point) removed. Exponent notation, NaN,
  // infinities and zeros are left to fmt, as are values whose rounding is too close to call.
  const double a = std::fabs(v);
  // Each power 1e-4..1e-1 as a double lies above the exact power, so `a >= 1e-4` is exact.
  if (!(a >= 1e-4) || !(a < 1e6)) return 0;
  if (a == std::floor(a)) {  // a whole number below 10^6: its six digits at most, as they are
    char* p = buf;
    if (v < 0) *p++ = '-';
    p = write_uint(p, static_cast<std::uint64_t>(a));
    return static_cast<std::size_t>(p - buf);
  }
  int x = 5;  // decimal exponent before rounding: 10^x <= a < 10^(x+1)
  while (x > -4 && a < (x >= 0 ? kPow10[x] : 1.0 / kPow10[-x])) --x;
  // 1.0 / 10^k is the double nearest 10^-k (one correctly rounded division): exact comparisons.
  std::uint64_t r = 0;
  if (!round_clear(a * kPow10[5 - x], r)) return 0;
  if (r >= 1000000) {  // rounded up to the next power of ten
    if (++x > 5) return 0;
    r /= 10;
  }
  char* p = buf;
  if (v < 0) *p++ = '-';
  p = write_scaled(p, r, 5 - x);
  if (x < 5) {
    while (p[-1] == '0') --p;
    if (p[-1] == '.') --p;
  }
  return static_cast<std::size_t>(p - buf);
}

std::size_t fixed_fast(double v, int decimals, char* buf) {
  if (decimals < 0 || decimals > 6) return 0;
  const double a = std::fabs(v);
  const double m = a * kPow10[decimals];
  if (!(m < 1e9) || (a == 0 && std::signbit(v))) return 0;
  std::uint64_t r = 0;
  if (!round_clear(m, r)) return 0;
  if (r == 0 && v < 0) return 0;  // "-0.0": fmt's
  char* p = buf;
  if (v < 0) *p++ = '-';
  p = write_scaled(p, r, decimals);
  return static_cast<std::size_t>(p - buf);
}

}  // namespace switchpoint::number_text

namespace switchpoint {

void append_g(std::string& out, double v) {
  char buf[32];
  const std::size_t n = number_text::g_fast(v, buf);
  if (n == 0) fmt::format_to(std::back_inserter(out), "{:g}", v);
  else out.append(buf, n);
}

void append_fixed(std::string& out, double v, int decimals) {
  char buf[32];
  const std::size_t n = number_text::fixed_fast(v, decimals, buf);
  if (n == 0) fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
  else out.append(buf, n);
}

}  // namespace switchpoint
