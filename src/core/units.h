#pragma once
// Quantities the engine reads, their canonical units, the units accepted for each and the
// plausible ranges (CLINICAL_RULES.md §1). Canonical units are part of every field name in
// the record (bilirubin_umol_per_l); this table is the only place that converts.
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace switchpoint {

enum class Quantity : std::uint8_t {
  Bilirubin,       // µmol/L
  Albumin,         // g/L
  Inr,             // ratio
  PtProlongation,  // seconds over control
  Ast,             // U/L
  Alt,             // U/L
  Platelets,       // 10^9/L
  Creatinine,      // µmol/L
  Afp,             // ng/mL
  Dcp,             // mAU/mL
  Weight,          // kg
  Diameter,        // cm
  Percent,         // %
};

struct UnitAlias {
  std::string_view spelling;  // matched case-insensitively after trimming
  double factor;              // canonical = value × factor
};

struct QuantitySpec {
  Quantity quantity;
  std::string_view key;                 // name in the native record ("bilirubin")
  std::string_view label;               // for messages ("total bilirubin")
  std::string_view canonical_unit;      // display spelling of the canonical unit
  std::span<const UnitAlias> units;     // the first alias is the canonical one
  double plausible_min;                 // canonical unit, inclusive
  double plausible_max;                 // canonical unit, inclusive
  std::string_view refused_units_note;  // units that look right but must not be converted
};

const QuantitySpec& spec_of(Quantity q);
std::span<const QuantitySpec> all_quantity_specs();
std::optional<Quantity> lab_quantity_from_key(std::string_view key);

// A value converted to its canonical unit, or the reason it was refused.
struct Converted {
  std::optional<double> canonical;
  std::string problem;  // empty when accepted; otherwise names value, unit and likely intent
};

// Converts value+unit to the canonical unit and checks plausibility. A missing or unknown unit
// is refused; an implausible value is refused with the unit that would make it plausible.
Converted to_canonical(Quantity q, double value, std::string_view unit);

// Published cut-offs are compared in the canonical unit with a relative tolerance, so that a
// value entered exactly at a cut-off in another unit lands on the side the source says
// (3.0 mg/dL × 17.1 = 51.300000000000004 µmol/L must equal the 51.3 cut-off).
inline double cutoff_tolerance(double cut) { return 1e-9 * std::fmax(1.0, std::fabs(cut)); }
inline bool above(double v, double cut) { return v > cut + cutoff_tolerance(cut); }
inline bool below(double v, double cut) { return v < cut - cutoff_tolerance(cut); }
inline bool at_least(double v, double cut) { return !below(v, cut); }
inline bool at_most(double v, double cut) { return !above(v, cut); }

}  // namespace switchpoint
