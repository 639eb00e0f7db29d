#pragma once
// BCLC 2022 stage (rule "bclc-2022-stage"; Reig M et al., J Hepatol 2022;76:681; S). A 2025 update
// exists and is not encoded; every result says so.
//
// What is computable when inputs are missing: stage D needs only one positive D criterion
// (Child-Pugh C, or ECOG > 2), whatever else is missing. Any other stage needs D excluded, which
// needs both Child-Pugh and ECOG. Stage C then needs one positive C criterion (ECOG 1–2,
// macrovascular invasion, extrahepatic spread); stages 0/A/B need all C criteria known absent
// and the tumour count and largest diameter.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/scores/child_pugh.h"
#include "core/scores/score.h"
#include "core/scores/tumor_burden.h"

namespace switchpoint {

enum class BclcStage : unsigned char { Stage0, A, B, C, D };
std::string_view to_string(BclcStage);  // "0", "A", "B", "C", "D"

// 0/A/B from the tumour alone, for a patient already known to be outside C and D:
// 0 single ≤ 2 cm; A single of any size, or 2–3 nodules each ≤ 3 cm; B beyond A.
// `tumor_count` must be ≥ 1.
BclcStage bclc_tumor_stage(int tumor_count, double largest_diameter_cm);

enum class BclcInput : unsigned char { ChildPugh, Ecog, VascularInvasion, ExtrahepaticSpread, TumorBurden };

struct BclcInputs {
  std::optional<char> child_pugh_class;  // 'A', 'B', 'C'
  std::optional<int> ecog;
  std::optional<VascularInvasion> vascular_invasion;
  std::optional<bool> extrahepatic_spread;
  std::optional<int> tumor_count;  // with largest_diameter_cm from the same study
  std::optional<double> largest_diameter_cm;
};

struct BclcDecision {
  std::optional<BclcStage> stage;
  std::vector<BclcInput> missing;    // what prevents a stage; empty when staged or no_tumour
  bool no_tumour = false;            // outside C/D and no intrahepatic tumour: 0–B not defined
  std::vector<std::string> reasons;  // why this stage ("ECOG 3 > 2")
};

// The staging logic alone, on already-chosen inputs (see the header comment for missing data).
BclcDecision bclc_decide(const BclcInputs& in);

struct Bclc {
  BclcStage stage = BclcStage::B;
  // What the B subclassifications (Kinki, Bolondi) need; present when the stage used them.
  std::optional<int> child_pugh_points;
  std::optional<int> ecog;
  std::optional<bool> within_up_to_seven;
};

struct BclcResult {
  std::optional<Bclc> value;
  ScoreResult report;  // key "bclc": stage
};

// Child-Pugh via child_pugh(r, at); ECOG via latest_ecog; imaging via latest_imaging_with and
// latest_tumor_burden (P-input-currency windows). With Detail::Verdicts Child-Pugh is asked for
// without its text (child_pugh): the stage, summary and missing inputs are the same, and the
// Child-Pugh input's description in `used` is empty.
BclcResult bclc(const PatientRecord& r, Date at, Detail detail = Detail::Full);
// The same from Child-Pugh and the tumour burden already computed at `at` (the engine computes
// each once for every score).
BclcResult bclc(const PatientRecord& r, Date at, const ChildPughResult& cp, const TumorBurdenLookup& tb);

// For the subclassifications of stage B (Kinki, Bolondi): fills `rep` when `stage` is not B —
// not computed with BCLC's missing inputs, or not applicable with the stage in the summary —
// and returns false; returns true (with the BCLC inputs copied into `rep.used`) for stage B.
bool bclc_b_gate(const BclcResult& stage, ScoreResult& rep, std::string_view subclassification);

}  // namespace switchpoint
