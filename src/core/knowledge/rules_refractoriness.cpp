// Catalogue entries for TACE candidacy (§4), refractoriness definitions and criteria (§5) and
// the checkpoint (§6).
#include <array>

#include "core/knowledge/catalogue.h"

namespace switchpoint {
namespace {
using K = RuleKind;
using G = Grade;

constexpr std::array<RuleInfo, 0> kRefractorinessRules{};
}  // namespace

std::span<const RuleInfo> refractoriness_rules() { return kRefractorinessRules; }

}  // namespace switchpoint
