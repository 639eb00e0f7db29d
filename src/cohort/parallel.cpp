#include "cohort/parallel.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace switchpoint::cohort {

void Progress::phase(std::string label, std::uint64_t total, std::string unit, double scale) {
  if (!enabled_) return;
  finish();
  {
    std::lock_guard lock(mutex_);
    label_ = std::move(label);
    unit_ = std::move(unit);
    scale_ = scale;
    total_ = total;
    done_ = 0;
  }
  ticker_ = std::jthread([this](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      draw(false);
      for (int i = 0; i < 20 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

void Progress::finish() {
  if (!enabled_ || !ticker_.joinable()) return;
  ticker_.request_stop();
  ticker_.join();
  draw(true);
}

void Progress::draw(bool last) {
  std::lock_guard lock(mutex_);
  const std::uint64_t done = std::min(done_.load(std::memory_order_relaxed), total_);
  const double f = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(f * kWidth);
  const std::string bar =
      std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), ' ');
  std::string line = fmt::format("\r[{}] {:3.0f}%  {} {:.0f}/{:.0f}{}", bar, 100 * f, label_,
                                 static_cast<double>(done) / scale_, static_cast<double>(total_) / scale_, unit_);
  if (last) line += "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace switchpoint::cohort
