#include "cpu/fpu/rounding.h"

#include <bit>

#include "cpu/fpu/u128.h"

namespace trapeze::fpu {

namespace {

// The masked overflow response: infinity, or the largest finite value when the rounding
// direction points towards zero.
Rounded overflow_result(Env& env, bool sign, const Format& fmt) {
  const Rounding m = env.rounding;
  const bool to_infinity = m == Rounding::kNearest || (m == Rounding::kUp && !sign) ||
                           (m == Rounding::kDown && sign);
  env.rounded_up = to_infinity;
  if (to_infinity) return Rounded{fmt.emax, kIntegerBit, true};
  return Rounded{fmt.emax, ~uint64_t{0} << (64 - fmt.precision), false};
}

}  // namespace

RoundStep round_step(uint64_t signif, uint64_t extra, unsigned k, bool sign, Rounding mode) {
  RoundStep s;
  bool round_bit, sticky, lsb;
  if (k == 0) {
    round_bit = extra >> 63;
    sticky = (extra << 1) != 0;
    lsb = signif & 1;
    s.kept = signif;
  } else {
    const uint64_t mask = (uint64_t{1} << k) - 1;
    round_bit = (signif >> (k - 1)) & 1;
    sticky = (signif & (mask >> 1)) != 0 || extra != 0;
    lsb = (signif >> k) & 1;
    s.kept = signif & ~mask;
  }
  s.inexact = round_bit || sticky;
  switch (mode) {
    case Rounding::kNearest: s.up = round_bit && (sticky || lsb); break;
    case Rounding::kDown: s.up = s.inexact && sign; break;
    case Rounding::kUp: s.up = s.inexact && !sign; break;
    case Rounding::kZero: s.up = false; break;
  }
  if (s.up) {
    s.kept += uint64_t{1} << k;
    s.carry = s.kept == 0;
  }
  return s;
}

Rounded round(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra, Format fmt,
              bool to_register) {
  const unsigned k = 64u - fmt.precision;
  // Rounded as if the exponent range were unbounded.
  const RoundStep r = round_step(signif, extra, k, sign, env.rounding);
  const int32_t rexp = r.carry ? exp + 1 : exp;
  const uint64_t rsig = r.carry ? kIntegerBit : r.kept;

  // Tininess is detected after rounding: a value just below the smallest normal that
  // rounds up to it is not tiny.
  if (exp < fmt.emin && !(exp == fmt.emin - 1 && r.carry)) {
    if (!env.masked(ex::UE)) {
      // Unmasked underflow is signalled for every tiny result, exact or not.
      env.raised |= ex::UE;
      if (to_register) {
        if (r.inexact) env.raised |= ex::PE;
        env.rounded_up = r.up;
        return Rounded{rexp + kWrapBias, rsig, false};
      }
    }
    // Masked: denormalise, then round at the same bit position.
    const U128 d = shr_jam(U128{signif, extra}, static_cast<unsigned>(fmt.emin - exp));
    const RoundStep dr = round_step(d.hi, d.lo, k, sign, env.rounding);
    if (dr.inexact) env.raised |= ex::PE | (env.masked(ex::UE) ? ex::UE : 0);
    env.rounded_up = dr.up;
    return Rounded{fmt.emin, dr.kept, false};  // bit 63 set: rounded up to the smallest normal
  }

  if (r.inexact) env.raised |= ex::PE;
  env.rounded_up = r.up;
  if (rexp > fmt.emax) {
    if (!env.masked(ex::OE)) {
      env.raised |= ex::OE;
      if (to_register) return Rounded{rexp - kWrapBias, rsig, false};
    }
    env.raised |= ex::OE | ex::PE;
    return overflow_result(env, sign, fmt);
  }
  return Rounded{rexp, rsig, false};
}

Float80 pack_extended(bool sign, const Rounded& r) {
  if (r.infinite) return inf_f80(sign);
  if (r.signif == 0) return zero_f80(sign);
  if (!(r.signif >> 63)) return make_f80(sign, 0, r.signif);
  return make_f80(sign, static_cast<uint16_t>((r.exp + kBias) & 0x7FFF), r.signif);
}

uint64_t pack_double(bool sign, const Rounded& r) {
  const uint64_t s = uint64_t{sign} << 63;
  if (r.infinite) return s | 0x7FF0000000000000;
  const uint64_t field = (r.signif >> 63) ? static_cast<uint64_t>(r.exp + 1023) : 0;
  return s | (field << 52) | ((r.signif >> 11) & 0x000FFFFFFFFFFFFF);
}

uint32_t pack_single(bool sign, const Rounded& r) {
  const uint32_t s = uint32_t{sign} << 31;
  if (r.infinite) return s | 0x7F800000;
  const uint32_t field = (r.signif >> 63) ? static_cast<uint32_t>(r.exp + 127) : 0;
  return s | (field << 23) | static_cast<uint32_t>((r.signif >> 40) & 0x7FFFFF);
}

Float80 round_to_register(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra) {
  const Format fmt{env.precision, env.emin, env.emax};
  Rounded r = round(env, sign, exp, signif, extra, fmt, true);
  // A denormal of a narrower format (SSE) is a normal 80-bit value.
  if (fmt.emin != kExtendedFormat.emin && !r.infinite && r.signif != 0 && !(r.signif >> 63)) {
    const int shift = std::countl_zero(r.signif);
    r.signif <<= shift;
    r.exp -= shift;
  }
  return pack_extended(sign, r);
}

Float80 round_to_extended(Env& env, bool sign, int32_t exp, uint64_t signif, uint64_t extra) {
  return pack_extended(sign, round(env, sign, exp, signif, extra, kExtendedFormat, true));
}

Float80 normalize_round(Env& env, bool sign, int32_t exp, uint64_t hi, uint64_t lo,
                        bool use_precision_control) {
  const unsigned n = clz128(U128{hi, lo});
  const U128 m = shl(U128{hi, lo}, n);
  const int32_t e = exp - static_cast<int32_t>(n);
  return use_precision_control ? round_to_register(env, sign, e, m.hi, m.lo)
                               : round_to_extended(env, sign, e, m.hi, m.lo);
}

}  // namespace trapeze::fpu
