// The JWT checks of CDS Hooks 2.0 "Trusting CDS Clients": strict parsing, ES384/RS384 only,
// JWK Sets, and the authenticator's policy (issuer allowlist, jku allowlist, aud, exp/iat,
// lifetime, sub, jti replay). Keys and tokens are made with OpenSSL in cds_test_support.h.
#include <gtest/gtest.h>

#include <atomic>

#include "cds_test_support.h"
#include "server/cds_auth.h"
#include "server/crypto.h"
#include "server/jwt.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;

TEST(Base64Url, RoundTripAndStrictness) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)})
    EXPECT_EQ(crypto::base64url_decode(crypto::base64url_encode(s)), s);
  EXPECT_EQ(crypto::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(crypto::base64url_decode("Zm9v="));   // padding
  EXPECT_FALSE(crypto::base64url_decode("Zm9v\n"));  // whitespace
  EXPECT_FALSE(crypto::base64url_decode("+/8"));     // base64, not base64url
  EXPECT_FALSE(crypto::base64url_decode("Zm9vY"));   // impossible length (5 mod 4 = 1)
  EXPECT_FALSE(crypto::base64url_decode("Zm9=v"));
  EXPECT_FALSE(crypto::base64url_decode("Zh"));  // "f" is "Zg": unused bits must be zero
  EXPECT_TRUE(crypto::base64url_decode("Zg"));
}

TEST(Uuid, Version5IsDeterministicAndWellFormed) {
  const std::string a = crypto::uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com");
  // RFC 4122 appendix-style check value for the DNS name space (as computed by Python's uuid5).
  EXPECT_EQ(a, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  EXPECT_TRUE(crypto::is_uuid(a));
  EXPECT_FALSE(crypto::is_uuid("2ed6657d-e927-568b-95e1-2665a8aea6a"));
  EXPECT_FALSE(crypto::is_uuid("2ed6657d_e927-568b-95e1-2665a8aea6a2"));
}

TEST(JwtParse, RefusesWhatThePolicyForbids) {
  const SigningKey k = SigningKey::ec("k1");
  const std::string claims = R"({"iss":"i","aud":"a","exp":2,"iat":1,"jti":"j"})";
  auto failure = [&](const std::string& header, const std::string& payload = "") {
    return jwt::parse(sign_jwt(k, header, payload.empty() ? claims : payload)).failure;
  };
  EXPECT_TRUE(jwt::parse(sign_jwt(k, R"({"alg":"ES384","typ":"JWT","kid":"k1"})", claims)).token);
  EXPECT_EQ(failure(R"({"alg":"none","typ":"JWT","kid":"k1"})"), jwt::Failure::Algorithm);
  EXPECT_EQ(failure(R"({"alg":"HS256","typ":"JWT","kid":"k1"})"), jwt::Failure::Algorithm);
  EXPECT_EQ(failure(R"({"alg":"RS256","typ":"JWT","kid":"k1"})"), jwt::Failure::Algorithm);
  EXPECT_EQ(failure(R"({"alg":"es384","typ":"JWT","kid":"k1"})"), jwt::Failure::Algorithm);  // exact match
  EXPECT_EQ(failure(R"({"alg":"ES384","typ":"JWT","kid":"k1","crit":["exp"]})"), jwt::Failure::Crit);
  EXPECT_EQ(failure(R"({"alg":"ES384","typ":"JWT"})"), jwt::Failure::Claims);                             // no kid
  EXPECT_EQ(failure(R"({"alg":"ES384","kid":"k1"})"), jwt::Failure::Claims);                              // no typ
  EXPECT_EQ(failure(R"({"alg":"ES384","alg":"none","typ":"JWT","kid":"k1"})"), jwt::Failure::Malformed);  // duplicate
  EXPECT_EQ(failure(R"({"alg":"ES384","typ":"JWT","kid":"k1"})", R"({"iss":"i","aud":"a","exp":2,"iat":1})"),
            jwt::Failure::Claims);  // no jti
  EXPECT_EQ(
      failure(R"({"alg":"ES384","typ":"JWT","kid":"k1"})", R"({"iss":"i","aud":"a","exp":"2","iat":1,"jti":"j"})"),
      jwt::Failure::Claims);  // exp as a string
  EXPECT_EQ(failure(R"({"alg":"ES384","typ":"JWT","kid":"k1"})", R"({"iss":"i","aud":[],"exp":2,"iat":1,"jti":"j"})"),
            jwt::Failure::Claims);
  EXPECT_EQ(failure(R"({"alg":"ES384","typ":"JWT","kid":"k1"})",
                    R"({"iss":"i","iss":"j","aud":"a","exp":2,"iat":1,"jti":"j"})"),
            jwt::Failure::Malformed);
  EXPECT_EQ(jwt::parse("a.b").failure, jwt::Failure::Malformed);
  EXPECT_EQ(jwt::parse("a.b.c.d").failure, jwt::Failure::Malformed);
  EXPECT_EQ(jwt::parse(b64(R"({"alg":"none"})") + "." + b64(claims) + ".").failure,
            jwt::Failure::Malformed);  // empty signature
  EXPECT_EQ(jwt::parse(b64(R"({"alg":"ES384","typ":"JWT","kid":"k1"})") + "=." + b64(claims) + ".AAAA").failure,
            jwt::Failure::Malformed);
  const auto aud_list = jwt::parse(sign_jwt(k, R"({"alg":"ES384","typ":"JWT","kid":"k1"})",
                                            R"({"iss":"i","aud":["x","y"],"exp":2.9,"iat":1,"jti":"j"})"));
  ASSERT_TRUE(aud_list.token);
  EXPECT_EQ(aud_list.token->claims.aud.size(), 2u);
  EXPECT_EQ(aud_list.token->claims.exp, 2);
}

TEST(JwtVerify, Es384AndRs384SignaturesAndKeyAlgorithms) {
  const SigningKey ec = SigningKey::ec("ec"), rsa = SigningKey::rsa("rsa");
  std::string why;
  auto set = jwt::parse_jwks(jwks({&ec, &rsa}), &why);
  ASSERT_TRUE(set) << why;
  ASSERT_EQ(set->keys.size(), 2u);
  const std::string claims = R"({"iss":"i","aud":"a","exp":2,"iat":1,"jti":"j"})";
  for (const SigningKey* k : {&ec, &rsa}) {
    const std::string token = ehr_jwt(*k, Claims{"i", "a", 1, 2, "j", ""});
    auto t = jwt::parse(token);
    ASSERT_TRUE(t.token);
    EXPECT_TRUE(jwt::verify_signature(*t.token, *set->find(k->kid())));
    // The other key, or a flipped bit, fails.
    EXPECT_FALSE(jwt::verify_signature(*t.token, *set->find(k == &ec ? "rsa" : "ec")));
    std::string tampered = token;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    auto tt = jwt::parse(tampered);
    if (tt.token) {
      EXPECT_FALSE(jwt::verify_signature(*tt.token, *set->find(k->kid())));
    }
  }
  // An RSA key cannot verify a token that claims ES384 (algorithm confusion).
  auto t = jwt::parse(sign_jwt(rsa, R"({"alg":"ES384","typ":"JWT","kid":"rsa"})", claims));
  ASSERT_TRUE(t.token);
  EXPECT_FALSE(jwt::verify_signature(*t.token, *set->find("rsa")));
}

TEST(Jwks, StrictKeys) {
  const SigningKey ec = SigningKey::ec("ec");
  std::string why;
  EXPECT_FALSE(jwt::parse_jwks(R"({"keys":[{"kty":"EC","crv":"P-384","kid":"x","x":"AA","y":"AA","d":"AA"}]})", &why));
  EXPECT_NE(why.find("private"), std::string::npos);
  // Off-curve point.
  const std::string x(48, 'A');
  EXPECT_FALSE(jwt::parse_jwks(fmt::format(R"({{"keys":[{{"kty":"EC","crv":"P-384","kid":"x","x":"{}","y":"{}"}}]}})",
                                           b64(std::string(48, '\x01')), b64(std::string(48, '\x02'))),
                               &why));
  // Two keys with one kid.
  EXPECT_FALSE(jwt::parse_jwks(jwks({&ec, &ec}), &why));
  // RSA under 2048 bits.
  const SigningKey small = SigningKey::rsa("small", 1024);
  EXPECT_FALSE(jwt::parse_jwks(jwks({&small}), &why));
  EXPECT_NE(why.find("2048"), std::string::npos);
  // Skipped, not fatal: another curve, an encryption key, no kid, a symmetric key.
  auto set = jwt::parse_jwks(R"({"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"AA","y":"AA"},
      {"kty":"RSA","use":"enc","kid":"b","n":"AQAB","e":"AQAB"},{"kty":"oct","kid":"c","k":"AAAA"},
      {"kty":"EC","crv":"P-384","x":"AA","y":"AA"}]})",
                             &why);
  ASSERT_TRUE(set) << why;
  EXPECT_TRUE(set->keys.empty());
  EXPECT_EQ(set->skipped.size(), 4u);
  EXPECT_FALSE(jwt::parse_jwks("[]", &why));
  EXPECT_FALSE(jwt::parse_jwks("{\"keys\":{}}", &why));
}

TEST(ReplayStoreTest, RemembersUntilExpiryAndIsBounded) {
  ReplayStore store(2);
  EXPECT_EQ(store.insert("a", 100, 10), ReplayStore::Insert::New);
  EXPECT_EQ(store.insert("a", 100, 20), ReplayStore::Insert::Replay);
  EXPECT_EQ(store.insert("b", 50, 20), ReplayStore::Insert::New);
  EXPECT_EQ(store.insert("c", 100, 20), ReplayStore::Insert::Full);  // fail closed
  EXPECT_EQ(store.insert("c", 100, 60), ReplayStore::Insert::New);   // b forgotten after 50
  EXPECT_EQ(store.insert("a", 200, 101), ReplayStore::Insert::New);  // a and c forgotten after 100
  EXPECT_EQ(store.size(), 1u);
}

// The authenticator with a fixed clock, a JWK Set file and an allowlisted jku served by a fake GET.
class AuthTest : public ::testing::Test {
 protected:
  const std::string aud = "https://cds.example.org/cds-services/switchpoint-patient-view";
  SigningKey ec = SigningKey::ec("ehr-1");
  SigningKey rsa = SigningKey::rsa("ehr-rsa");
  SigningKey rotated = SigningKey::ec("ehr-2");
  SigningKey stranger = SigningKey::ec("ehr-1");  // same kid, another key
  TempDir dir;
  std::int64_t now = 1'700'000'000;
  std::atomic<int> jku_fetches{0};
  std::string jku_body;
  std::unique_ptr<CdsAuthenticator> auth;

  void SetUp() override {
    write_file(dir.file("jwks.json"), jwks({&ec, &rsa}));
    jku_body = jwks({&ec});
    CdsConfig c;
    c.public_base_url = "https://cds.example.org";
    c.issuers.push_back({"https://ehr.example.org", dir.file("jwks.json"), {}, {}});
    c.issuers.push_back({"https://jku.example.org", std::nullopt, {"https://jku.example.org/jwks"}, {"client-7"}});
    auth = std::make_unique<CdsAuthenticator>(
        c,
        [this](const std::string& url, const std::vector<std::string>&, const FetchLimits&) {
          ++jku_fetches;
          FetchResult r;
          r.ok = true;
          r.status = url == "https://jku.example.org/jwks" ? 200 : 404;
          r.body = jku_body;
          return r;
        },
        [this] { return now; });
    std::string why;
    ASSERT_TRUE(auth->load(&why)) << why;
  }

  Claims claims(std::string jti = "") {
    Claims c;
    c.aud = aud;
    c.iat = now;
    c.exp = now + 300;
    c.jti = jti.empty() ? new_uuid() : jti;
    return c;
  }
  AuthResult check(const std::string& token) { return auth->authenticate("Bearer " + token, aud); }
};

TEST_F(AuthTest, AcceptsEs384AndRs384FromTheIssuersKeySet) {
  EXPECT_TRUE(check(ehr_jwt(ec, claims())).ok);
  EXPECT_TRUE(check(ehr_jwt(rsa, claims())).ok);
  EXPECT_EQ(check(ehr_jwt(rsa, claims())).issuer, "https://ehr.example.org");
  EXPECT_TRUE(auth->authenticate("bearer " + ehr_jwt(ec, claims()), aud).ok);
}

TEST_F(AuthTest, RefusesEachViolation) {
  auto failure = [&](const std::string& token) {
    auto r = check(token);
    EXPECT_FALSE(r.ok);
    return r.failure;
  };
  Claims c = claims();
  c.aud = aud + "/";
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::Audience);
  c = claims();
  c.aud = "https://cds.example.org/cds-services";
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::Audience);
  c = claims();
  c.exp = now - 61;
  c.iat = now - 300;
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::Expired);
  c = claims();
  c.iat = now + 120;
  c.exp = now + 400;
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::NotYetValid);
  c = claims();
  c.exp = now + 7200;
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::Lifetime);
  c = claims();
  c.iss = "https://evil.example.org";
  EXPECT_EQ(failure(ehr_jwt(ec, c)), jwt::Failure::Issuer);
  EXPECT_EQ(failure(ehr_jwt(stranger, claims())), jwt::Failure::Signature);
  EXPECT_EQ(failure(ehr_jwt(rotated, claims())), jwt::Failure::Key);
  // jku not on the issuer's allowlist: never fetched.
  EXPECT_EQ(failure(ehr_jwt(ec, claims(), R"(,"jku":"https://evil.example.org/jwks")")), jwt::Failure::Jku);
  EXPECT_EQ(jku_fetches.load(), 0);
  // Replay.
  const std::string once = ehr_jwt(ec, claims("fixed-jti"));
  EXPECT_TRUE(check(once).ok);
  EXPECT_EQ(failure(once), jwt::Failure::Replay);
  // Missing or malformed header.
  EXPECT_TRUE(auth->authenticate("", aud).missing);
  EXPECT_FALSE(auth->authenticate("Basic dXNlcjpwYXNz", aud).ok);
  EXPECT_FALSE(auth->authenticate("Bearer", aud).ok);
  // HS256 signed with the public key as the HMAC secret (the classic confusion attack).
  const std::string header = R"({"alg":"HS256","typ":"JWT","kid":"ehr-1"})";
  const std::string input = b64(header) + "." + b64(claims_json(claims()));
  const std::string mac = crypto::hmac_sha256(ec.public_jwk(), input);
  EXPECT_EQ(failure(input + "." + b64(mac)), jwt::Failure::Algorithm);
  // alg none.
  EXPECT_EQ(failure(b64(R"({"alg":"none","typ":"JWT","kid":"ehr-1"})") + "." + b64(claims_json(claims())) + "."),
            jwt::Failure::Malformed);
  EXPECT_EQ(failure(b64(R"({"alg":"none","typ":"JWT","kid":"ehr-1"})") + "." + b64(claims_json(claims())) + ".AAAA"),
            jwt::Failure::Algorithm);
}

TEST_F(AuthTest, SkewAllowsSmallClockDifferences) {
  Claims c = claims();
  c.iat = now + 30;  // the EHR's clock 30 s ahead
  c.exp = now + 300;
  EXPECT_TRUE(check(ehr_jwt(ec, c)).ok);
  c = claims();
  c.iat = now - 300;
  c.exp = now - 30;  // expired 30 s ago by our clock
  EXPECT_TRUE(check(ehr_jwt(ec, c)).ok);
}

TEST_F(AuthTest, JkuIsFetchedCachedAndRefreshedForANewKid) {
  Claims c = claims();
  c.iss = "https://jku.example.org";
  c.sub = "client-7";
  const std::string jku = R"(,"jku":"https://jku.example.org/jwks")";
  EXPECT_TRUE(check(ehr_jwt(ec, c, jku)).ok);
  c.jti = new_uuid();
  EXPECT_TRUE(check(ehr_jwt(ec, c, jku)).ok);
  EXPECT_EQ(jku_fetches.load(), 1);  // cached
  // A token without jku from this issuer uses its one allowlisted URL.
  c.jti = new_uuid();
  EXPECT_TRUE(check(ehr_jwt(ec, c)).ok);
  // A rotated key: the set is fetched again, at most every 30 s.
  c.jti = new_uuid();
  EXPECT_EQ(check(ehr_jwt(rotated, c, jku)).failure, jwt::Failure::Key);
  const int after_first_miss = jku_fetches.load();
  jku_body = jwks({&ec, &rotated});
  c.jti = new_uuid();
  EXPECT_EQ(check(ehr_jwt(rotated, c, jku)).failure, jwt::Failure::Key);
  EXPECT_EQ(jku_fetches.load(), after_first_miss);  // not within 30 s
  now += 31;
  c.iat = now;
  c.exp = now + 300;
  c.jti = new_uuid();
  EXPECT_TRUE(check(ehr_jwt(rotated, c, jku)).ok);
  // sub must be the allowlisted client.
  c.jti = new_uuid();
  c.sub = "client-8";
  EXPECT_EQ(check(ehr_jwt(ec, c, jku)).failure, jwt::Failure::Issuer);
}

TEST(CdsConfigTest, ParsesAndRefuses) {
  std::string why;
  auto c = parse_cds_config(R"({"public_base_url":"https://cds.example.org/","issuers":[
      {"iss":"https://ehr","jwks_file":"k.json","jku":["https://ehr/jwks"],"sub":["a"]}],"clock_skew_seconds":30})",
                            "/etc/sp", &why);
  ASSERT_TRUE(c) << why;
  EXPECT_EQ(c->public_base_url, "https://cds.example.org");
  EXPECT_EQ(c->issuers[0].jwks_file, "/etc/sp/k.json");
  EXPECT_EQ(c->clock_skew_s, 30);
  EXPECT_FALSE(
      parse_cds_config(R"({"public_base_url":"http://cds.example.org"})", ".", &why));  // plain http off loopback
  EXPECT_TRUE(parse_cds_config(R"({"public_base_url":"http://127.0.0.1:8080"})", ".", &why));
  EXPECT_FALSE(parse_cds_config(R"({"issuers":[{"iss":"x","jku":["http://jwks.example.org"]}]})", ".", &why));
  EXPECT_FALSE(parse_cds_config(R"({"issuers":[{"iss":"x"}]})", ".", &why));  // no key source
  EXPECT_FALSE(parse_cds_config(R"({"issuer":[]})", ".", &why));              // typo
  EXPECT_NE(why.find("issuer"), std::string::npos);
  EXPECT_FALSE(parse_cds_config(R"({"max_token_lifetime_seconds":7200})", ".", &why));
}

}  // namespace
}  // namespace switchpoint
