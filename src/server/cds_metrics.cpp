#include "server/cds_metrics.h"

#include <fmt/format.h>

namespace switchpoint {

std::string_view to_string(Route r) {
  switch (r) {
    case Route::Discovery:
      return "cds_discovery";
    case Route::PatientView:
      return "cds_patient_view";
    case Route::TaceOrder:
      return "cds_tace_order";
    case Route::Feedback:
      return "cds_feedback";
    case Route::Report:
      return "report";
    case Route::ApiEvaluate:
      return "api_evaluate";
    case Route::Health:
      return "healthz";
    case Route::Metrics:
      return "metrics";
    case Route::Static:
      return "static";
    case Route::Other:
      return "other";
    case Route::CorsPreflight:
      return "cors_preflight";
  }
  return "other";
}

Route route_of(std::string_view method, std::string_view path) {
  if (method == "OPTIONS" && (path == "/cds-services" || path.starts_with("/cds-services/")))
    return Route::CorsPreflight;
  if (path == "/cds-services" || path == "/cds-services/") return Route::Discovery;
  if (path.starts_with("/cds-services/")) {
    if (path.ends_with("/feedback")) return Route::Feedback;
    if (path == "/cds-services/switchpoint-patient-view") return Route::PatientView;
    if (path == "/cds-services/switchpoint-tace-order") return Route::TaceOrder;
    return Route::Other;
  }
  if (path.starts_with("/report/")) return Route::Report;
  if (path == "/api/evaluate") return Route::ApiEvaluate;
  if (path == "/healthz") return Route::Health;
  if (path == "/metrics") return Route::Metrics;
  if (method == "GET") return Route::Static;
  return Route::Other;
}

MetricsRegistry::MetricsRegistry() = default;

void MetricsRegistry::observe(Route route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[static_cast<std::size_t>(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void MetricsRegistry::error(std::string_view kind) {
  std::lock_guard lock(mu_);
  ++errors_[std::string(kind)];
}

std::uint64_t MetricsRegistry::errors(std::string_view kind) const {
  std::lock_guard lock(mu_);
  auto it = errors_.find(std::string(kind));
  return it == errors_.end() ? 0 : it->second;
}

void MetricsRegistry::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string MetricsRegistry::render() const {
  std::vector<Gauge> gauges;
  std::string out;
  {
    std::lock_guard lock(mu_);
    gauges = gauges_;
    out += "# HELP switchpoint_http_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE switchpoint_http_requests_total counter\n";
    for (const auto& [key, n] : requests_)
      out += fmt::format("switchpoint_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", to_string(key.first),
                         key.second, n);
    out +=
        "# HELP switchpoint_http_request_duration_seconds Time from the first byte of a request to its response "
        "written.\n";
    out += "# TYPE switchpoint_http_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r < kRouteCount; ++r) {
      const Histogram& h = latency_[r];
      if (h.count == 0) continue;
      const auto name = to_string(static_cast<Route>(r));
      for (std::size_t i = 0; i < kBuckets.size(); ++i)
        out += fmt::format("switchpoint_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", name,
                           kBuckets[i], h.buckets[i]);
      out += fmt::format("switchpoint_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", name,
                         h.count);
      out += fmt::format("switchpoint_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", name, h.sum);
      out += fmt::format("switchpoint_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", name, h.count);
    }
    out += "# HELP switchpoint_errors_total Refused or failed requests, by kind (auth_* are JWT checks).\n";
    out += "# TYPE switchpoint_errors_total counter\n";
    for (const auto& [kind, n] : errors_) out += fmt::format("switchpoint_errors_total{{kind=\"{}\"}} {}\n", kind, n);
  }
  for (const auto& g : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", g.name, g.help, g.name);
    out += fmt::format("{} {}\n", g.name, g.read());
  }
  return out;
}

}  // namespace switchpoint
