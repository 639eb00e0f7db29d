#pragma once
// Every score of CLINICAL_RULES.md §2 at one date, in the order they are shown.
// To add a score: write scores/<name>.{h,cpp} returning a ScoreResult (see child_pugh.h),
// add its catalogue entry in knowledge/rules_scores.cpp, add its typed field and ScoreKey below,
// call it from all_scores.cpp, and pin its thresholds in tests/core/scores/<name>_test.cpp.
#include <cstddef>
#include <optional>
#include <vector>

#include "core/record.h"
#include "core/response/jsh_te.h"
#include "core/response/mrecist.h"
#include "core/scores/abcr.h"
#include "core/scores/albi.h"
#include "core/scores/art.h"
#include "core/scores/bclc.h"
#include "core/scores/bolondi.h"
#include "core/scores/child_pugh.h"
#include "core/scores/hap.h"
#include "core/scores/kinki.h"
#include "core/scores/moral.h"
#include "core/scores/score.h"
#include "core/scores/tumor_burden.h"

namespace switchpoint {

// Whether a score gave an answer: computed, not computed for want of an input (the report's
// `missing` says which), or not defined for this patient (the report's summary says why).
enum class ScoreState : unsigned char { Computed, InsufficientData, NotApplicable };

// One score's typed value: present exactly when the score was computed (and applicable).
template <typename T>
struct Scored {
  std::optional<T> value;
  ScoreState state = ScoreState::InsufficientData;

  bool computed() const { return state == ScoreState::Computed; }
  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  const T* operator->() const { return &*value; }
};

// The reports in display order (decision.scores keys); `Scores::report` takes one of these, so
// a misspelt score does not compile.
enum class ScoreKey : unsigned char {
  ChildPugh,
  Albi,
  Bclc,
  Kinki,
  Bolondi,
  UpToSeven,
  SixAndTwelve,
  TumorBurdenScore,
  Hap,
  MhapII,
  Art,
  Abcr,
  Moral,
  MoralTace,
  Mrecist,
  JshTe,
};
inline constexpr std::size_t kScoreCount = static_cast<std::size_t>(ScoreKey::JshTe) + 1;

// The scores at one date: typed values for the rules that combine them (candidacy, checkpoint,
// therapy), and the reports (inputs used, missing, notes, display fields) for the outputs.
// Iterating a Scores iterates the reports, in display order.
struct Scores {
  Date at;
  Scored<ChildPugh> child_pugh;
  Scored<Albi> albi;  // value, grade and mALBI grade
  Scored<Bclc> bclc;
  Scored<KinkiSubstage> kinki;
  Scored<BolondiSubstage> bolondi;
  Scored<UpToSeven> up_to_seven;
  Scored<SixAndTwelve> six_and_twelve;
  Scored<double> tumor_burden_score;
  Scored<Hap> hap;
  Scored<Hap> mhap_ii;
  Scored<Art> art;
  // The ART group when it is certain, even with a component missing (see ArtResult::group).
  std::optional<ArtGroup> art_group;
  Scored<Abcr> abcr;
  Scored<double> moral;
  Scored<MoralTace> moral_tace;
  Scored<StudyResponse> mrecist;
  Scored<TeGrade> jsh_te;

  std::vector<ScoreResult> reports;  // one per ScoreKey, in that order

  const ScoreResult& report(ScoreKey k) const { return reports[static_cast<std::size_t>(k)]; }
  std::size_t size() const { return reports.size(); }
  const ScoreResult& operator[](std::size_t i) const { return reports[i]; }
  std::vector<ScoreResult>::const_iterator begin() const { return reports.begin(); }
  std::vector<ScoreResult>::const_iterator end() const { return reports.end(); }
};

// Detail::Verdicts: the typed values and the reports' computed, applicable, fields and missing
// as with Full; the reports' explanations may be partial (EvaluateOptions, core/engine.h).
Scores compute_scores(const PatientRecord& r, Date at, Detail detail = Detail::Full);

}  // namespace switchpoint
