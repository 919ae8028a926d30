// A binary floating-point number with a 192-bit significand, the working precision of the
// transcendental kernels. Their series lose a few bits each; starting from 192, a result
// is still good to about 2^-180 relative, so rounding it to 64 bits is correct except
// when the exact value lies that close to a rounding boundary (and the kernels treat the
// exact cases, like log2 of a power of two, separately).
//
// Portable integer arithmetic on 32-bit limbs: no host floating point anywhere.
#pragma once

#include <array>
#include <cstdint>

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

class Wide {
 public:
  static constexpr int kLimbs = 6;
  using Limbs = std::array<uint32_t, kLimbs>;  // m[0] least significant

  // value = (-1)^sign * m * 2^(exp - 191), normalised: bit 31 of m[5] set, or m all zero.
  bool sign = false;
  int32_t exp = 0;
  Limbs m{};

  static constexpr Wide constant(int32_t exp, Limbs limbs) {
    Wide w;
    w.exp = exp;
    w.m = limbs;
    return w;
  }
  static Wide from(const Unpacked& u);
  static Wide from_uint(uint64_t v);
  // An exact 128-bit magnitude times 2^(exp - 127).
  static Wide from_u128(bool sign, int32_t exp, uint64_t hi, uint64_t lo);

  bool zero() const { return m[kLimbs - 1] == 0; }
  Wide operator-() const {
    Wide w = *this;
    w.sign = !w.sign;
    return w;
  }
  // Times 2^k.
  Wide scaled(int32_t k) const {
    Wide w = *this;
    if (!w.zero()) w.exp += k;
    return w;
  }
  Wide times(uint32_t k) const;
  Wide over(uint32_t k) const;

  friend Wide operator+(const Wide& a, const Wide& b);
  friend Wide operator-(const Wide& a, const Wide& b) { return a + -b; }
  friend Wide operator*(const Wide& a, const Wide& b);
  friend Wide operator/(const Wide& a, const Wide& b);
  // Magnitude comparison: -1, 0, 1.
  friend int compare_magnitude(const Wide& a, const Wide& b);

  // Rounds to the 80-bit format by env's rounding mode (64-bit precision).
  Float80 round(Env& env) const;
};

}  // namespace trapeze::fpu
