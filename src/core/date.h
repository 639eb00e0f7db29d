#pragma once
// A civil calendar date with day resolution. The engine never reads a clock: every date it
// uses comes from the record or from the caller's as-of date.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchpoint {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date from_days(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Accepts exactly YYYY-MM-DD (a FHIR dateTime is cut to its date part by the FHIR reader).
  // Rejects impossible dates (2023-02-29) and years outside 1900..2200.
  static std::optional<Date> parse(std::string_view iso);
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day);

  constexpr std::int32_t days() const { return days_; }
  std::string iso() const;  // YYYY-MM-DD
  int year() const;

  constexpr Date plus_days(std::int32_t n) const { return Date(days_ + n); }
  // Calendar months; the day is clamped to the last day of the target month.
  Date plus_months(int months) const;

  friend constexpr std::int32_t days_between(Date from, Date to) { return to.days_ - from.days_; }
  friend constexpr auto operator<=>(Date, Date) = default;
  friend constexpr bool operator==(Date, Date) = default;

 private:
  constexpr explicit Date(std::int32_t d) : days_(d) {}
  std::int32_t days_ = 0;
};

}  // namespace switchpoint
