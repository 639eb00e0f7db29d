#include "core/obtain.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/engine.h"
#include "core/facts.h"
#include "core/refractoriness/registry.h"
#include "core/text.h"

namespace switchpoint {

std::string definition_display_name(const std::string& id) {
  for (const auto& def : kRefractorinessDefinitions)
    if (def.id == id) return std::string(def.display_name);
  return id;
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

namespace {

// What to record instead of the resource that was not read, in a clinician's words.
std::string_view instead_of(FactKind k) {
  switch (k) {
    case FactKind::Ascites:
      return "record the grade (none, slight or moderate-severe)";
    case FactKind::Encephalopathy:
      return "record the West Haven grade (none, grade 1-2 or grade 3-4)";
    case FactKind::Ecog:
      return "record the ECOG grade (0-5)";
    case FactKind::Coagulation:
      return "send the INR, or the prothrombin-time prolongation over control in seconds";
    case FactKind::Weight:
      return "send the body weight with its unit";
    case FactKind::Varices:
      return "record the endoscopy with the varices' risk grade (none, low risk, high risk untreated, treated)";
    case FactKind::VascularInvasion:
      return "record whether the tumour invades the portal vein (macrovascular invasion)";
    case FactKind::Imaging:
      return "record the finding of the CT/MRI";
    case FactKind::SystemicTherapy:
      return "record the therapy by its RxNorm or ATC ingredient, or as the regimen given";
    default:
      return "send the value with its unit";
  }
}

// The window a fact phrase states ("within 30 days before 2024-04-15", "within 30 days before the
// first TACE (2024-01-10)"): [first, last]; nullopt when the phrase states none.
std::optional<std::pair<Date, Date>> window_of(const std::string& fact) {
  const auto at = fact.find("within ");
  if (at == std::string::npos) return std::nullopt;
  std::size_t i = at + 7;
  int days = 0;
  std::size_t digits = 0;
  for (; i < fact.size() && fact[i] >= '0' && fact[i] <= '9' && digits < 5; ++i, ++digits)
    days = days * 10 + (fact[i] - '0');
  if (digits == 0 || fact.compare(i, 13, " days before ") != 0) return std::nullopt;
  for (std::size_t j = i; j + 10 <= fact.size(); ++j)
    if (fact[j] >= '1' && fact[j] <= '2')
      if (const auto d = Date::parse(std::string_view(fact).substr(j, 10)))
        return std::make_pair(d->plus_days(-days), *d);
  return std::nullopt;
}

}  // namespace

void name_unread(std::vector<ObtainItem>& items, const PatientRecord& r) {
  if (r.unread.empty()) return;
  for (auto& item : items) {
    const auto kinds = facts::kinds_of(item.fact);
    if (kinds.empty()) continue;
    const auto window = window_of(item.fact);
    std::vector<const UnreadEntry*> found;
    for (const auto& u : r.unread) {
      if (std::find(kinds.begin(), kinds.end(), u.fact) == kinds.end()) continue;
      if (window && u.date && (*u.date < window->first || *u.date > window->second)) continue;
      found.push_back(&u);
    }
    if (found.empty()) continue;
    // Most recent first; undated last; then by wording, so that the order of the input never shows.
    std::stable_sort(found.begin(), found.end(), [](const UnreadEntry* a, const UnreadEntry* b) {
      if (a->date != b->date) return !b->date || (a->date && *a->date > *b->date);
      return std::tie(a->what, a->reason) < std::tie(b->what, b->reason);
    });
    for (const auto* u : found) {
      std::string line = u->what + (u->date ? " on " + u->date->iso() : std::string()) + " but not read";
      if (!u->reason.empty()) line += " (" + u->reason + ")";
      if (std::find(item.sent_not_read.begin(), item.sent_not_read.end(), line) == item.sent_not_read.end())
        item.sent_not_read.push_back(std::move(line));
    }
    item.instead = std::string(instead_of(found.front()->fact));
  }
}

std::string not_read_note(const ObtainItem& item) {
  if (item.sent_not_read.empty()) return "";
  constexpr std::size_t kShown = 3;
  std::string out = "sent as ";
  for (std::size_t i = 0; i < item.sent_not_read.size() && i < kShown; ++i)
    out += (i == 0 ? "" : "; ") + item.sent_not_read[i];
  if (item.sent_not_read.size() > kShown)
    out += format_text(FMT_COMPILE("; and {} more"), item.sent_not_read.size() - kShown);
  if (!item.instead.empty()) out += ": " + item.instead;
  return out;
}

std::string would_settle(const ObtainItem& item) {
  std::vector<std::string> parts = item.unlocks;
  if (item.regimens.size() > 2) parts.push_back(format_text(FMT_COMPILE("{} systemic regimens"), item.regimens.size()));
  else
    for (const auto& r : item.regimens) parts.push_back(r);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return "would settle: " + out;
}

}  // namespace switchpoint
