#include "core/obtain.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/engine.h"

namespace switchpoint {

std::string definition_display_name(const std::string& id) {
  static const std::map<std::string, std::string, std::less<>> kNames{
      {"raoul-2011", "Raoul 2011"},       {"jsh-lcsgj-2014", "JSH-LCSGJ 2014"}, {"apasl-2017", "APASL 2017"},
      {"galle-2017", "Galle 2017"},       {"aasld-2018", "AASLD 2018"},         {"klca-ncc-2022", "KLCA-NCC 2022"},
      {"easl-2018", "EASL 2018"},         {"bclc-2022", "BCLC 2022"},
  };
  const auto it = kNames.find(id);
  return it == kNames.end() ? id : it->second;
}

std::vector<ObtainItem> build_obtain_list(const Decision& d) {
  std::vector<ObtainItem> items;
  auto add = [&](const std::string& fact, const std::string& unlock, bool regimen = false) {
    auto it = std::find_if(items.begin(), items.end(), [&](const ObtainItem& i) { return i.fact == fact; });
    if (it == items.end()) {
      items.push_back({fact, {}, {}});
      it = items.end() - 1;
    }
    auto& list = regimen ? it->regimens : it->unlocks;
    if (std::find(list.begin(), list.end(), unlock) == list.end()) list.push_back(unlock);
  };
  if (d.checkpoint.verdict == Verdict::NotApplicable) return items;
  // The checkpoint first: its verdict is the decision at hand.
  for (const auto& f : d.checkpoint.verdict_obtain) add(f, "checkpoint verdict");
  if (d.checkpoint.sustained_response.answer == Answer::Unknown)
    for (const auto& f : d.checkpoint.sustained_response.obtain) add(f, "checkpoint: sustained response");
  if (d.checkpoint.liver_function.answer == Answer::Unknown)
    for (const auto& f : d.checkpoint.liver_function.obtain) add(f, "checkpoint: liver function");
  for (const auto& def : d.refractoriness)
    if (def.status == RefractorinessStatus::InsufficientData)
      for (const auto& f : def.missing) add(f, definition_display_name(def.id));
  if (!d.therapy.supportive_care_only)
    for (const auto& o : d.therapy.options)
      if (o.status == OptionStatus::NeedsPrerequisite)
        for (const auto& f : o.prerequisites) add(f, o.regimen ? std::string(o.regimen->name) : "a regimen", true);
  // Most decisions first; ties keep the order above (checkpoint, definitions, therapy).
  std::stable_sort(items.begin(), items.end(),
                   [](const ObtainItem& a, const ObtainItem& b) { return a.decisions() > b.decisions(); });
  return items;
}

std::string would_settle(const ObtainItem& item) {
  std::vector<std::string> parts = item.unlocks;
  if (item.regimens.size() > 2) parts.push_back(fmt::format("{} systemic regimens", item.regimens.size()));
  else
    for (const auto& r : item.regimens) parts.push_back(r);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return "would settle: " + out;
}

}  // namespace switchpoint
