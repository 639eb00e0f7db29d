#pragma once
// A value the engine asks for several times about one record while one evaluate() runs (Child-Pugh
// per date, the mRECIST response per study): computed once and answered from memory afterwards
// (issue 16). A RecordMemo lives on one thread for one record object, which cannot move or change
// while it lives; calls about another record, or outside its lifetime, compute as usual. A second
// memo for the same record on the same thread is inert (the outer one answers). `Tag` keeps the
// memos of different values apart.
#include <utility>
#include <vector>

#include "core/record.h"

namespace switchpoint {

template <typename Tag, typename Key, typename Value>
class RecordMemo {
 public:
  explicit RecordMemo(const PatientRecord& r) : record_(&r) {
    if (of(r) != nullptr) return;
    active_ = true;
    outer_ = innermost_;
    innermost_ = this;
  }
  ~RecordMemo() {
    if (active_) innermost_ = outer_;
  }
  RecordMemo(const RecordMemo&) = delete;
  RecordMemo& operator=(const RecordMemo&) = delete;

  // The live memo for `r` on this thread, or nullptr.
  static RecordMemo* of(const PatientRecord& r) {
    for (RecordMemo* m = innermost_; m != nullptr; m = m->outer_)
      if (m->record_ == &r) return m;
    return nullptr;
  }

  // The value kept for `key`, or nullptr.
  const Value* find(const Key& key) const {
    for (const auto& [k, v] : kept_)
      if (k == key) return &v;
    return nullptr;
  }

  // compute(r, key), once per key while a memo for `r` lives on this thread.
  template <typename Compute>
  static Value get(const PatientRecord& r, const Key& key, Compute compute) {
    RecordMemo* memo = of(r);
    if (memo == nullptr) return compute(r, key);
    if (const Value* known = memo->find(key)) return *known;
    return memo->kept_.emplace_back(key, compute(r, key)).second;
  }

  // As get(), for a value computed with more or less detail: a kept value answers only when
  // serves(value) holds; otherwise compute(r, key) replaces it. A caller passes a `serves` that
  // accepts a fuller value for a leaner request, never the reverse.
  template <typename Serves, typename Compute>
  static Value get(const PatientRecord& r, const Key& key, Serves serves, Compute compute) {
    RecordMemo* memo = of(r);
    if (memo == nullptr) return compute(r, key);
    for (auto& [k, v] : memo->kept_) {
      if (k != key) continue;
      if (!serves(v)) v = compute(r, key);
      return v;
    }
    return memo->kept_.emplace_back(key, compute(r, key)).second;
  }

 private:
  static inline thread_local RecordMemo* innermost_ = nullptr;
  const PatientRecord* record_;
  bool active_ = false;
  RecordMemo* outer_ = nullptr;
  std::vector<std::pair<Key, Value>> kept_;
};

}  // namespace switchpoint
