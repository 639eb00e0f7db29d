#include "core/units.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <array>
#include "core/text.h"

namespace switchpoint {
namespace {

constexpr std::array kBilirubin{UnitAlias{"umol/L", 1.0}, UnitAlias{"µmol/L", 1.0}, UnitAlias{"μmol/L", 1.0},
                                UnitAlias{"mg/dL", 17.1}};
constexpr std::array kAlbumin{UnitAlias{"g/L", 1.0}, UnitAlias{"g/dL", 10.0}};
constexpr std::array kInr{UnitAlias{"{INR}", 1.0}, UnitAlias{"INR", 1.0}, UnitAlias{"ratio", 1.0}, UnitAlias{"1", 1.0}};
constexpr std::array kSeconds{UnitAlias{"s", 1.0}, UnitAlias{"sec", 1.0}};
constexpr std::array kEnzyme{UnitAlias{"U/L", 1.0}, UnitAlias{"IU/L", 1.0}, UnitAlias{"[IU]/L", 1.0}};
// "µ" is accepted both as the micro sign (U+00B5) and the Greek mu (U+03BC) wherever it occurs.
constexpr std::array kPlatelets{UnitAlias{"10*9/L", 1.0},  UnitAlias{"10^9/L", 1.0},  UnitAlias{"10*3/uL", 1.0},
                                UnitAlias{"10^3/uL", 1.0}, UnitAlias{"10^3/µL", 1.0}, UnitAlias{"10*3/µL", 1.0},
                                UnitAlias{"10^3/μL", 1.0}, UnitAlias{"10*3/μL", 1.0}, UnitAlias{"/uL", 0.001},
                                UnitAlias{"/µL", 0.001},   UnitAlias{"/μL", 0.001}};
constexpr std::array kCreatinine{UnitAlias{"umol/L", 1.0}, UnitAlias{"µmol/L", 1.0}, UnitAlias{"μmol/L", 1.0},
                                 UnitAlias{"mg/dL", 88.4}};
// IU/mL × 1.21: the WHO AFP standard (1 IU = 1.21 ng).
constexpr std::array kAfp{UnitAlias{"ng/mL", 1.0}, UnitAlias{"ug/L", 1.0},     UnitAlias{"µg/L", 1.0},
                          UnitAlias{"μg/L", 1.0},  UnitAlias{"[IU]/mL", 1.21}, UnitAlias{"IU/mL", 1.21}};
constexpr std::array kDcp{UnitAlias{"mAU/mL", 1.0}, UnitAlias{"m[arb'U]/mL", 1.0}, UnitAlias{"{mAU}/mL", 1.0}};
constexpr std::array kWeight{UnitAlias{"kg", 1.0}, UnitAlias{"lb", 0.4536}, UnitAlias{"[lb_av]", 0.4536}};
constexpr std::array kDiameter{UnitAlias{"cm", 1.0}, UnitAlias{"mm", 0.1}};
constexpr std::array kPercent{UnitAlias{"%", 1.0}};

// Bilirubin's lower bound is 3 µmol/L, not the 1 µmol/L of CLINICAL_RULES.md §1: the rules'
// own trap ("2.6 µmol/L written for mg/dL") must be refused, and assays report < 3 µmol/L
// only as "below detection". Refusing is the safe failure; see docs/record-format.md.
constexpr std::array kSpecs{
    QuantitySpec{Quantity::Bilirubin, "bilirubin", "total bilirubin", "µmol/L", kBilirubin, 3.0, 1000.0, ""},
    QuantitySpec{Quantity::Albumin, "albumin", "albumin", "g/L", kAlbumin, 10.0, 60.0, ""},
    QuantitySpec{Quantity::Inr, "inr", "INR", "ratio", kInr, 0.7, 10.0, ""},
    QuantitySpec{Quantity::PtProlongation, "pt_prolongation", "prothrombin time prolongation", "s", kSeconds, 0.0, 60.0,
                 ""},
    QuantitySpec{Quantity::Ast, "ast", "AST", "U/L", kEnzyme, 1.0, 10000.0, ""},
    QuantitySpec{Quantity::Alt, "alt", "ALT", "U/L", kEnzyme, 1.0, 10000.0, ""},
    QuantitySpec{Quantity::Platelets, "platelets", "platelets", "10^9/L", kPlatelets, 5.0, 1500.0, ""},
    QuantitySpec{Quantity::Creatinine, "creatinine", "creatinine", "µmol/L", kCreatinine, 10.0, 2000.0, ""},
    QuantitySpec{Quantity::Afp, "afp", "AFP", "ng/mL", kAfp, 0.0, 1e7, ""},
    QuantitySpec{Quantity::Dcp, "dcp", "DCP (PIVKA-II)", "mAU/mL", kDcp, 0.0, 1e7,
                 "ng/mL is a different DCP assay and is not converted to mAU/mL"},
    QuantitySpec{Quantity::Weight, "weight", "body weight", "kg", kWeight, 25.0, 300.0, ""},
    QuantitySpec{Quantity::Diameter, "diameter", "tumour diameter", "cm", kDiameter, 0.0, 40.0, ""},
    QuantitySpec{Quantity::Percent, "percent", "percentage", "%", kPercent, 0.0, 100.0, ""},
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_unit(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string accepted_list(const QuantitySpec& s) {
  std::string out;
  for (const auto& u : s.units) {
    if (!out.empty()) out += ", ";
    out += u.spelling;
  }
  return out;
}

bool plausible(const QuantitySpec& s, double canonical) {
  return canonical >= s.plausible_min && canonical <= s.plausible_max;
}

}  // namespace

const QuantitySpec& spec_of(Quantity q) { return kSpecs[static_cast<std::size_t>(q)]; }
std::span<const QuantitySpec> all_quantity_specs() { return kSpecs; }

std::optional<Quantity> lab_quantity_from_key(std::string_view key) {
  for (const auto& s : kSpecs)
    if (s.key == key && s.quantity != Quantity::Diameter && s.quantity != Quantity::Percent &&
        s.quantity != Quantity::Weight)
      return s.quantity;
  return std::nullopt;
}

Converted to_canonical(Quantity q, double value, std::string_view raw_unit) {
  const QuantitySpec& s = spec_of(q);
  const std::string_view unit = trim(raw_unit);
  if (!std::isfinite(value))
    return {std::nullopt, format_text(FMT_COMPILE("{}: value is not a finite number"), s.label)};
  if (unit.empty())
    return {std::nullopt, format_text(FMT_COMPILE("{} {}: the unit is missing; a value is never read without "
                                                  "its unit (accepted: {})"),
                                      s.label, value, accepted_list(s))};
  const UnitAlias* alias = nullptr;
  for (const auto& u : s.units)
    if (same_unit(u.spelling, unit)) alias = &u;
  if (alias == nullptr) {
    std::string extra =
        s.refused_units_note.empty() ? std::string() : format_text(FMT_COMPILE(" ({})"), s.refused_units_note);
    return {std::nullopt, format_text(FMT_COMPILE("{} {} {}: unknown unit '{}'{}; accepted: {}"), s.label, value, unit,
                                      unit, extra, accepted_list(s))};
  }
  const double canonical = value * alias->factor;
  if (plausible(s, canonical)) return {canonical, {}};

  // Implausible: name the unit under which the same number would be plausible.
  std::string_view likely;
  for (const auto& u : s.units) {
    if (u.factor == alias->factor) continue;
    if (plausible(s, value * u.factor)) {
      likely = u.spelling;
      break;
    }
  }
  std::string range =
      format_text(FMT_COMPILE("plausible range {}–{} {}"), s.plausible_min, s.plausible_max, s.canonical_unit);
  if (!likely.empty())
    return {std::nullopt, format_text(FMT_COMPILE("{} {} {} is implausible ({}); did you mean {}?"), s.label, value,
                                      unit, range, likely)};
  return {std::nullopt, format_text(FMT_COMPILE("{} {} {} is implausible ({}); no accepted unit makes it "
                                                "plausible, check the value"),
                                    s.label, value, unit, range)};
}

}  // namespace switchpoint
