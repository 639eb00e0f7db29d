#include "server/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <simdjson.h>

#include <cmath>
#include <set>

#include "server/crypto.h"

namespace switchpoint::jwt {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

// A JSON object whose members are all distinct (RFC 7515 §5.2 allows rejecting duplicates; a
// parser that kept the first and one that kept the last would disagree about the token).
std::optional<object> unique_object(simdjson::dom::parser& parser, std::string_view json) {
  element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) return std::nullopt;
  object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
  std::set<std::string_view> seen;
  for (auto field : o)
    if (!seen.insert(field.key).second) return std::nullopt;
  return o;
}

// nullopt when absent; *bad when present with another type.
std::optional<std::string> string_member(object o, std::string_view key, bool& bad) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    bad = true;
    return std::nullopt;
  }
  return std::string(s);
}

// NumericDate (RFC 7519 §2): a JSON number of seconds; fractions are cut. Within ±10^15 s (some
// 30 million years), whether written as an integer or not: the checks add the clock skew and
// subtract iat from exp, which must not overflow (exp = 2^63 − 1 did, found by fuzz/jwt_fuzz).
std::optional<std::int64_t> time_member(object o, std::string_view key, bool& bad) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  constexpr std::int64_t kLimit = 1'000'000'000'000'000;
  std::int64_t i = 0;
  if (e.get_int64().get(i) == simdjson::SUCCESS) {
    if (i > -kLimit && i < kLimit) return i;
    bad = true;
    return std::nullopt;
  }
  double d = 0;
  if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d > -1e15 && d < 1e15)
    return static_cast<std::int64_t>(std::floor(d));
  bad = true;
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::shared_ptr<EVP_PKEY> result;
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1)
    result = own(pkey);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!result) return nullptr;
  // The point must be on the curve (and an RSA key well formed) before it is trusted.
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, result.get(), nullptr);
  const bool ok = check && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  return ok ? result : nullptr;
}

std::shared_ptr<EVP_PKEY> ec_p384_key(const std::string& x, const std::string& y) {
  std::string point = "\x04" + x + y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) return nullptr;
  std::shared_ptr<EVP_PKEY> key;
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
    key = from_params("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return key;
}

std::shared_ptr<EVP_PKEY> rsa_key(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
    key = from_params("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

std::optional<Alg> parse_alg(std::string_view s) {
  if (s == "ES384") return Alg::ES384;
  if (s == "RS384") return Alg::RS384;
  return std::nullopt;
}

bool digest_verify(EVP_PKEY* key, std::string_view input, const unsigned char* sig, std::size_t sig_len) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestVerifyInit(md, nullptr, EVP_sha384(), nullptr, key) == 1 &&
            EVP_DigestVerify(md, sig, sig_len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

}  // namespace

std::string_view to_string(Alg a) { return a == Alg::ES384 ? "ES384" : "RS384"; }

std::string_view to_string(Failure f) {
  switch (f) {
    case Failure::Malformed:
      return "malformed";
    case Failure::Algorithm:
      return "algorithm";
    case Failure::Crit:
      return "crit";
    case Failure::Claims:
      return "claims";
    case Failure::Issuer:
      return "issuer";
    case Failure::Jku:
      return "jku";
    case Failure::Jwks:
      return "jwks";
    case Failure::Key:
      return "key";
    case Failure::Signature:
      return "signature";
    case Failure::Audience:
      return "audience";
    case Failure::Expired:
      return "expired";
    case Failure::NotYetValid:
      return "not_yet_valid";
    case Failure::Lifetime:
      return "lifetime";
    case Failure::Replay:
      return "replay";
    case Failure::ReplayStoreFull:
      return "replay_store_full";
  }
  return "unknown";
}

const Jwk* JwkSet::find(std::string_view kid) const {
  for (const auto& k : keys)
    if (k.kid == kid) return &k;
  return nullptr;
}

std::optional<JwkSet> parse_jwks(std::string_view json, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<JwkSet> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  simdjson::dom::parser parser;
  auto root = unique_object(parser, json);
  if (!root) return fail("not a JSON object (or a member appears twice)");
  simdjson::dom::array keys;
  if (root->at_key("keys").get_array().get(keys) != simdjson::SUCCESS) return fail("no \"keys\" array");
  JwkSet set;
  std::set<std::string> kids;
  std::size_t index = 0;
  for (element k : keys) {
    const std::string where = "key " + std::to_string(index++);
    object o;
    if (k.get_object().get(o) != simdjson::SUCCESS) return fail(where + ": not an object");
    bool bad = false;
    const auto kty = string_member(o, "kty", bad);
    const auto kid = string_member(o, "kid", bad);
    const auto use = string_member(o, "use", bad);
    const auto alg = string_member(o, "alg", bad);
    if (bad) return fail(where + ": a member of the wrong type");
    element unused;
    if (o.at_key("d").get(unused) == simdjson::SUCCESS) return fail(where + ": a private key in a public key set");
    if (!kid || kid->empty()) {
      set.skipped.push_back(where + ": no kid");
      continue;
    }
    if (use && *use != "sig") {
      set.skipped.push_back(where + ": use " + *use);
      continue;
    }
    simdjson::dom::array ops;
    if (o.at_key("key_ops").get_array().get(ops) == simdjson::SUCCESS) {
      bool verify = false;
      for (element op : ops) {
        std::string_view s;
        if (op.get_string().get(s) == simdjson::SUCCESS && s == "verify") verify = true;
      }
      if (!verify) {
        set.skipped.push_back(where + ": key_ops without verify");
        continue;
      }
    }
    Jwk jwk;
    jwk.kid = *kid;
    if (kty == "EC") {
      const auto crv = string_member(o, "crv", bad);
      if (crv != "P-384") {
        set.skipped.push_back(where + ": EC curve " + crv.value_or("(none)"));
        continue;
      }
      const auto x = string_member(o, "x", bad), y = string_member(o, "y", bad);
      const auto xb = x ? crypto::base64url_decode(*x) : std::nullopt;
      const auto yb = y ? crypto::base64url_decode(*y) : std::nullopt;
      if (!xb || !yb || xb->size() != 48 || yb->size() != 48)
        return fail(where + ": x and y must be 48-byte base64url");
      jwk.alg = Alg::ES384;
      jwk.key = ec_p384_key(*xb, *yb);
      if (!jwk.key) return fail(where + ": the point is not on P-384");
    } else if (kty == "RSA") {
      const auto n = string_member(o, "n", bad), e = string_member(o, "e", bad);
      const auto nb = n ? crypto::base64url_decode(*n) : std::nullopt;
      const auto eb = e ? crypto::base64url_decode(*e) : std::nullopt;
      if (!nb || !eb || nb->empty() || eb->empty() || eb->size() > 8)
        return fail(where + ": n and e must be base64url");
      jwk.alg = Alg::RS384;
      jwk.key = rsa_key(*nb, *eb);
      if (!jwk.key) return fail(where + ": not a valid RSA public key");
      if (EVP_PKEY_get_bits(jwk.key.get()) < 2048) return fail(where + ": RSA modulus under 2048 bits");
    } else {
      set.skipped.push_back(where + ": kty " + kty.value_or("(none)"));
      continue;
    }
    if (alg && parse_alg(*alg) != jwk.alg) {
      set.skipped.push_back(where + ": alg " + *alg + " is not allowed for this key");
      continue;
    }
    if (!kids.insert(jwk.kid).second) return fail(where + ": kid appears twice in the set");
    set.keys.push_back(std::move(jwk));
  }
  return set;
}

ParseResult parse(std::string_view compact) {
  ParseResult r;
  const auto dot1 = compact.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) return r;
  const auto header_b64 = compact.substr(0, dot1);
  const auto payload_b64 = compact.substr(dot1 + 1, dot2 - dot1 - 1);
  const auto sig_b64 = compact.substr(dot2 + 1);
  if (header_b64.empty() || payload_b64.empty() || sig_b64.empty()) return r;
  const auto header_json = crypto::base64url_decode(header_b64);
  const auto payload_json = crypto::base64url_decode(payload_b64);
  const auto sig = crypto::base64url_decode(sig_b64);
  if (!header_json || !payload_json || !sig) return r;

  simdjson::dom::parser parser;
  Token t;
  {
    auto h = unique_object(parser, *header_json);
    if (!h) return r;
    bool bad = false;
    const auto alg = string_member(*h, "alg", bad);
    const auto kid = string_member(*h, "kid", bad);
    const auto typ = string_member(*h, "typ", bad);
    t.header.jku = string_member(*h, "jku", bad);
    if (bad) return r;
    element unused;
    if (!alg) {
      r.failure = Failure::Claims;
      return r;
    }
    const auto a = parse_alg(*alg);
    if (!a) {  // none, HS256/384/512, RS256, ES256, PS384, … : never
      r.failure = Failure::Algorithm;
      return r;
    }
    t.header.alg = *a;
    if (h->at_key("crit").get(unused) == simdjson::SUCCESS) {
      r.failure = Failure::Crit;
      return r;
    }
    if (!kid || kid->empty() || !typ || !iequals(*typ, "JWT")) {
      r.failure = Failure::Claims;
      return r;
    }
    t.header.kid = *kid;
  }
  {
    auto p = unique_object(parser, *payload_json);
    if (!p) return r;
    bool bad = false;
    const auto iss = string_member(*p, "iss", bad);
    t.claims.sub = string_member(*p, "sub", bad);
    const auto jti = string_member(*p, "jti", bad);
    t.claims.tenant = string_member(*p, "tenant", bad);
    const auto exp = time_member(*p, "exp", bad);
    const auto iat = time_member(*p, "iat", bad);
    t.claims.nbf = time_member(*p, "nbf", bad);
    element aud;
    if (p->at_key("aud").get(aud) == simdjson::SUCCESS) {
      std::string_view s;
      simdjson::dom::array list;
      if (aud.get_string().get(s) == simdjson::SUCCESS) t.claims.aud.emplace_back(s);
      else if (aud.get_array().get(list) == simdjson::SUCCESS) {
        for (element a : list) {
          if (a.get_string().get(s) != simdjson::SUCCESS) bad = true;
          else t.claims.aud.emplace_back(s);
        }
      } else bad = true;
    }
    if (bad || !iss || iss->empty() || !jti || jti->empty() || jti->size() > 256 || !exp || !iat ||
        t.claims.aud.empty()) {
      r.failure = Failure::Claims;
      return r;
    }
    t.claims.iss = *iss;
    t.claims.jti = *jti;
    t.claims.exp = *exp;
    t.claims.iat = *iat;
  }
  t.signing_input = std::string(compact.substr(0, dot2));
  t.signature = *sig;
  r.token = std::move(t);
  return r;
}

bool verify_signature(const Token& t, const Jwk& key) {
  if (!key.key || t.header.alg != key.alg) return false;
  const auto* sig = reinterpret_cast<const unsigned char*>(t.signature.data());
  if (key.alg == Alg::RS384) {
    if (!EVP_PKEY_is_a(key.key.get(), "RSA")) return false;
    if (t.signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.key.get()))) return false;
    return digest_verify(key.key.get(), t.signing_input, sig, t.signature.size());
  }
  // ES384: the JWS signature is R || S, 48 bytes each (RFC 7518 §3.4); OpenSSL wants DER.
  if (!EVP_PKEY_is_a(key.key.get(), "EC") || t.signature.size() != 96) return false;
  ECDSA_SIG* es = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(sig, 48, nullptr);
  BIGNUM* s = BN_bin2bn(sig + 48, 48, nullptr);
  if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(es, &der);
  const bool ok = der_len > 0 && digest_verify(key.key.get(), t.signing_input, der, static_cast<std::size_t>(der_len));
  OPENSSL_free(der);
  ECDSA_SIG_free(es);
  return ok;
}

}  // namespace switchpoint::jwt
