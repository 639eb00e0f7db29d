#pragma once
// What a refractoriness definition reports: each criterion met / not met / not judgeable with
// its met-on date, evidence and missing inputs; the definition's status and since date.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/detail.h"
#include "core/knowledge/catalogue.h"

namespace switchpoint {

enum class CriterionState : unsigned char { Met, NotMet, NotJudgeable };
// NotApplicable: no TACE session on or before the as-of date (P-not-applicable): TACE cannot have
// failed, and "not refractory" would read as evidence that it worked.
enum class RefractorinessStatus : unsigned char { Refractory, NotRefractory, InsufficientData, NotApplicable };

std::string_view to_string(RefractorinessStatus);

struct CriterionResult {
  std::string id;  // "1a", "pd-after-second", …
  const RuleInfo* rule = nullptr;
  CriterionState state = CriterionState::NotJudgeable;
  std::optional<Date> on;             // met-on date
  std::vector<std::string> evidence;  // observations with dates, for met and not met alike
  std::vector<std::string> missing;   // what would make it judgeable
  std::vector<std::string> notes;     // flags (assessment outside 28–92 days, pending, …)
  // Detail::Full: evidence and notes are written. With Detail::Verdicts the patterns write through
  // met(), add_evidence() and add_note(), which then do not build the text: state, on and
  // missing are the same.
  bool explain = true;

  static CriterionResult start(std::string_view id, std::string_view rule_id, Detail detail = Detail::Full) {
    CriterionResult c;
    c.id = std::string(id);
    c.rule = &switchpoint::rule(rule_id);
    c.explain = detail == Detail::Full;
    return c;
  }
  // The observation that completes the criterion leads the evidence list. `why` is the text, or a
  // callable returning it (called only when explanations are asked for).
  template <typename Why>
  void met(Date d, Why&& why) {
    state = CriterionState::Met;
    on = d;
    if (explain) evidence.insert(evidence.begin(), text_of(std::forward<Why>(why)));
  }
  template <typename Text>
  void add_evidence(Text&& text) {
    if (explain) evidence.push_back(text_of(std::forward<Text>(text)));
  }
  template <typename Text>
  void add_note(Text&& text) {
    if (explain) notes.push_back(text_of(std::forward<Text>(text)));
  }
};

struct DefinitionResult {
  std::string id;  // "jsh-lcsgj-2014"
  const RuleInfo* rule = nullptr;
  RefractorinessStatus status = RefractorinessStatus::InsufficientData;
  std::optional<Date> since;
  std::vector<CriterionResult> criteria;
  std::vector<std::string> missing;  // union of the criteria's missing inputs
  std::vector<std::string> notes;
};

// Status and since date from the criteria (docs/refractoriness.md): refractory if any is met
// (since = earliest met-on date); not-refractory only if every one is not met.
DefinitionResult conclude(std::string_view definition_id, std::vector<CriterionResult> criteria);

// The criteria as one list, each moved into it (a braced list would copy every criterion).
template <typename... Criteria>
std::vector<CriterionResult> criteria_list(Criteria&&... criteria) {
  std::vector<CriterionResult> out;
  out.reserve(sizeof...(criteria));
  (out.push_back(std::forward<Criteria>(criteria)), ...);
  return out;
}

}  // namespace switchpoint
