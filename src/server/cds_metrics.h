#pragma once
// /metrics in the Prometheus text format (version 0.0.4): requests by route and status, a
// latency histogram by route, errors by kind, and a few gauges. Routes and kinds are fixed sets
// named by the code, so the label cardinality is bounded; no label carries a path, an id or a
// patient's data.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchpoint {

enum class Route : unsigned char {
  Discovery,
  PatientView,
  TaceOrder,
  Feedback,
  Report,
  ApiEvaluate,
  Health,
  Metrics,
  Static,
  Other,
  CorsPreflight,  // OPTIONS on a CDS endpoint
};
inline constexpr std::size_t kRouteCount = 11;
std::string_view to_string(Route);
Route route_of(std::string_view method, std::string_view path);

class MetricsRegistry {
 public:
  MetricsRegistry();
  void observe(Route route, int status, double seconds);
  void error(std::string_view kind);
  // Gauges read when /metrics is rendered: name, help, value.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;
  std::uint64_t errors(std::string_view kind) const;

 private:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<Route, int>, std::uint64_t> requests_;
  std::array<Histogram, kRouteCount> latency_{};
  std::map<std::string, std::uint64_t> errors_;
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace switchpoint
