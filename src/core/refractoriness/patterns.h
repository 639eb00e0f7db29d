#pragma once
// The judging patterns shared by the definitions (docs/refractoriness.md): sequences over
// consecutive sessions' assessments, new findings after the first session, decompensation,
// untreatable progression, tumour markers. Each fills a CriterionResult.
#include <functional>
#include <optional>
#include <string>

#include "core/record.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"

namespace switchpoint {

// One session's contribution to a sequence criterion.
struct SessionVerdict {
  enum Kind : unsigned char { Yes, No, Unknown, Skip } kind;
  std::string why;  // evidence or what is missing

  // A Yes, No or Skip's `why` is evidence or a note: built (a text or a callable returning it)
  // only with Detail::Full. An Unknown's `why` is what is missing, which every caller reads: it is
  // always built (SessionVerdict{Unknown, text}).
  template <typename Why>
  static SessionVerdict explained(Kind kind, Detail detail, Why&& why) {
    if (detail != Detail::Full) return {kind, {}};
    return {kind, text_of(std::forward<Why>(why))};
  }
};
using SessionPredicate = std::function<SessionVerdict(const SessionAssessment&)>;

// The common reading of a session's assessment state: pending → Skip, missing → Unknown.
// Returns nullopt when the assessment exists and the predicate must decide. With Detail::Verdicts
// a Skip's note is not written (SessionVerdict::explained).
std::optional<SessionVerdict> assessment_gate(const TaceHistory& h, const SessionAssessment& a,
                                              Detail detail = Detail::Full);

// Met on the first session ≥ `from` whose assessment is Yes.
void judge_any_session(CriterionResult& c, const TaceHistory& h, std::size_t from, const SessionPredicate& pred);

// Met on the later assessment of the first pair of consecutive sessions (i, i+1), i ≥ from,
// both Yes; `pair_counts(i)` may exclude a pair (KLCA: sessions more than 183 days apart).
void judge_consecutive_pair(CriterionResult& c, const TaceHistory& h, std::size_t from, const SessionPredicate& pred,
                            const std::function<bool(std::size_t)>& pair_counts = {});

// Shared predicates. With Detail::Verdicts a Yes or No carries no evidence text (the criterion's
// explain flag leaves it out anyway); the kind and an Unknown's missing input are the same.
SessionVerdict no_objective_response(const TaceHistory& h, const SessionAssessment& a,
                                     Detail detail = Detail::Full);  // known and not CR/PR
SessionVerdict progressive_disease(const TaceHistory& h, const SessionAssessment& a,
                                   Detail detail = Detail::Full);  // overall PD

enum class Finding : unsigned char { VascularInvasion, ExtrahepaticSpread };
void judge_new_finding(CriterionResult& c, const PatientRecord& r, const TaceHistory& h, Finding f);

// After S1: Child-Pugh C, moderate-severe ascites or any encephalopathy.
void judge_decompensation(CriterionResult& c, const PatientRecord& r, const TaceHistory& h);

// BCLC 2022 untreatable progression (P): any of the parts, reported as one criterion.
// With Detail::Verdicts its evidence and notes are left out (result.h).
CriterionResult untreatable_progression(const PatientRecord& r, const TaceHistory& h, std::string_view rule_id,
                                        Detail detail = Detail::Full);

// Several definitions (Galle 2017, EASL 2018, BCLC 2022) judge untreatable progression over the same
// record and history; only the rule they cite differs. While one of these lives on a thread
// (evaluate_refractoriness holds one), untreatable_progression judges `r`/`h` once and answers the
// later calls for the same objects with a copy citing their own rule (issue 16: it was judged three
// times). Calls for other objects, or outside its lifetime, are judged as usual.
class UntreatableProgressionOnce {
 public:
  UntreatableProgressionOnce(const PatientRecord& r, const TaceHistory& h);
  ~UntreatableProgressionOnce();
  UntreatableProgressionOnce(const UntreatableProgressionOnce&) = delete;
  UntreatableProgressionOnce& operator=(const UntreatableProgressionOnce&) = delete;

 private:
  friend CriterionResult untreatable_progression(const PatientRecord&, const TaceHistory&, std::string_view, Detail);
  const PatientRecord* record_;
  const TaceHistory* history_;
  std::optional<CriterionResult> judged_;
  UntreatableProgressionOnce* outer_;
};

// JSH criterion 2: continuous elevation of AFP or DCP after a session (P-jsh-markers).
void judge_marker_rise(CriterionResult& c, const PatientRecord& r, const TaceHistory& h);

// Outside-window flags for every assessment used.
void note_window_flags(CriterionResult& c, const TaceHistory& h);

}  // namespace switchpoint
