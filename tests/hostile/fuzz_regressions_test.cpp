// The fuzz harnesses in the normal suite: every seed (fuzz/corpus/<target>/) and every regression
// input (fuzz/regressions/<target>/: each was a crash, a sanitizer report or a broken invariant
// before its fix) runs through the same harness function libFuzzer calls — under AddressSanitizer
// and UndefinedBehaviorSanitizer in build-asan. Then one test per bug, stating the behaviour that
// replaced it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/harness.h"
#include "server/crypto.h"
#include "server/jwt.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
const std::string kSource = SWITCHPOINT_SOURCE_DIR;

using testing_support::slurp;

std::vector<fs::path> inputs(const std::string& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FuzzCorpus, EverySeedAndRegressionInputRunsClean) {
  int seeds = 0, regressions = 0;
  for (const auto& t : fuzz::kTargets) {
    const std::string name(t.name);
    const auto corpus = inputs(kSource + "/fuzz/corpus/" + name);
    EXPECT_GE(corpus.size(), 10u) << name << ": a seed corpus";
    EXPECT_LE(corpus.size(), 40u) << name << ": the repository keeps at most 40 seeds per target";
    for (const auto& dir : {std::string("corpus"), std::string("regressions")})
      for (const auto& p : inputs(kSource + "/fuzz/" + dir + "/" + name)) {
        SCOPED_TRACE(p.string());
        const std::string bytes = slurp(p);
        EXPECT_EQ(t.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
        (dir == "corpus" ? seeds : regressions)++;
      }
  }
  EXPECT_GE(seeds, 100);
  EXPECT_GE(regressions, 1);
}

// jwt_fuzz, fuzz/regressions/jwt_fuzz/exp-int64-max-overflow and iat-int64-min-overflow: a signed
// token with "exp": 2^63 − 1 (or "iat": −2^63 + 1) passed parsing, and the authenticator's
// `exp + clock_skew` and `exp − iat` overflowed int64 (undefined behaviour; UBSan report). NumericDates
// are now refused beyond ±10^15 seconds, as integers and as fractions alike, as malformed claims.
TEST(FuzzRegressions, JwtTimesBeyondTenToTheFifteenSecondsAreRefusedClaims) {
  const auto b64 = [](const std::string& s) { return crypto::base64url_encode(s); };
  const std::string header = b64(R"({"alg":"ES384","typ":"JWT","kid":"k"})");
  const std::string sig = b64(std::string(96, '\x01'));
  auto parse = [&](const std::string& exp, const std::string& iat) {
    return jwt::parse(header + "." + b64(R"({"iss":"i","aud":"a","jti":"j","exp":)" + exp + R"(,"iat":)" + iat + "}") +
                      "." + sig);
  };
  for (const auto& [exp, iat] : std::vector<std::pair<std::string, std::string>>{{"9223372036854775807", "1"},
                                                                                 {"2", "-9223372036854775807"},
                                                                                 {"1000000000000000", "1"},
                                                                                 {"2", "-1000000000000000"},
                                                                                 {"1e300", "1"},
                                                                                 {"18446744073709551615", "1"}}) {
    const auto r = parse(exp, iat);
    EXPECT_FALSE(r.token) << exp << " " << iat;
    EXPECT_EQ(r.failure, jwt::Failure::Claims) << exp << " " << iat;
  }
  const auto ok = parse("999999999999999", "-999999999999999");
  ASSERT_TRUE(ok.token);
  EXPECT_EQ(ok.token->claims.exp, 999999999999999);
  EXPECT_EQ(ok.token->claims.iat, -999999999999999);
}

}  // namespace
}  // namespace switchpoint
