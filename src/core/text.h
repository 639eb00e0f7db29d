#pragma once
// Text helpers shared by the core and its adapters (header-only: no clock, locale or environment).
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint {

// The items separated by `sep`, with the project's one rule for empty items: no separator is
// written while the text is still empty (so leading empty items vanish; fmt::join would write
// "; a" for {"", "a"}). `each` maps an item to its text (escaping, for the text presenter).
template <typename Each>
std::string join(const std::vector<std::string>& items, std::string_view sep, Each each) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += each(item);
  }
  return out;
}
inline std::string join(const std::vector<std::string>& items, std::string_view sep = "; ") {
  return join(items, sep, [](const std::string& s) -> const std::string& { return s; });
}

}  // namespace switchpoint
