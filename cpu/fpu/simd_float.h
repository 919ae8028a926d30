// SSE/SSE2 floating point on single (uint32_t) and double (uint64_t) encodings, exact to
// the bit, by MXCSR's rules (SDM vol. 1, 11.5): rounding straight to the destination
// format, DAZ (denormal operands read as zero, no DE) and FZ (tiny results flushed to
// zero with UE and PE when underflow is masked), the SSE NaN rules (the first source
// operand's NaN wins, signalling NaNs come back quiet, invalid operations give the
// default NaN FFC00000 / FFF8000000000000) and integer conversions that give the integer
// indefinite 80000000. The arithmetic itself is the x87 soft-float core (cpu/fpu/arith.h)
// told to round to the narrow format (Env::emin/emax).
#pragma once

#include <cstdint>

#include "cpu/fpu/compare.h"
#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

struct SimdEnv {
  Env env;
  bool daz = false;
  bool ftz = false;
  static SimdEnv from_mxcsr(uint32_t mxcsr);
};

// F is uint32_t (single) or uint64_t (double).
template <typename F>
F simd_add(SimdEnv& e, F a, F b);
template <typename F>
F simd_sub(SimdEnv& e, F a, F b);
template <typename F>
F simd_mul(SimdEnv& e, F a, F b);
template <typename F>
F simd_div(SimdEnv& e, F a, F b);
template <typename F>
F simd_min(SimdEnv& e, F a, F b);
template <typename F>
F simd_max(SimdEnv& e, F a, F b);
template <typename F>
F simd_sqrt(SimdEnv& e, F a);
// CMPPS/CMPPD predicates 0-7: EQ LT LE UNORD NEQ NLT NLE ORD. All ones when true.
template <typename F>
F simd_compare(SimdEnv& e, F a, F b, unsigned predicate);
// COMIS (quiet = false: IE for any NaN) and UCOMIS (IE for signalling NaNs only).
template <typename F>
Relation simd_comis(SimdEnv& e, F a, F b, bool quiet);

// Conversions. `truncate`: CVTT* (round toward zero) instead of MXCSR.RC.
template <typename F>
int32_t simd_to_int32(SimdEnv& e, F a, bool truncate);
template <typename F>
F simd_from_int32(SimdEnv& e, int32_t v);
uint64_t simd_single_to_double(SimdEnv& e, uint32_t a);
uint32_t simd_double_to_single(SimdEnv& e, uint64_t a);

// RCPSS/RSQRTSS approximations (no exceptions, no flags; DAZ-like on denormal inputs and
// flush-to-zero on tiny results, as hardware does regardless of MXCSR). Intel documents
// only the bound |relative error| <= 1.5 * 2^-12 and each generation has its own table;
// these give the (nearly) correctly rounded value, well inside the bound.
uint32_t simd_rcp(uint32_t a);
uint32_t simd_rsqrt(uint32_t a);

}  // namespace trapeze::fpu
