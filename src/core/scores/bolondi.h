#pragma once
// Bolondi subclassification of BCLC B (rule "bolondi"; Bolondi L et al., Semin Liver Dis
// 2012; S). Defined for BCLC B only: for any other stage the result is not applicable.
#include <optional>
#include <string_view>

#include "core/record.h"
#include "core/scores/bclc.h"
#include "core/scores/score.h"

namespace switchpoint {

enum class BolondiSubstage : unsigned char { B1, B2, B3, B4 };
std::string_view to_string(BolondiSubstage);

// B1: Child-Pugh 5–7, within up-to-seven, ECOG 0; B2: Child-Pugh 5–6, beyond; B3: Child-Pugh 7,
// beyond; B4: Child-Pugh 8–9, any tumour burden. nullopt when none fits (Child-Pugh outside 5–9,
// or within up-to-seven with ECOG ≠ 0 — which BCLC 2022 stages C, not B).
std::optional<BolondiSubstage> bolondi_substage(int child_pugh_points, bool within_up_to_seven, int ecog);

struct BolondiResult {
  std::optional<BolondiSubstage> value;
  ScoreResult report;  // key "bolondi": substage
};

BolondiResult bolondi(const PatientRecord& r, Date at);
BolondiResult bolondi_from(const BclcResult& stage, Date at);

}  // namespace switchpoint
