#pragma once
// JSON Web Tokens as the CDS Hooks 2.0 security section uses them ("Trusting CDS Clients"):
// a JWS in compact form, signed by the EHR with ES384 or RS384, its public key in a JWK Set.
//
// Written by hand around OpenSSL 3's EVP API rather than taken from a JOSE library: Debian 12
// ships no C++ JOSE library that covers what is needed here — libcpp-jwt-dev 1.4 (header-only,
// nlohmann) has no JWK Set support, so kid lookup and key import would be ours anyway; the C
// libraries that do (libcjose 0.6, latchset libjose 11, librhonabwy 1.1 on GnuTLS, libjwt 1.10
// without JWKS) each bring their own JSON library and algorithm lists wider than the two the
// policy allows. What is needed is small: strict base64url, two algorithms, EC P-384 and RSA
// public keys from a JWK Set, and a policy (exact alg allowlist, kid lookup, no `none`, no HMAC,
// no `crit`) that would have to be enforced around any library. ~300 lines, tested in
// tests/server/cds_jwt_test.cpp and attacked from outside by tests/cds/.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace switchpoint::jwt {

enum class Alg : unsigned char { ES384, RS384 };
std::string_view to_string(Alg);

// A public verification key of a JWK Set.
struct Jwk {
  std::string kid;
  Alg alg = Alg::ES384;  // from kty/crv (EC P-384 → ES384, RSA → RS384); a JWK "alg" must agree
  std::shared_ptr<EVP_PKEY> key;
};

struct JwkSet {
  std::vector<Jwk> keys;
  std::vector<std::string> skipped;  // why a key was not taken (other kty/crv/use, no kid, …)
  const Jwk* find(std::string_view kid) const;
};

// Parses {"keys": [...]}. Keys of another type or curve, for another use, or without kid are
// skipped with the reason; a private key ("d"), an RSA modulus under 2048 bits, a point not on
// the curve, or two keys with the same kid make the whole set invalid (nullopt, *error says why).
std::optional<JwkSet> parse_jwks(std::string_view json, std::string* error);

struct Header {
  Alg alg = Alg::ES384;
  std::string kid;
  std::optional<std::string> jku;
};

struct Claims {
  std::string iss;
  std::optional<std::string> sub;
  std::vector<std::string> aud;  // a string is read as a list of one
  std::int64_t exp = 0;
  std::int64_t iat = 0;
  std::optional<std::int64_t> nbf;
  std::string jti;
  std::optional<std::string> tenant;
};

// Why a token was refused. The client only ever sees 401; the kind goes to /metrics.
enum class Failure : unsigned char {
  Malformed,    // not three base64url parts, not JSON objects, duplicate member, wrong types
  Algorithm,    // alg other than ES384/RS384 (none, HS256, RS256, …), or not the key's algorithm
  Crit,         // a "crit" header: no extension is understood
  Claims,       // a required claim missing or of the wrong type (iss, aud, exp, iat, jti; typ, kid)
  Issuer,       // iss not on the allowlist, or sub not allowed for it
  Jku,          // jku not allowlisted for the issuer
  Jwks,         // the issuer's JWK Set could not be loaded or fetched
  Key,          // no key with that kid
  Signature,    // the signature does not verify
  Audience,     // aud is not this endpoint's URL
  Expired,      // exp passed (beyond the clock skew)
  NotYetValid,  // iat or nbf in the future (beyond the clock skew)
  Lifetime,     // exp too far ahead: the token would outlive the replay window
  Replay,       // jti seen before
  ReplayStoreFull,
};
std::string_view to_string(Failure);

struct Token {
  Header header;
  Claims claims;
  std::string signing_input;  // base64url(header) "." base64url(payload)
  std::string signature;      // raw bytes
};

// Structure, header and claims, strictly; no signature check, no policy beyond the header's.
// Returns the token or the failure.
struct ParseResult {
  std::optional<Token> token;
  Failure failure = Failure::Malformed;
};
ParseResult parse(std::string_view compact);

// True when `t`'s signature verifies with `key` and t.header.alg is the key's algorithm.
bool verify_signature(const Token& t, const Jwk& key);

}  // namespace switchpoint::jwt
