// Random 15-byte strings for decoder fuzzing, biased toward the parts of the encoding
// space where decoders go wrong: prefixes, the 0F escape, and over-long prefix runs.
// Deterministic for a given seed, so a reported string can be reproduced.
#pragma once

#include <array>
#include <cstdint>
#include <random>

namespace trapeze {

inline constexpr size_t kMaxInsnBytes = 15;
using InsnBytes = std::array<uint8_t, kMaxInsnBytes>;

class RandomInstructionBytes {
 public:
  explicit RandomInstructionBytes(uint64_t seed) : rng_(seed) {}
  InsnBytes next();

 private:
  unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  uint8_t legacy_prefix();

  std::mt19937_64 rng_;
};

}  // namespace trapeze
