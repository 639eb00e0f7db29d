#include "core/knowledge/catalogue.h"

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchpoint {
namespace {

// Each area keeps its entries in its own file (rules_*.cpp); this joins them once.
std::vector<RuleInfo> build_catalogue() {
  std::vector<RuleInfo> all;
  for (auto part : {score_rules(), refractoriness_rules(), therapy_rules()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace

std::span<const RuleInfo> rule_catalogue() {
  static const std::vector<RuleInfo> all = build_catalogue();
  return all;
}

const RuleInfo& rule(std::string_view id) {
  // Every score, criterion and candidacy result cites its rule: an index, not a scan.
  static const std::unordered_map<std::string_view, const RuleInfo*> index = [] {
    std::unordered_map<std::string_view, const RuleInfo*> m;
    for (const auto& r : rule_catalogue()) m.emplace(r.id, &r);  // the first of a duplicated id, as the scan found
    return m;
  }();
  // Most ids are string literals at the call sites, so the same id comes back from the same
  // address: a small per-thread table indexed by that address answers without hashing (issue 16).
  // An entry is used only when its id equals `id`, so an address reused for another text misses.
  constexpr std::size_t kRecent = 256;
  thread_local std::array<const RuleInfo*, kRecent> recent{};
  const RuleInfo*& slot = recent[(reinterpret_cast<std::uintptr_t>(id.data()) >> 3) % kRecent];
  if (slot != nullptr && slot->id == id) return *slot;
  const auto it = index.find(id);
  if (it == index.end()) throw std::logic_error("unknown rule id: " + std::string(id));
  slot = it->second;
  return *it->second;
}

std::string_view to_string(Grade g) {
  switch (g) {
    case Grade::V:
      return "V";
    case Grade::S:
      return "S";
    case Grade::P:
      return "P";
    case Grade::U:
      return "U";
  }
  return "?";
}

std::string_view to_string(RuleKind k) {
  switch (k) {
    case RuleKind::Score:
      return "score";
    case RuleKind::Response:
      return "response";
    case RuleKind::Candidacy:
      return "candidacy";
    case RuleKind::Definition:
      return "definition";
    case RuleKind::Criterion:
      return "criterion";
    case RuleKind::Checkpoint:
      return "checkpoint";
    case RuleKind::Regimen:
      return "regimen";
    case RuleKind::Alert:
      return "alert";
    case RuleKind::ProjectChoice:
      return "project-choice";
  }
  return "?";
}

}  // namespace switchpoint
