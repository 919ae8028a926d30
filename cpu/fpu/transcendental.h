// The x87 transcendental functions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X and
// FYL2XP1, with their special cases (SDM vol. 2, each instruction's results table).
//
// Why no MPFR: the kernels need about 190 bits for a handful of series, which
// cpu/fpu/wide_float.h does in a few hundred lines of portable integer code; MPFR would
// bring a run-time library dependency (and its GMP) into trapeze_core on every host for
// that. Results are rounded once, by the rounding control, from a value good to about
// 2^-180: correctly rounded except in astronomically rare near-ties, which is inside the
// hardware's documented error (< 1 ulp) and what the differential test measures.
//
// Range reduction of FSIN/FCOS/FSINCOS/FPTAN follows the hardware: arguments with
// |x| >= 2^63 are rejected (C2 set, operand unchanged), others are reduced exactly
// against the 66-bit approximation of pi the x87 uses, so results near multiples of pi
// match hardware rather than the true function.
#pragma once

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

// False for |x| >= 2^63 (finite): FSIN and friends leave such operands alone with C2 set.
bool trig_in_range(Float80 x);

Float80 sin(Env& env, Float80 x);
Float80 cos(Env& env, Float80 x);
Float80 tan(Env& env, Float80 x);
struct SinCos {
  Float80 sin, cos;
};
SinCos sincos(Env& env, Float80 x);

Float80 atan2(Env& env, Float80 y, Float80 x);       // FPATAN: ST(1) = atan(ST(1)/ST(0))
Float80 exp2m1(Env& env, Float80 x);                 // F2XM1: 2^x - 1, |x| <= 1
Float80 ylog2x(Env& env, Float80 y, Float80 x);      // FYL2X: y * log2(x)
Float80 ylog2xp1(Env& env, Float80 y, Float80 x);    // FYL2XP1: y * log2(x + 1)

}  // namespace trapeze::fpu
