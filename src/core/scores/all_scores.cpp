#include "core/scores/all_scores.h"

#include <utility>

#include "core/scores/child_pugh_once.h"

namespace switchpoint {
namespace {

ScoreState state_of(const ScoreResult& rep) {
  if (!rep.applicable) return ScoreState::NotApplicable;
  return rep.computed ? ScoreState::Computed : ScoreState::InsufficientData;
}

// Moves one score function's result into its typed field and appends its report.
template <typename T, typename Result>
void take(Scores& s, Scored<T>& field, Result&& result) {
  field.state = state_of(result.report);
  if (field.state == ScoreState::Computed) field.value = std::move(result.value);
  s.reports.push_back(std::move(result.report));
}

}  // namespace

// Clinical reading order: liver function, stage and its B subclasses, tumour burden,
// prognostic scores, scores of the TACE course, tumour markers, then tumour response.
Scores compute_scores(const PatientRecord& r, Date at, Detail detail) {
  const ChildPughOnce child_pugh_once(r);  // BCLC, ABCR and ART ask for Child-Pugh too
  Scores s;
  s.at = at;
  s.reports.reserve(kScoreCount);
  ChildPughResult cp = child_pugh(r, at, detail);
  const TumorBurdenLookup burden = latest_tumor_burden(r, at);
  BclcResult stage = bclc(r, at, cp, burden);
  take(s, s.child_pugh, std::move(cp));
  take(s, s.albi, albi(r, at, detail));
  KinkiResult kinki = kinki_from(stage, at);
  BolondiResult bolondi = bolondi_from(stage, at);
  take(s, s.bclc, std::move(stage));
  take(s, s.kinki, std::move(kinki));
  take(s, s.bolondi, std::move(bolondi));
  take(s, s.up_to_seven, up_to_seven(burden, at));
  take(s, s.six_and_twelve, six_and_twelve(burden, at));
  take(s, s.tumor_burden_score, tumor_burden_score(burden, at));
  take(s, s.hap, hap(r, at, detail));
  take(s, s.mhap_ii, mhap_ii(r, at, detail));
  ArtResult a = art(r, at, detail);
  s.art_group = a.group;
  take(s, s.art, std::move(a));
  take(s, s.abcr, abcr(r, at, detail));
  take(s, s.moral, moral(r, at));
  take(s, s.moral_tace, moral_tace(r, at));
  take(s, s.mrecist, mrecist(r, at));
  take(s, s.jsh_te, jsh_te(r, at));
  return s;
}

}  // namespace switchpoint
