#pragma once
// CDS Hooks configuration and the check every CDS request passes: the EHR's JWT (Authorization:
// Bearer), verified against the issuer allowlist and its JWK Set (a file, or an allowlisted jku
// fetched and cached), aud equal to the endpoint's exact URL, exp/iat within a small clock skew,
// and a jti never seen before (remembered in memory, bounded, for the token's lifetime, itself
// capped at one hour). The failure kind is for /metrics; the client is told only 401.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/cds_fetch.h"
#include "server/jwt.h"

namespace switchpoint {

struct CdsIssuer {
  std::string iss;
  std::optional<std::string> jwks_file;  // read at start-up
  std::vector<std::string> jku;          // JWK Set URLs this issuer may name in its tokens' jku
  std::vector<std::string> sub;          // when not empty, the only accepted sub values
};

struct CdsConfig {
  std::string public_base_url;   // "https://cds.example.org": aud = this + the request path
  std::string smart_launch_url;  // the web page, launched as a SMART app from cards
  std::vector<CdsIssuer> issuers;
  int clock_skew_s = 60;
  int max_token_lifetime_s = 3600;  // exp − iat and exp − now beyond this: refused (replay window)
  int jwks_cache_s = 300;
  std::size_t replay_capacity = 1'000'000;
  int fhir_timeout_ms = 5000;  // whole budget for fetching from an EHR's FHIR server
  int report_ttl_s = 86400;    // how long a card's report link works
  std::string report_secret;   // HMAC key of report links (raw bytes); random when empty
};

// Parses the --cds-config JSON (docs/cds-hooks.md). Relative jwks_file paths are taken from
// `base_dir`. nullopt with *error naming the problem.
std::optional<CdsConfig> parse_cds_config(std::string_view json, const std::string& base_dir, std::string* error);

// A bounded set of (iss, jti) seen, each forgotten after its expiry.
class ReplayStore {
 public:
  enum class Insert { New, Replay, Full };
  explicit ReplayStore(std::size_t capacity) : capacity_(capacity) {}
  Insert insert(const std::string& key, std::int64_t forget_after, std::int64_t now);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::size_t capacity_;
  std::unordered_map<std::string, std::int64_t> seen_;
  std::priority_queue<std::pair<std::int64_t, std::string>, std::vector<std::pair<std::int64_t, std::string>>,
                      std::greater<>>
      expiry_;
};

struct AuthResult {
  bool ok = false;
  jwt::Failure failure = jwt::Failure::Malformed;
  bool missing = false;  // no Authorization: Bearer header at all
  std::string issuer;    // for the audit log (never the token)
};

class CdsAuthenticator {
 public:
  using Clock = std::function<std::int64_t()>;  // seconds since the epoch
  CdsAuthenticator(CdsConfig config, HttpGet get, Clock now);
  // Loads every issuer's jwks_file. False (and *error) when one cannot be read or parsed.
  bool load(std::string* error);
  AuthResult authenticate(std::string_view authorization_header, const std::string& expected_aud);
  const CdsConfig& config() const { return config_; }

 private:
  struct JkuEntry {
    std::shared_ptr<const jwt::JwkSet> set;
    std::int64_t fetched = 0;
    std::int64_t attempted = 0;
  };
  std::shared_ptr<const jwt::JwkSet> jku_keys(const std::string& url, const std::string& kid);

  CdsConfig config_;
  HttpGet get_;
  Clock now_;
  std::map<std::string, std::shared_ptr<const jwt::JwkSet>> file_keys_;  // by iss
  std::mutex jku_mu_;
  std::mutex jku_fetch_mu_;
  std::map<std::string, JkuEntry> jku_cache_;
  ReplayStore replay_;
};

}  // namespace switchpoint
