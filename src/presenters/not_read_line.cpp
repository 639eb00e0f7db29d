#include "presenters/not_read_line.h"

#include <fmt/format.h>

namespace switchpoint {

std::string not_read_line(const std::vector<NotRead>& entries, std::size_t max_entries, const Escaper& escape) {
  if (entries.empty()) return "";
  const long n = total_not_read(entries);
  std::string out = fmt::format("not read: {} resource{} (", n, n == 1 ? "" : "s");
  std::size_t shown = 0;
  for (const auto& e : entries) {
    if (shown == max_entries) break;
    out += (shown == 0 ? "" : "; ") + escape(describe_not_read(e));
    ++shown;
  }
  if (shown < entries.size()) out += fmt::format("; … and {} more", entries.size() - shown);
  out += ")";
  return out;
}

std::vector<std::pair<std::string, int>> other_skipped(const std::map<std::string, int>& skipped,
                                                       const std::vector<NotRead>& entries) {
  std::map<std::string, int> left;
  // "used: diagnosis" says a resource was read (the HCC diagnosis): not something left unread.
  for (const auto& [k, n] : skipped)
    if (!k.starts_with("used:")) left.emplace(k, n);
  for (const auto& e : entries)
    if (auto it = left.find(e.key); it != left.end()) {
      it->second -= e.count;
      if (it->second <= 0) left.erase(it);
    }
  return {left.begin(), left.end()};
}

}  // namespace switchpoint
