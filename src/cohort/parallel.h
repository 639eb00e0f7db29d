#pragma once
// A fixed pool of std::jthread workers taking items by index, and a progress bar on standard
// error for terminals. Results are placed by index, so the number of threads never changes them.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace switchpoint::cohort {

// Calls f(i, worker) for i in [0, n) on `threads` workers (dynamic scheduling). The first
// exception thrown by f is rethrown after every worker has stopped.
template <typename F>
void parallel_for(std::size_t n, int threads, F&& f) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int worker) {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n || failed.load(std::memory_order_relaxed)) return;
      try {
        f(i, worker);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  if (threads <= 1 || n <= 1) {
    work(0);
  } else {
    std::vector<std::jthread> pool;
    const int t = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), n));
    pool.reserve(static_cast<std::size_t>(t));
    for (int w = 0; w < t; ++w) pool.emplace_back(work, w);
  }  // the jthreads join here
  if (error) std::rethrow_exception(error);
}

// "[#########           ] 45%  reading 120/800 MB" redrawn on standard error every 200 ms while
// enabled; nothing at all when disabled (standard error is not a terminal).
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }

  // Starts a phase of `total` units (`unit` as shown, with `scale` units per shown unit).
  void phase(std::string label, std::uint64_t total, std::string unit = "", double scale = 1);
  void advance(std::uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  void finish();

 private:
  void draw(bool last);
  bool enabled_;
  std::atomic<std::uint64_t> done_{0};
  std::uint64_t total_ = 0;
  std::string label_, unit_;
  double scale_ = 1;
  std::mutex mutex_;
  std::jthread ticker_;
};

}  // namespace switchpoint::cohort
