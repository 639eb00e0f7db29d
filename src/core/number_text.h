#pragma once
// Numbers in the engine's text, written as fmt writes them but without fmt's general float
// algorithm where the answer is plain (issue 16: `{:g}` and `{:.1f}` were a tenth of the engine's
// time in Detail::Full). Use the wrappers as format arguments:
//   fmt::format(FMT_COMPILE("{} mg"), G{amount})          is  fmt::format("{:g} mg", amount)
//   fmt::format(FMT_COMPILE("{} kg"), Fixed{weight, 1})   is  fmt::format("{:.1f} kg", weight)
// The text is the same for every double: a value whose decimal form the fast path cannot prove
// (more than six significant digits for G, out of range, NaN, infinity, −0) is handed to fmt
// itself (tests/core/number_text_test.cpp compares both over many values).
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>

namespace switchpoint {

// fmt's `{:g}` (six significant digits, trailing zeros removed).
struct G {
  double value;
};
// fmt's `{:.Nf}` with N = decimals (0..6).
struct Fixed {
  double value;
  int decimals;
};

namespace number_text {
// Writes the text into buf (at least 32 chars) and returns its length, or 0 when the fast path
// cannot prove it (the caller then asks fmt).
std::size_t g_fast(double v, char* buf);
std::size_t fixed_fast(double v, int decimals, char* buf);
}  // namespace number_text

void append_g(std::string& out, double v);
void append_fixed(std::string& out, double v, int decimals);

}  // namespace switchpoint

template <>
struct fmt::formatter<switchpoint::G> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <typename Context>
  auto format(switchpoint::G g, Context& ctx) const -> decltype(ctx.out()) {
    char buf[32];
    const std::size_t n = switchpoint::number_text::g_fast(g.value, buf);
    if (n == 0) return fmt::format_to(ctx.out(), "{:g}", g.value);
    return std::copy(buf, buf + n, ctx.out());
  }
};

template <>
struct fmt::formatter<switchpoint::Fixed> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <typename Context>
  auto format(switchpoint::Fixed f, Context& ctx) const -> decltype(ctx.out()) {
    char buf[32];
    const std::size_t n = switchpoint::number_text::fixed_fast(f.value, f.decimals, buf);
    if (n == 0) return fmt::format_to(ctx.out(), "{:.{}f}", f.value, f.decimals);
    return std::copy(buf, buf + n, ctx.out());
  }
};
