#pragma once
// The property tests' random numbers: SplitMix64 (Steele, Lea and Flood, 2014) — tiny, portable
// and deterministic across standard libraries, so that a failing case reproduces from its seed.
// (The synthetic cohort has its own generator, src/synth/prng.h; the tests keep theirs apart so
// that a change there never silently changes which records the properties are checked on.)
#include <cstdint>

namespace switchpoint::testing_support {

struct SplitMix {
  explicit SplitMix(std::uint64_t seed) : s(seed) {}
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

}  // namespace switchpoint::testing_support
