// Operations on the exponent and the integer part: FRNDINT, FSCALE, FXTRACT and the
// partial remainders FPREM/FPREM1. All are exact except FRNDINT's rounding and FSCALE's
// overflow/underflow; none uses precision control.
#pragma once

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

// FRNDINT: rounds to an integer by the rounding mode (PE when inexact).
Float80 round_to_int(Env& env, Float80 a);

// FSCALE: a * 2^trunc(b).
Float80 scale(Env& env, Float80 a, Float80 b);

// FXTRACT: the unbiased exponent (as a value) and the significand with exponent 0.
// Zero raises ZE and gives -infinity and the zero.
struct Extracted {
  Float80 exponent;
  Float80 significand;
};
Extracted extract(Env& env, Float80 a);

// FPREM (truncating quotient) and FPREM1 (IEEE remainder, quotient rounded to nearest
// even). When the exponents differ by 64 or more, one step reduces the dividend
// partially (`complete` false, C2 set) and the instruction is to be repeated.
struct Remainder {
  Float80 value;
  uint64_t quotient = 0;  // its low three bits go to C0, C3, C1
  bool complete = true;
  bool valid = true;      // false: an invalid operation or NaN, condition codes untouched
};
Remainder partial_remainder(Env& env, Float80 a, Float80 b, bool ieee);

}  // namespace trapeze::fpu
