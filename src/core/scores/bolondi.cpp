#include "core/scores/bolondi.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include "core/text.h"

namespace switchpoint {

std::string_view to_string(BolondiSubstage s) {
  switch (s) {
    case BolondiSubstage::B1:
      return "B1";
    case BolondiSubstage::B2:
      return "B2";
    case BolondiSubstage::B3:
      return "B3";
    case BolondiSubstage::B4:
      return "B4";
  }
  return "?";
}

std::optional<BolondiSubstage> bolondi_substage(int cp, bool within, int ecog) {
  if (cp >= 8 && cp <= 9) return BolondiSubstage::B4;
  if (cp < 5 || cp > 7) return std::nullopt;
  if (within) return ecog == 0 ? std::optional(BolondiSubstage::B1) : std::nullopt;
  return cp <= 6 ? BolondiSubstage::B2 : BolondiSubstage::B3;
}

BolondiResult bolondi_from(const BclcResult& stage, Date at) {
  BolondiResult out{std::nullopt, start_score("bolondi", "bolondi", at)};
  ScoreResult& rep = out.report;
  if (!bclc_b_gate(stage, rep, "the Bolondi subclassification")) return out;
  const Bclc& b = *stage.value;
  // Stage B is only reached with Child-Pugh, ECOG (0) and the tumour burden known.
  out.value = bolondi_substage(*b.child_pugh_points, *b.within_up_to_seven, *b.ecog);
  if (!out.value) {
    rep.missing.emplace_back("Child-Pugh 5–9 points with ECOG 0 (BCLC B otherwise cannot be subclassified)");
    return out;
  }
  rep.computed = true;
  rep.summary = format_text(FMT_COMPILE("{} (Child-Pugh {} points, {} up-to-seven, ECOG {})"), to_string(*out.value),
                            *b.child_pugh_points, *b.within_up_to_seven ? "within" : "beyond", *b.ecog);
  rep.fields.push_back({"substage", std::string(to_string(*out.value))});
  return out;
}

BolondiResult bolondi(const PatientRecord& r, Date at) { return bolondi_from(bclc(r, at), at); }

}  // namespace switchpoint
