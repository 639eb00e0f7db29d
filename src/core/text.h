#pragma once
// Text helpers shared by the core and its adapters (header-only: no clock, locale or environment).
#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint {

// fmt::format for the core's compiled format strings (FMT_COMPILE), with the same text: written
// into a buffer on the stack and copied into the result once. fmt::format appends to the result
// string piece by piece, and the string reallocated as it grew, two or three times for a sentence
// (issue 16: a fifth of the engine's allocations in Detail::Full).
template <typename CompiledFormat, typename... Args>
std::string format_text(const CompiledFormat& format, const Args&... args) {
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), format, args...);
  return std::string(buf.data(), buf.size());
}

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
