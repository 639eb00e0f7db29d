#pragma once
// Outgoing HTTP GETs of the CDS service (an EHR's FHIR server, an allowlisted jku JWK Set) with
// Debian's libcurl: bounded connect and total time, bounded size, no redirects, and only https —
// or plain http to a loopback address (tests, a local proxy). Nothing here is logged.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace switchpoint {

struct FetchLimits {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds total_timeout{5000};
  std::size_t max_bytes = 16 * 1024 * 1024;
};

struct FetchResult {
  bool ok = false;  // a complete HTTP response arrived (any status)
  long status = 0;
  std::string body;
  std::string error;  // for metrics and operators; never contains the URL's query or a token
};

// https://…, or http:// to 127.0.0.0/8, [::1] or localhost.
bool fetch_url_allowed(const std::string& url);

// The function the service uses; tests may substitute their own.
using HttpGet = std::function<FetchResult(const std::string& url, const std::vector<std::string>& headers,
                                          const FetchLimits& limits)>;
FetchResult curl_get(const std::string& url, const std::vector<std::string>& headers, const FetchLimits& limits);

// curl_global_init, once per process, before threads use curl_get (safe to call repeatedly).
void fetch_global_init();

}  // namespace switchpoint
