#include "core/refractoriness/result.h"

#include <algorithm>

namespace switchpoint {

std::string_view to_string(RefractorinessStatus s) {
  switch (s) {
    case RefractorinessStatus::Refractory:
      return "refractory";
    case RefractorinessStatus::NotRefractory:
      return "not-refractory";
    case RefractorinessStatus::InsufficientData:
      return "insufficient-data";
    case RefractorinessStatus::NotApplicable:
      return "not-applicable";
  }
  return "?";
}

DefinitionResult conclude(std::string_view definition_id, std::vector<CriterionResult> criteria) {
  DefinitionResult d;
  d.id = std::string(definition_id);
  d.rule = &switchpoint::rule(definition_id);
  bool any_met = false, all_not_met = true;
  for (const auto& c : criteria) {
    if (c.state == CriterionState::Met) {
      any_met = true;
      if (!d.since || *c.on < *d.since) d.since = c.on;
    }
    if (c.state != CriterionState::NotMet) all_not_met = false;
    for (const auto& m : c.missing)
      if (std::find(d.missing.begin(), d.missing.end(), m) == d.missing.end()) d.missing.push_back(m);
  }
  d.status = any_met ? RefractorinessStatus::Refractory
                     : (all_not_met ? RefractorinessStatus::NotRefractory : RefractorinessStatus::InsufficientData);
  if (d.status != RefractorinessStatus::InsufficientData) d.missing.clear();
  d.criteria = std::move(criteria);
  return d;
}

}  // namespace switchpoint
