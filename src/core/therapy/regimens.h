#pragma once
// The regimen knowledge base (CLINICAL_RULES.md §7): every regimen with its dose rule,
// schedule, key evidence and the contraindication groups that apply. One table, versioned by
// kKnowledgeVersion; the plan, the alerts and `switchpoint rules` read it.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/record.h"

namespace switchpoint {

enum class TherapyLine : unsigned char { First, Second };

enum class DoseKind : unsigned char {
  FixedMg,       // amount mg
  MgPerKg,       // amount mg/kg × latest weight
  WeightBandMg,  // lenvatinib: amount mg if weight ≥ band_kg, else amount_below mg
};

struct DoseComponent {
  std::string_view drug;
  DoseKind kind;
  double amount;
  std::string_view schedule;  // "IV every 3 weeks"
  double band_kg = 0;         // WeightBandMg only
  double amount_below = 0;    // WeightBandMg only
};

struct Regimen {
  std::string_view id;  // regimen id of CLINICAL_RULES §7 (also the catalogue id)
  std::string_view name;
  TherapyLine line;
  bool immunotherapy;             // contains an immune checkpoint inhibitor
  bool bevacizumab;               // contains bevacizumab (endoscopy prerequisite, bleeding)
  bool lenvatinib;                // REFLECT exclusions apply
  bool caution_main_portal_vein;  // excluded from its trial (HIMALAYA) but not contraindicated
  std::span<const DoseComponent> doses;
  std::string_view evidence;
};

std::span<const Regimen> regimens();
const Regimen* find_regimen(std::string_view id);

// Immunotherapy-based first-line regimens, for "after an immunotherapy-based first line".
bool is_immunotherapy_regimen(std::string_view id);

struct DoseText {
  std::string text;           // "bevacizumab 15 mg/kg = 1080 mg (weight 72 kg on 2024-03-04) IV every 3 weeks"
  bool needs_weight = false;  // the dose depends on a weight the record lacks
};
// The dose as it applies to this patient; `weight` is the latest weight in its window (90 days,
// P-ecog-weight-currency). With `as_of`, a weight older than 30 days says "confirm today".
DoseText dose_for(const Regimen& r, const LabValue* weight_kg, std::optional<Date> as_of = std::nullopt);
// True when the regimen's dose depends on body weight.
bool weight_based(const Regimen& r);

}  // namespace switchpoint
