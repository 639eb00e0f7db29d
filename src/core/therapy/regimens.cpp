#include "core/therapy/regimens.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <array>
#include <cmath>
#include <iterator>

#include "core/number_text.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {
namespace {

using D = DoseKind;

constexpr std::array kAtezoBev{DoseComponent{"atezolizumab", D::FixedMg, 1200, "IV every 3 weeks"},
                               DoseComponent{"bevacizumab", D::MgPerKg, 15, "IV every 3 weeks"}};
constexpr std::array kDurvaTreme{DoseComponent{"tremelimumab", D::FixedMg, 300, "IV once (day 1)"},
                                 DoseComponent{"durvalumab", D::FixedMg, 1500, "IV every 4 weeks"}};
constexpr std::array kNivoIpi{DoseComponent{"nivolumab", D::MgPerKg, 1, "IV every 3 weeks × 4"},
                              DoseComponent{"ipilimumab", D::MgPerKg, 3, "IV every 3 weeks × 4"},
                              DoseComponent{"nivolumab", D::FixedMg, 480, "IV every 4 weeks thereafter"}};
constexpr std::array kLenvatinib{DoseComponent{"lenvatinib", D::WeightBandMg, 12, "orally once daily", 60, 8}};
constexpr std::array kSorafenib{DoseComponent{"sorafenib", D::FixedMg, 400, "orally twice daily"}};
constexpr std::array kDurvalumab{DoseComponent{"durvalumab", D::FixedMg, 1500, "IV every 4 weeks"}};
constexpr std::array kTislelizumab{DoseComponent{"tislelizumab", D::FixedMg, 200, "IV every 3 weeks"}};
constexpr std::array kRegorafenib{DoseComponent{"regorafenib", D::FixedMg, 160, "orally once daily, days 1–21 of 28"}};
constexpr std::array kCabozantinib{DoseComponent{"cabozantinib", D::FixedMg, 60, "orally once daily"}};
constexpr std::array kRamucirumab{DoseComponent{"ramucirumab", D::MgPerKg, 8, "IV every 2 weeks"}};
constexpr std::array kPembrolizumab{DoseComponent{"pembrolizumab", D::FixedMg, 200, "IV every 3 weeks"}};

constexpr TherapyLine F = TherapyLine::First;
constexpr TherapyLine S = TherapyLine::Second;

// Order = the first-line ranking of seed 004 step 3 (immunotherapy combinations first), then
// the second-line options in the order of CLINICAL_RULES §7.
constexpr std::array kRegimens{
    Regimen{"atezolizumab-bevacizumab", "Atezolizumab + bevacizumab", F, true, true, false, false, kAtezoBev,
            "IMbrave150: OS 19.2 vs 13.4 months vs sorafenib"},
    Regimen{"durvalumab-tremelimumab", "Durvalumab + tremelimumab (STRIDE)", F, true, false, false, true, kDurvaTreme,
            "HIMALAYA: OS 16.4 vs 13.8 months vs sorafenib"},
    Regimen{"nivolumab-ipilimumab", "Nivolumab + ipilimumab", F, true, false, false, false, kNivoIpi,
            "CheckMate 9DW: OS 23.7 vs 20.6 months vs lenvatinib or sorafenib"},
    Regimen{"lenvatinib", "Lenvatinib", F, false, false, true, false, kLenvatinib,
            "REFLECT: OS 13.6 vs 12.3 months, non-inferior to sorafenib"},
    Regimen{"sorafenib", "Sorafenib", F, false, false, false, false, kSorafenib,
            "SHARP: OS 10.7 vs 7.9 months vs placebo"},
    Regimen{"durvalumab", "Durvalumab", F, true, false, false, false, kDurvalumab,
            "HIMALAYA: durvalumab monotherapy non-inferior to sorafenib"},
    Regimen{"tislelizumab", "Tislelizumab", F, true, false, false, false, kTislelizumab,
            "RATIONALE-301: non-inferior to sorafenib"},
    Regimen{"regorafenib", "Regorafenib", S, false, false, false, false, kRegorafenib,
            "RESORCE: OS 10.6 vs 7.8 months vs placebo after tolerated sorafenib"},
    Regimen{"cabozantinib", "Cabozantinib", S, false, false, false, false, kCabozantinib,
            "CELESTIAL: OS +2.2 months vs placebo (10.2 vs 8.0)"},
    Regimen{"ramucirumab", "Ramucirumab", S, false, false, false, false, kRamucirumab,
            "REACH-2: OS +1.2 months vs placebo in AFP ≥ 400 ng/mL (8.5 vs 7.3)"},
    Regimen{"pembrolizumab", "Pembrolizumab", S, true, false, false, false, kPembrolizumab,
            "KEYNOTE-240: OS +3.3 months (13.9 vs 10.6, not significant); KEYNOTE-394: OS 14.6 vs 13.0 months"},
};

}  // namespace

std::span<const Regimen> regimens() { return kRegimens; }

const Regimen* find_regimen(std::string_view id) {
  for (const auto& r : kRegimens)
    if (r.id == id) return &r;
  return nullptr;
}

bool is_immunotherapy_regimen(std::string_view id) {
  const Regimen* r = find_regimen(id);
  return r != nullptr && r->immunotherapy;
}

bool weight_based(const Regimen& r) {
  for (const auto& d : r.doses)
    if (d.kind != DoseKind::FixedMg) return true;
  return false;
}

DoseText dose_for(const Regimen& r, const LabValue* weight, std::optional<Date> as_of) {
  DoseText out;
  // "; 53 days before: confirm today" after the weight's date (P-ecog-weight-currency).
  std::string confirm;
  if (weight && as_of && needs_confirmation_today(weight->date, *as_of))
    confirm = format_text(FMT_COMPILE("; {} days before: confirm today"), days_between(weight->date, *as_of));
  // Written into one string (issue 16): no text per component, no concatenation.
  out.text.reserve(160);
  auto into = std::back_inserter(out.text);
  for (const auto& d : r.doses) {
    if (!out.text.empty()) out.text += " + ";
    switch (d.kind) {
      case DoseKind::FixedMg:
        fmt::format_to(into, FMT_COMPILE("{} {} mg {}"), d.drug, G{d.amount}, d.schedule);
        break;
      case DoseKind::MgPerKg:
        if (weight) {
          // Rounded to the nearest mg; pharmacy rounds further to vial sizes.
          const double mg = std::round(d.amount * weight->value);
          fmt::format_to(into, FMT_COMPILE("{} {} mg/kg = {} mg (weight {} kg on {}{}) {}"), d.drug, G{d.amount}, G{mg},
                         Fixed{weight->value, 1}, weight->date.iso(), confirm, d.schedule);
        } else {
          fmt::format_to(into, FMT_COMPILE("{} {} mg/kg {} (current weight needed)"), d.drug, G{d.amount}, d.schedule);
          out.needs_weight = true;
        }
        break;
      case DoseKind::WeightBandMg:
        if (weight) {
          const bool heavy = at_least(weight->value, d.band_kg);
          fmt::format_to(into, FMT_COMPILE("{} {} mg {} (weight {} kg on {}: {} {} kg{})"), d.drug,
                         G{heavy ? d.amount : d.amount_below}, d.schedule, Fixed{weight->value, 1}, weight->date.iso(),
                         heavy ? "≥" : "<", G{d.band_kg}, confirm);
        } else {
          fmt::format_to(into, FMT_COMPILE("{} {} mg if ≥ {} kg, {} mg if < {} kg, {} (current weight needed)"), d.drug,
                         G{d.amount}, G{d.band_kg}, G{d.amount_below}, G{d.band_kg}, d.schedule);
          out.needs_weight = true;
        }
        break;
    }
  }
  return out;
}

}  // namespace switchpoint
