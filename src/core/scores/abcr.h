#pragma once
// ABCR score (rule "abcr"; Adhoute X et al., J Hepatol 2015; grade U: points not verified —
// informational only, it may never trigger refractoriness, a verdict or a contraindication).
// AFP ≥ 200 ng/mL: 1; BCLC A 0 / B 2 / C 3; Child-Pugh rise ≥ 2: 2; radiological response
// (mRECIST CR or PR) after the last TACE: −3. ≤ 0 favours retreatment; ≥ 4 no benefit.
#include <optional>
#include <string_view>

#include "core/record.h"
#include "core/scores/bclc.h"
#include "core/scores/score.h"

namespace switchpoint {

int abcr_afp_points(double afp_ng_per_ml);                  // 1 when ≥ 200
std::optional<int> abcr_bclc_points(BclcStage stage);       // A 0, B 2, C 3; nullopt for 0 and D
int abcr_child_pugh_points(int child_pugh_rise);            // 2 when ≥ 2
int abcr_response_points(MrecistCategory after_last_tace);  // −3 for CR/PR

enum class AbcrGroup : unsigned char { FavoursRetreatment, Intermediate, NoBenefit };  // ≤ 0 / 1–3 / ≥ 4
AbcrGroup abcr_group(int points);
std::string_view to_string(AbcrGroup);  // "favours-retreatment", "intermediate", "no-benefit"

struct Abcr {
  int points = 0;
  AbcrGroup group = AbcrGroup::FavoursRetreatment;
};

struct AbcrResult {
  std::optional<Abcr> value;
  ScoreResult report;  // key "abcr": points, interpretation; informational only
};

// AFP and BCLC at baseline (on or before the first TACE), as in the source; Child-Pugh rise from
// before the first TACE to `at`; response on the assessment after the last TACE before `at`.
// Not applicable before the first TACE, or when the baseline BCLC stage is 0 or D (the score
// gives them no points).
AbcrResult abcr(const PatientRecord& r, Date at, Detail detail = Detail::Full);

}  // namespace switchpoint
