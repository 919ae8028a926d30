// Rounding an exact (or exactly-sticky) result to a destination format, with the x87's
// exception rules: precision control, the four rounding modes, tininess detected after
// rounding, masked underflow delivering a denormal (UE only when inexact), unmasked
// underflow/overflow into a register delivering the result with its exponent adjusted by
// 24576 (so a handler can rescale it), and masked overflow giving infinity or the largest
// finite value by rounding mode. C1 ("rounded up") is Env::rounded_up.
#pragma once

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

struct Format {
  uint8_t precision;  // significand bits, integer bit included
  int32_t emin;       // smallest normal exponent (unbiased)
  int32_t emax;       // largest
};
inline constexpr Format kExtendedFormat{64, -16382, 16383};
inline constexpr Format kDoubleFormat{53, -1022, 1023};
inline constexpr Format kSingleFormat{24, -126, 127};

// What rounding produced: a normal value (bit 63 of signif set), a denormal (bit 63
// clear, exp == emin), zero (signif 0) or infinity.
struct Rounded {
  int32_t exp = 0;
  uint64_t signif = 0;
  bool infinite = false;
};

// One rounding step: keeps the top 64 - k bits of (signif:extra), k < 64, rounding by
// `mode`. Raises nothing; callers decide what inexactness means for them.
struct RoundStep {
  uint64_t kept = 0;     // the kept bits (low k bits zero), incremented when rounding up
  bool carry = false;    // the increment carried out of bit 63: the value is 2^64
  bool inexact = false;
  bool up = false;       // the magnitude was incremented
};
RoundStep round_step(uint64_t signif, uint64_t extra, unsigned k, bool sign, Rounding mode);

// The unmasked overflow/underflow exponent adjustment for register destinations.
inline constexpr int32_t kWrapBias = 24576;

// Rounds sign * (signif:extra) * 2^(exp - 63), signif normalised (bit 63 set), to `fmt`
// with `precision` significand bits. `to_register`: the destination is an x87 register,
// which takes the exponent-adjusted result when overflow or underflow is unmasked; a
// memory destination then stores nothing (the caller checks env.raised).
Rounded round(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra, Format fmt,
              bool to_register);

// Register results: precision from the control word (arithmetic and FSQRT) ...
Float80 round_to_register(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra);
// ... or always 64 bits (everything else: FSCALE, FRNDINT, transcendentals, ...).
Float80 round_to_extended(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra);

Float80 pack_extended(bool sign, const Rounded& r);
uint64_t pack_double(bool sign, const Rounded& r);
uint32_t pack_single(bool sign, const Rounded& r);

// Normalises a nonzero 128-bit magnitude (value = m * 2^(exp - 127)) and rounds it to a
// register with the control word's precision, or to 64 bits.
Float80 normalize_round(Env& env, bool sign, int32_t exp, uint64_t hi, uint64_t lo,
                        bool use_precision_control);

}  // namespace trapeze::fpu
