#pragma once
// The synthetic cohort's random numbers: xoshiro256** seeded through splitmix64, and the few
// distributions the model needs, written here rather than taken from <random>. The standard
// library's distributions are not specified bit for bit, so libstdc++ and libc++ give different
// numbers for the same engine and seed; these use only integer arithmetic and IEEE +, −, ×, ÷
// and √ (all correctly rounded), so a seed gives the same cohort on every platform.
#include <cstdint>
#include <initializer_list>

namespace switchpoint::synth {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // One independent stream per (seed, stream): patient i of a cohort draws from stream i, so a
  // patient's course does not depend on how many patients are generated.
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t sm = seed ^ (stream * 0xd1b54a32d192ed03ULL) ^ 0x5851f42d4c957f2dULL;
    for (auto& w : s_) w = splitmix64(sm);
  }

  std::uint64_t next() {  // xoshiro256** (Blackman and Vigna, 2018)
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1): the top 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi], without modulo bias (rejection).
  int integer(int lo, int hi) {
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % range);
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return lo + static_cast<int>(x % range);
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Approximately normal (Irwin–Hall: the sum of 12 uniforms − 6; bounded at ±6 sd).
  double normal(double mean, double sd) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return mean + sd * (sum - 6.0);
  }
  // A value spread over orders of magnitude without log/exp: lo × ratio^k × U(1/√ratio, √ratio)
  // with k uniform in [0, steps].
  double geometric(double lo, double ratio, int steps) {
    double v = lo;
    for (int k = integer(0, steps); k > 0; --k) v *= ratio;
    return v * uniform(1.0, ratio);
  }
  // Index drawn with the given weights (need not sum to 1).
  int pick(std::initializer_list<double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    int i = 0;
    for (double w : weights) {
      if (u < w) return i;
      u -= w;
      ++i;
    }
    return i - 1;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace switchpoint::synth
