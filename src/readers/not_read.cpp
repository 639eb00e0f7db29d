#include "readers/not_read.h"

#include <algorithm>

namespace switchpoint {

void NotReadCounter::add(NotRead e, int n) {
  auto& [count, display] = counts_[Key{e.system, e.code, e.reason, e.resource, e.key}];
  count += n;
  if (!e.display.empty() && (display.empty() || e.display < display)) display = std::move(e.display);
}

namespace {
bool before(const NotRead& a, const NotRead& b) {
  if (a.count != b.count) return a.count > b.count;
  return std::tie(a.system, a.code, a.display, a.reason, a.resource, a.key) <
         std::tie(b.system, b.code, b.display, b.reason, b.resource, b.key);
}
}  // namespace

std::vector<NotRead> NotReadCounter::sorted() const {
  std::vector<NotRead> out;
  out.reserve(counts_.size());
  for (const auto& [k, v] : counts_)
    out.push_back({std::get<3>(k), std::get<0>(k), std::get<1>(k), v.second, std::get<2>(k), v.first, std::get<4>(k)});
  std::stable_sort(out.begin(), out.end(), before);
  return out;
}

void merge_not_read(std::vector<NotRead>& into, const std::vector<NotRead>& more) {
  NotReadCounter c;
  for (const auto& e : into) c.add(e, e.count);
  for (const auto& e : more) c.add(e, e.count);
  into = c.sorted();
}

}  // namespace switchpoint
