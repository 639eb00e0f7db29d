#include "core/obtain.h"

#include <algorithm>
#include <map>

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
  auto add = [&](const std::string& fact, const std::string& unlock) {
    auto it = std::find_if(items.begin(), items.end(), [&](const ObtainItem& i) { return i.fact == fact; });
    if (it == items.end()) {
      items.push_back({fact, {}});
      it = items.end() - 1;
    }
    if (std::find(it->unlocks.begin(), it->unlocks.end(), unlock) == it->unlocks.end()) it->unlocks.push_back(unlock);
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
        for (const auto& f : o.prerequisites) add(f, o.regimen ? std::string(o.regimen->name) : "a regimen");
  // Most decisions first; ties keep the order above (checkpoint, definitions, therapy).
  std::stable_sort(items.begin(), items.end(),
                   [](const ObtainItem& a, const ObtainItem& b) { return a.unlocks.size() > b.unlocks.size(); });
  return items;
}

}  // namespace switchpoint
