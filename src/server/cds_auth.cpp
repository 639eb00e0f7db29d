#include "server/cds_auth.h"

#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>

namespace switchpoint {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

std::string strip_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::optional<CdsConfig> parse_cds_config(std::string_view json, const std::string& base_dir, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<CdsConfig> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) return fail("not valid JSON");
  simdjson::dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return fail("not a JSON object");
  CdsConfig c;
  static const std::set<std::string_view> kKnown = {
      "public_base_url",    "smart_launch_url", "issuers",         "clock_skew_seconds", "max_token_lifetime_seconds",
      "jwks_cache_seconds", "replay_capacity",  "fhir_timeout_ms", "report_ttl_seconds", "report_secret_file"};
  for (auto field : o)
    if (!kKnown.count(field.key)) return fail("unknown member \"" + std::string(field.key) + "\"");

  auto str = [&](simdjson::dom::object obj, std::string_view key, std::string& out) -> bool {
    simdjson::dom::element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS) return true;
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
    out = std::string(s);
    return true;
  };
  auto num = [&](std::string_view key, long min, long max, auto& out) -> bool {
    simdjson::dom::element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return true;
    std::int64_t v = 0;
    if (e.get_int64().get(v) != simdjson::SUCCESS || v < min || v > max) return false;
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    return true;
  };
  if (!str(o, "public_base_url", c.public_base_url)) return fail("public_base_url must be a non-empty string");
  c.public_base_url = strip_trailing_slash(c.public_base_url);
  if (!c.public_base_url.empty() && !fetch_url_allowed(c.public_base_url))
    return fail("public_base_url must be https (or http on a loopback address)");
  if (!str(o, "smart_launch_url", c.smart_launch_url)) return fail("smart_launch_url must be a non-empty string");
  if (!num("clock_skew_seconds", 0, 600, c.clock_skew_s)) return fail("clock_skew_seconds must be 0–600");
  if (!num("max_token_lifetime_seconds", 60, 3600, c.max_token_lifetime_s))
    return fail("max_token_lifetime_seconds must be 60–3600 (the replay window is one hour)");
  if (!num("jwks_cache_seconds", 0, 86400, c.jwks_cache_s)) return fail("jwks_cache_seconds must be 0–86400");
  if (!num("replay_capacity", 1000, 100'000'000, c.replay_capacity)) return fail("replay_capacity must be 1000–1e8");
  if (!num("fhir_timeout_ms", 100, 60'000, c.fhir_timeout_ms)) return fail("fhir_timeout_ms must be 100–60000");
  if (!num("report_ttl_seconds", 60, 30L * 86400, c.report_ttl_s))
    return fail("report_ttl_seconds must be 60 s–30 days");
  std::string secret_file;
  if (!str(o, "report_secret_file", secret_file)) return fail("report_secret_file must be a non-empty string");
  if (!secret_file.empty()) {
    auto secret = read_file(resolve(base_dir, secret_file));
    if (!secret || secret->size() < 32) return fail("report_secret_file: cannot read at least 32 bytes");
    c.report_secret = *secret;
  }

  simdjson::dom::array issuers;
  simdjson::dom::element ie;
  if (o.at_key("issuers").get(ie) == simdjson::SUCCESS) {
    if (ie.get_array().get(issuers) != simdjson::SUCCESS) return fail("issuers must be an array");
    std::set<std::string> seen;
    for (simdjson::dom::element e : issuers) {
      simdjson::dom::object io;
      if (e.get_object().get(io) != simdjson::SUCCESS) return fail("each issuer must be an object");
      for (auto field : io)
        if (field.key != "iss" && field.key != "jwks_file" && field.key != "jku" && field.key != "sub")
          return fail("issuer: unknown member \"" + std::string(field.key) + "\"");
      CdsIssuer is;
      if (!str(io, "iss", is.iss) || is.iss.empty()) return fail("issuer: iss must be a non-empty string");
      if (!seen.insert(is.iss).second) return fail("issuer " + is.iss + " listed twice");
      std::string file;
      if (!str(io, "jwks_file", file)) return fail("issuer " + is.iss + ": jwks_file must be a non-empty string");
      if (!file.empty()) is.jwks_file = resolve(base_dir, file);
      for (std::string_view list : {"jku", "sub"}) {
        simdjson::dom::element le;
        if (io.at_key(list).get(le) != simdjson::SUCCESS) continue;
        simdjson::dom::array arr;
        if (le.get_array().get(arr) != simdjson::SUCCESS)
          return fail("issuer " + is.iss + ": " + std::string(list) + " must be an array of strings");
        for (simdjson::dom::element x : arr) {
          std::string_view s;
          if (x.get_string().get(s) != simdjson::SUCCESS || s.empty())
            return fail("issuer " + is.iss + ": " + std::string(list) + " must be an array of strings");
          if (list == "jku" && !fetch_url_allowed(std::string(s)))
            return fail("issuer " + is.iss + ": jku must be https (or http on a loopback address)");
          (list == "jku" ? is.jku : is.sub).emplace_back(s);
        }
      }
      if (!is.jwks_file && is.jku.empty()) return fail("issuer " + is.iss + ": give jwks_file or jku (or both)");
      c.issuers.push_back(std::move(is));
    }
  }
  return c;
}

ReplayStore::Insert ReplayStore::insert(const std::string& key, std::int64_t forget_after, std::int64_t now) {
  std::lock_guard lock(mu_);
  while (!expiry_.empty() && expiry_.top().first < now) {
    auto it = seen_.find(expiry_.top().second);
    if (it != seen_.end() && it->second == expiry_.top().first) seen_.erase(it);
    expiry_.pop();
  }
  if (auto it = seen_.find(key); it != seen_.end()) return Insert::Replay;
  if (seen_.size() >= capacity_) return Insert::Full;
  seen_.emplace(key, forget_after);
  expiry_.emplace(forget_after, key);
  return Insert::New;
}

std::size_t ReplayStore::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

CdsAuthenticator::CdsAuthenticator(CdsConfig config, HttpGet get, Clock now)
    : config_(std::move(config)), get_(std::move(get)), now_(std::move(now)), replay_(config_.replay_capacity) {}

bool CdsAuthenticator::load(std::string* error) {
  for (const auto& is : config_.issuers) {
    if (!is.jwks_file) continue;
    auto text = read_file(*is.jwks_file);
    if (!text) {
      if (error) *error = "issuer " + is.iss + ": cannot read " + *is.jwks_file;
      return false;
    }
    std::string why;
    auto set = jwt::parse_jwks(*text, &why);
    if (!set) {
      if (error) *error = "issuer " + is.iss + ": " + *is.jwks_file + ": " + why;
      return false;
    }
    file_keys_[is.iss] = std::make_shared<const jwt::JwkSet>(std::move(*set));
  }
  return true;
}

std::shared_ptr<const jwt::JwkSet> CdsAuthenticator::jku_keys(const std::string& url, const std::string& kid) {
  const std::int64_t now = now_();
  auto usable = [&](const JkuEntry& e) {
    if (!e.set) return false;
    if (now - e.fetched >= config_.jwks_cache_s) return false;
    // A kid not in the cached set may be a rotated key: look again, at most every 30 s, so that
    // tokens with random kids cannot make us fetch on every request.
    return e.set->find(kid) || now - e.attempted < 30;
  };
  {
    std::lock_guard lock(jku_mu_);
    auto it = jku_cache_.find(url);
    if (it != jku_cache_.end() && usable(it->second)) return it->second.set;
    if (it != jku_cache_.end() && now - it->second.attempted < 5) return it->second.set;  // failing: back off
  }
  std::lock_guard fetch_lock(jku_fetch_mu_);
  {
    std::lock_guard lock(jku_mu_);
    auto it = jku_cache_.find(url);
    if (it != jku_cache_.end() && (usable(it->second) || now - it->second.attempted < 5)) return it->second.set;
  }
  FetchLimits limits;
  limits.total_timeout = std::chrono::milliseconds(3000);
  limits.max_bytes = 256 * 1024;
  const FetchResult r = get_(url, {"Accept: application/json"}, limits);
  std::shared_ptr<const jwt::JwkSet> set;
  if (r.ok && r.status == 200) {
    if (auto parsed = jwt::parse_jwks(r.body, nullptr)) set = std::make_shared<const jwt::JwkSet>(std::move(*parsed));
  }
  std::lock_guard lock(jku_mu_);
  JkuEntry& e = jku_cache_[url];
  e.attempted = now;
  if (set) {
    e.set = set;
    e.fetched = now;
  } else if (e.set && now - e.fetched < config_.jwks_cache_s + 3600) {
    set = e.set;  // the endpoint is down: keep using the last good set for up to an hour past its TTL
  }
  return set;
}

AuthResult CdsAuthenticator::authenticate(std::string_view header, const std::string& expected_aud) {
  AuthResult out;
  // "Bearer" is case-insensitive (RFC 6750 §2.1 / RFC 7235); exactly one space, then the token.
  auto is_bearer = [](std::string_view h) {
    if (h.size() < 8 || h[6] != ' ') return false;
    for (std::size_t i = 0; i < 6; ++i)
      if ((h[i] | 0x20) != "bearer"[i]) return false;
    return true;
  };
  if (!is_bearer(header)) {
    out.missing = header.empty();
    out.failure = jwt::Failure::Malformed;
    return out;
  }
  if (header.size() > 16 * 1024) return out;
  jwt::ParseResult parsed = jwt::parse(header.substr(7));
  if (!parsed.token) {
    out.failure = parsed.failure;
    return out;
  }
  const jwt::Token& t = *parsed.token;
  const CdsIssuer* issuer = nullptr;
  for (const auto& is : config_.issuers)
    if (is.iss == t.claims.iss) issuer = &is;
  if (!issuer) {
    out.failure = jwt::Failure::Issuer;
    return out;
  }
  std::shared_ptr<const jwt::JwkSet> keys;
  if (t.header.jku) {
    bool allowed = false;
    for (const auto& u : issuer->jku) allowed = allowed || u == *t.header.jku;
    if (!allowed) {
      out.failure = jwt::Failure::Jku;
      return out;
    }
    keys = jku_keys(*t.header.jku, t.header.kid);
  } else {
    auto it = file_keys_.find(issuer->iss);
    if (it != file_keys_.end()) keys = it->second;
    else if (issuer->jku.size() == 1)
      keys = jku_keys(issuer->jku.front(), t.header.kid);  // the issuer's one JWK Set URL
  }
  if (!keys) {
    out.failure = jwt::Failure::Jwks;
    return out;
  }
  const jwt::Jwk* key = keys->find(t.header.kid);
  if (!key) {
    out.failure = jwt::Failure::Key;
    return out;
  }
  if (key->alg != t.header.alg) {
    out.failure = jwt::Failure::Algorithm;
    return out;
  }
  if (!jwt::verify_signature(t, *key)) {
    out.failure = jwt::Failure::Signature;
    return out;
  }
  // Only now, with the issuer proven, are the claims worth checking.
  bool aud_ok = false;
  for (const auto& a : t.claims.aud) aud_ok = aud_ok || a == expected_aud;
  if (!aud_ok) {
    out.failure = jwt::Failure::Audience;
    return out;
  }
  const std::int64_t now = now_();
  const std::int64_t skew = config_.clock_skew_s;
  if (now >= t.claims.exp + skew) {
    out.failure = jwt::Failure::Expired;
    return out;
  }
  if (t.claims.iat > now + skew || (t.claims.nbf && *t.claims.nbf > now + skew)) {
    out.failure = jwt::Failure::NotYetValid;
    return out;
  }
  if (t.claims.exp - t.claims.iat > config_.max_token_lifetime_s ||
      t.claims.exp > now + config_.max_token_lifetime_s + skew) {
    out.failure = jwt::Failure::Lifetime;
    return out;
  }
  if (!issuer->sub.empty()) {
    bool sub_ok = false;
    for (const auto& s : issuer->sub) sub_ok = sub_ok || (t.claims.sub && *t.claims.sub == s);
    if (!sub_ok) {
      out.failure = jwt::Failure::Issuer;
      return out;
    }
  }
  // Remembered until the token could no longer be accepted anyway (≤ one hour + skew).
  switch (replay_.insert(t.claims.iss + '\x1f' + t.claims.jti, t.claims.exp + skew, now)) {
    case ReplayStore::Insert::Replay:
      out.failure = jwt::Failure::Replay;
      return out;
    case ReplayStore::Insert::Full:
      out.failure = jwt::Failure::ReplayStoreFull;
      return out;
    case ReplayStore::Insert::New:
      break;
  }
  out.ok = true;
  out.issuer = t.claims.iss;
  return out;
}

}  // namespace switchpoint
