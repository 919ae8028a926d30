// Operand sets for the SSE differential test: XMM registers and memory operands filled
// with singles, doubles or raw integers, mixing random values with the hard cases (zeros
// of both signs, denormals, infinities, quiet and signalling NaNs, the largest and
// smallest normals, integer-conversion limits, values one ulp apart or forming rounding
// ties), random MXCSR (every rounding mode, DAZ and FZ, sometimes unmasked exceptions,
// sticky flags), random MMX/x87 registers, TOP and tags, EAX and EFLAGS.
#pragma once

#include <cstdint>
#include <random>

#include "tests/sse/fxsave_image.h"

namespace trapeze::ssetest {

class OperandGenerator {
 public:
  explicit OperandGenerator(uint64_t seed) : rng_(seed) {}
  RunInput next();
  uint8_t byte() { return static_cast<uint8_t>(rng_()); }

 private:
  enum class Kind { kSingle, kDouble, kInteger };
  uint64_t bits() { return rng_(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  uint32_t single();
  uint64_t double_value();
  void fill(uint8_t* out, Kind kind);
  // A second operand related to the first (equal, an ulp away, negated, a tie apart).
  void relate(uint8_t* out, const uint8_t* first, Kind kind);
  uint32_t mxcsr();

  std::mt19937_64 rng_;
};

}  // namespace trapeze::ssetest
