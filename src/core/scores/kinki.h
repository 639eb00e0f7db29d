#pragma once
// Kinki criteria, a subclassification of BCLC B (rule "kinki"; Kudo M et al., Dig Dis 2015;
// S, detail unverified). Defined for BCLC B only: for any other stage the result is not
// applicable and says why.
#include <optional>
#include <string_view>

#include "core/record.h"
#include "core/scores/bclc.h"
#include "core/scores/score.h"

namespace switchpoint {

enum class KinkiSubstage : unsigned char { B1, B2, B3a, B3b };
std::string_view to_string(KinkiSubstage);

// B1: Child-Pugh 5–7 and within up-to-seven; B2: 5–7 and beyond; B3a: 8–9 within; B3b: 8–9
// beyond. nullopt for Child-Pugh points outside 5–9 (not BCLC B).
std::optional<KinkiSubstage> kinki_substage(int child_pugh_points, bool within_up_to_seven);

struct KinkiResult {
  std::optional<KinkiSubstage> value;
  ScoreResult report;  // key "kinki": substage
};

KinkiResult kinki(const PatientRecord& r, Date at);
// From an already computed BCLC result (avoids computing it twice).
KinkiResult kinki_from(const BclcResult& stage, Date at);

}  // namespace switchpoint
