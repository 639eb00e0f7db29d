#pragma once
// ART score, assessed before the 2nd and later TACE (rule "art"; Sieghart W et al., Hepatology
// 2013;57:2261; S). Points: AST rise > 25% from before the first TACE: 4; Child-Pugh rise of
// 1 point: 1.5, of ≥ 2: 3; no radiological response (no mRECIST CR or PR) on the response
// assessment after the last TACE: 1. 0–1.5 favours retreatment; ≥ 2.5 predicts poor outcome.
#include <optional>
#include <string_view>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

double art_ast_points(double ast_before_first_tace_u_per_l, double ast_now_u_per_l);  // 4 when rise > 25%
double art_child_pugh_points(int child_pugh_rise);                                    // ≤ 0: 0; 1: 1.5; ≥ 2: 3
double art_response_points(MrecistCategory after_last_tace);                          // CR/PR: 0; SD/PD: 1

// 0–1.5 favours retreatment; ≥ 2.5 poor prognosis; in between (2.0, which the published points
// cannot actually produce) belongs to neither group.
enum class ArtGroup : unsigned char { FavoursRetreatment, BetweenGroups, PoorPrognosis };
ArtGroup art_group(double points);
std::string_view to_string(ArtGroup);  // "favours-retreatment", "between-groups", "poor-prognosis"

struct Art {
  double points = 0;
  ArtGroup group = ArtGroup::FavoursRetreatment;
};

struct ArtResult {
  std::optional<Art> value;  // all three components known
  // When a component is missing, the group may still be fixed by the others: every component
  // adds ≥ 0 points, so known points ≥ 2.5 are poor prognosis whatever is missing, and known
  // points plus the most the missing ones could add ≤ 1.5 favour retreatment. Set when the
  // group is certain (always when `value` is); the score itself stays "not computed".
  std::optional<ArtGroup> group;
  ScoreResult report;  // key "art": points (1 decimal), interpretation
};

// Not applicable before the first TACE session (sessions dated before `at`).
ArtResult art(const PatientRecord& r, Date at, Detail detail = Detail::Full);

}  // namespace switchpoint
