// libFuzzer target: the CDS Hooks JWT check (server/jwt.h, server/cds_auth.h) with a fixed JWK Set
// — an EC P-384 and an RSA 2048 key made once per process — and a fixed clock. The first byte picks
// what the rest of the input is:
//   0: the token itself (Authorization: Bearer <rest>): structure, base64url, header, claims,
//      signature, policy;
//   1, 2: "<header JSON>\n<payload JSON>", signed here with the EC (ES384) or RSA (RS384) key, so
//      that the claim checks after a valid signature (aud, exp, iat, nbf, lifetime, sub, replay)
//      see fuzzed values too;
//   3: a JWK Set (what an allowlisted jku URL may answer), parsed with parse_jwks.
// Issuer A's keys come from a jwks_file, issuer B's from its jku (a stub answering the same set).
// Each input gets a fresh authenticator, so that the replay store does not carry state between
// inputs. Invariant: a token is accepted only when it parses, its signature verifies with the key
// of its kid, and its issuer is one of the two.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "fuzz/harness.h"
#include "fuzz/temp_file.h"
#include "server/cds_auth.h"
#include "server/crypto.h"
#include "server/jwt.h"

namespace switchpoint::fuzz {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kAud = "https://cds.example.org/cds-services/switchpoint-patient-view";
constexpr const char* kIssuerA = "https://ehr-a.example.org";
constexpr const char* kIssuerB = "https://ehr-b.example.org";
constexpr const char* kJkuB = "https://ehr-b.example.org/jwks.json";

using Key = std::shared_ptr<EVP_PKEY>;

std::string bn_param(EVP_PKEY* k, const char* name) {
  BIGNUM* b = nullptr;
  EVP_PKEY_get_bn_param(k, name, &b);
  std::string out(static_cast<std::size_t>(BN_num_bytes(b)), '\0');
  BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(b);
  return out;
}

// The JWS signature over `input` (R || S for ES384).
std::string sign(EVP_PKEY* key, bool ec, const std::string& input) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t len = 0;
  EVP_DigestSignInit(md, nullptr, EVP_sha384(), nullptr, key);
  EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  EVP_MD_CTX_free(md);
  if (!ec) return sig;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  std::string raw(96, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 48, 48);
  ECDSA_SIG_free(es);
  return raw;
}

struct Fixture {
  Key ec{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), EVP_PKEY_free};
  Key rsa{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)), EVP_PKEY_free};
  std::string jwks;
  TempFile jwks_file{".json"};
  CdsConfig config;
  jwt::JwkSet keys;

  Fixture() {
    unsigned char pub[200];
    std::size_t len = 0;
    EVP_PKEY_get_octet_string_param(ec.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &len);
    const std::string point(reinterpret_cast<const char*>(pub), len);  // 0x04 || x || y
    jwks = R"({"keys":[{"kty":"EC","crv":"P-384","use":"sig","alg":"ES384","kid":"ec-1","x":")" +
           crypto::base64url_encode(point.substr(1, 48)) + R"(","y":")" +
           crypto::base64url_encode(point.substr(49, 48)) +
           R"("},{"kty":"RSA","use":"sig","alg":"RS384","kid":"rsa-1","n":")" +
           crypto::base64url_encode(bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
           crypto::base64url_encode(bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_E)) + R"("}]})";
    jwks_file.write(reinterpret_cast<const std::uint8_t*>(jwks.data()), jwks.size());
    config.public_base_url = "https://cds.example.org";
    CdsIssuer a;
    a.iss = kIssuerA;
    a.jwks_file = jwks_file.path();
    CdsIssuer b;
    b.iss = kIssuerB;
    b.jku = {kJkuB};
    b.sub = {"ehr-b-client"};
    config.issuers = {a, b};
    config.replay_capacity = 4;
    std::string why;
    keys = *jwt::parse_jwks(jwks, &why);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

}  // namespace

int jwt(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Fixture& f = fixture();
  const int mode = data[0] % 4;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 3) {
    std::string why;
    const auto set = jwt::parse_jwks(rest, &why);
    SWITCHPOINT_FUZZ_CHECK(set.has_value() == why.empty());
    return 0;
  }
  std::string token = rest;
  if (mode != 0) {
    const auto nl = rest.find('\n');
    if (nl == std::string::npos) return 0;
    const std::string input =
        crypto::base64url_encode(rest.substr(0, nl)) + "." + crypto::base64url_encode(rest.substr(nl + 1));
    token = input + "." + crypto::base64url_encode(sign(mode == 1 ? f.ec.get() : f.rsa.get(), mode == 1, input));
  }
  HttpGet get = [](const std::string& url, const std::vector<std::string>&, const FetchLimits&) {
    FetchResult r;
    if (url == kJkuB) {
      r.ok = true;
      r.status = 200;
      r.body = fixture().jwks;
    }
    return r;
  };
  const jwt::ParseResult parsed = jwt::parse(token);
  if (!parsed.token) {
    // Refused before any key, fetch or replay-store use: one authenticator serves all such inputs.
    static CdsAuthenticator shared(f.config, get, [] { return kNow; });
    static const bool loaded = shared.load(nullptr);
    SWITCHPOINT_FUZZ_CHECK(loaded);
    const AuthResult a = shared.authenticate("Bearer " + token, kAud);
    // (Headers over 16 KiB are refused before parsing, as malformed.)
    SWITCHPOINT_FUZZ_CHECK(!a.ok && (a.failure == parsed.failure || token.size() > 16 * 1024 - 7));
    return 0;
  }
  CdsAuthenticator auth(f.config, get, [] { return kNow; });
  std::string error;
  SWITCHPOINT_FUZZ_CHECK(auth.load(&error));
  const AuthResult a = auth.authenticate("Bearer " + token, kAud);
  if (a.ok) {
    SWITCHPOINT_FUZZ_CHECK(parsed.token.has_value());
    SWITCHPOINT_FUZZ_CHECK(a.issuer == kIssuerA || a.issuer == kIssuerB);
    // Accepted once; the same token again is a replay.
    SWITCHPOINT_FUZZ_CHECK(!auth.authenticate("Bearer " + token, kAud).ok);
  }
  if (parsed.token)
    if (const jwt::Jwk* k = f.keys.find(parsed.token->header.kid)) (void)jwt::verify_signature(*parsed.token, *k);
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(jwt)
