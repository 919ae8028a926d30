// Operand sets for the differential test: random values mixed with the hard cases (zeros
// of both signs, denormals, pseudo-denormals, unnormals, infinities, quiet and signalling
// NaNs, pseudo-NaNs, values at the rounding boundaries of every precision, huge and tiny
// exponents, large arguments to the trigonometric instructions), random control words
// (all rounding and precision modes, masked and unmasked exceptions), random TOP, tags
// and condition codes.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "cpu/fpu/float80.h"
#include "tests/fpu/save_image.h"

namespace trapeze::x87test {

// What the instruction's memory operand holds.
enum class MemKind : uint8_t { kNone, kF32, kF64, kF80, kI16, kI32, kI64, kBcd, kWord, kEnvironment };

// The value ranges an instruction is interesting in.
enum class Domain : uint8_t {
  kAny,
  kUnitInterval,   // F2XM1: |x| <= 1
  kSmallLog,       // FYL2XP1: |x| < 1 - sqrt(2)/2
  kTrig,           // FSIN/FCOS/FSINCOS/FPTAN: everything up to and beyond 2^63
  kRemainder,      // FPREM/FPREM1: exponents 0-200 apart (partial remainders)
  kScale,          // FSCALE: integral scale factors, some at the unmasked-wrap limits
};

class OperandGenerator {
 public:
  explicit OperandGenerator(uint64_t seed) : rng_(seed) {}

  RunInput next(MemKind mem, Domain domain);
  fpu::Float80 value(Domain domain);

 private:
  uint64_t bits() { return rng_(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }
  fpu::Float80 special();
  fpu::Float80 normal(int32_t lo_exp, int32_t hi_exp);
  fpu::Float80 related(fpu::Float80 to);
  fpu::Float80 second_operand(Domain domain, fpu::Float80 first);
  uint64_t boundary_bits(uint64_t signif);
  void fill_memory(MemKind mem, RunInput& in);
  uint16_t control_word();

  std::mt19937_64 rng_;
  fpu::Float80 last_{};
};

}  // namespace trapeze::x87test
