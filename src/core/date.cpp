#include "core/date.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <chrono>
#include "core/text.h"

namespace switchpoint {
namespace {
namespace chr = std::chrono;

std::optional<int> digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}
}  // namespace

std::optional<Date> Date::from_ymd(int year, unsigned month, unsigned day) {
  if (year < 1900 || year > 2200) return std::nullopt;
  const chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date(static_cast<std::int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

std::optional<Date> Date::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  const auto y = digits(iso.substr(0, 4));
  const auto m = digits(iso.substr(5, 2));
  const auto d = digits(iso.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  return from_ymd(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

std::string Date::iso() const {
  const chr::year_month_day ymd{chr::sys_days{chr::days{days_}}};
  const int y = static_cast<int>(ymd.year());
  const auto m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  // Written by hand: iso() runs for every date of every row and message of a cohort, and
  // fmt::format's parsing of the format string cost more than the rest of the function (issue 16).
  // Years 0..9999 (every date the readers accept, 1900..2200, and far around them) take the fast
  // path; any other year keeps fmt's rendering, so the text is the same for every date.
  if (y < 0 || y > 9999) return format_text(FMT_COMPILE("{:04d}-{:02d}-{:02d}"), y, m, d);
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

int Date::year() const { return static_cast<int>(chr::year_month_day{chr::sys_days{chr::days{days_}}}.year()); }

Date Date::plus_months(int months) const {
  const chr::year_month_day ymd{chr::sys_days{chr::days{days_}}};
  chr::year_month_day target = ymd + chr::months{months};
  if (!target.ok()) target = target.year() / target.month() / chr::last;
  return Date(static_cast<std::int32_t>(chr::sys_days{target}.time_since_epoch().count()));
}

}  // namespace switchpoint
