#include "cpu/fpu/scaling.h"

#include "cpu/fpu/arith.h"
#include "cpu/fpu/conversions.h"
#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"

namespace trapeze::fpu {

Float80 round_to_int(Env& env, Float80 a) {
  Float80 r;
  if (screen_operand(env, a, &r)) return r;
  const Class c = classify(a);
  if (c == Class::kZero || c == Class::kInfinity) return a;
  if (is_denormal(c)) env.raised |= ex::DE;
  const Unpacked u = unpack(a);
  if (u.exp >= 63) return a;
  uint64_t m = 0;
  if (!round_to_integer(env, u, &m)) return make_f80(u.sign, static_cast<uint16_t>(kBias + 64), kIntegerBit);
  if (m == 0) return zero_f80(u.sign);
  const bool up = env.rounded_up;
  const Float80 result = normalize_round(env, u.sign, 127, 0, m, false);  // exact
  env.rounded_up = up;
  return result;
}

Float80 scale(Env& env, Float80 a, Float80 b) {
  Float80 r;
  if (screen_operands(env, a, b, &r)) return r;
  const Class ca = classify(a), cb = classify(b);
  if (is_denormal(ca) || is_denormal(cb)) env.raised |= ex::DE;
  if (cb == Class::kInfinity) {
    const bool down = b.sign();
    if ((down && ca == Class::kInfinity) || (!down && ca == Class::kZero)) {
      env.raised |= ex::IE;  // infinity * 2^-inf, 0 * 2^+inf
      return kIndefinite;
    }
    if (ca == Class::kZero || ca == Class::kInfinity) return a;
    return down ? zero_f80(a.sign()) : inf_f80(a.sign());
  }
  if (ca == Class::kZero || ca == Class::kInfinity) return a;
  // The scale factor, truncated; beyond +-2^17 every result overflows or underflows the
  // same way, so larger factors are clamped.
  int32_t n = 0;
  if (cb != Class::kZero) {
    const Unpacked s = unpack(b);
    if (s.exp >= 17) {
      n = 1 << 17;
    } else if (s.exp >= 0) {
      n = static_cast<int32_t>(s.signif >> (63 - s.exp));
    }
    if (s.sign) n = -n;
  }
  if (cb == Class::kZero)  // a zero factor leaves a denormal alone, normalises a pseudo-denormal
    return ca == Class::kPseudoDenormal ? make_f80(a.sign(), 1, a.signif) : a;
  const Unpacked u = unpack(a);
  // Unmasked overflow and underflow deliver the result with its exponent adjusted by
  // 24576, but only when that brings it into range; beyond, FSCALE gives infinity or
  // zero, whatever the rounding mode, and still signals the exception.
  const int32_t exp = u.exp + n;
  if (exp > kExtendedFormat.emax + kWrapBias && !env.masked(ex::OE)) {
    env.raised |= ex::OE | ex::PE;
    env.rounded_up = true;
    return inf_f80(u.sign);
  }
  if (exp < kExtendedFormat.emin - kWrapBias && !env.masked(ex::UE)) {
    env.raised |= ex::UE | ex::PE;
    env.rounded_up = false;
    return zero_f80(u.sign);
  }
  return round_to_extended(env, u.sign, exp, u.signif, 0);
}

Extracted extract(Env& env, Float80 a) {
  Float80 r;
  if (screen_operand(env, a, &r)) return {r, r};
  const Class c = classify(a);
  if (c == Class::kZero) {
    env.raised |= ex::ZE;
    return {inf_f80(true), a};
  }
  if (c == Class::kInfinity) return {inf_f80(false), a};
  if (is_denormal(c)) env.raised |= ex::DE;
  const Unpacked u = unpack(a);
  return {from_int(u.exp), make_f80(u.sign, kBias, u.signif)};
}

Remainder partial_remainder(Env& env, Float80 a, Float80 b, bool ieee) {
  Remainder out;
  Float80 r;
  if (screen_operands(env, a, b, &r)) {
    out.value = r;
    out.valid = false;
    return out;
  }
  const Class ca = classify(a), cb = classify(b);
  if (ca == Class::kInfinity || cb == Class::kZero) {
    env.raised |= ex::IE;
    out.value = kIndefinite;
    out.valid = false;
    return out;
  }
  if (is_denormal(ca) || is_denormal(cb)) env.raised |= ex::DE;
  out.value = a;
  if (ca == Class::kZero) return out;
  const Unpacked x = unpack(a);
  if (cb == Class::kInfinity) {  // a as it is; only a pseudo-denormal is normalised
    if (ca == Class::kPseudoDenormal) out.value = make_f80(a.sign(), 1, a.signif);
    return out;
  }
  // Otherwise a remainder equal to a is still delivered through rounding: a
  // pseudo-denormal comes back normalised, a denormal signals an unmasked underflow.
  out.value = round_to_extended(env, x.sign, x.exp, x.signif, 0);
  const Unpacked y = unpack(b);
  const int32_t d = x.exp - y.exp;
  bool sign = x.sign;
  if (d >= 64) {
    // Partial: reduce by b * 2^(d - n), n in 32..63.
    const unsigned n = static_cast<unsigned>((d & 31) | 32);
    uint64_t rem = 0;
    div128(shl(U128{0, x.signif}, n), y.signif, &rem);
    out.complete = false;
    out.value = rem == 0 ? zero_f80(sign) : normalize_round(env, sign, x.exp - static_cast<int32_t>(n) + 64, 0, rem, false);
    return out;
  }
  if (d < 0) {
    // |a| < |b|: FPREM leaves a. FPREM1 rounds the quotient to 1 when |a| > |b|/2 (a tie
    // rounds to the even quotient 0); that is only possible with d = -1.
    if (!ieee || d < -1 || x.signif <= y.signif) return out;
    // |b| - |a| at a's scale: b's significand counts twice.
    const U128 diff = sub(shl(U128{0, y.signif}, 1), U128{0, x.signif});
    out.quotient = 1;
    out.value = normalize_round(env, !sign, x.exp + 64, diff.hi, diff.lo, false);
    return out;
  }
  uint64_t rem = 0;
  uint64_t q = div128(shl(U128{0, x.signif}, static_cast<unsigned>(d)), y.signif, &rem);
  if (ieee) {
    // Round the quotient to nearest even: compare twice the remainder with the divisor.
    const U128 twice = shl(U128{0, rem}, 1);
    const U128 divisor{0, y.signif};
    if (less(divisor, twice) || (twice == divisor && (q & 1))) {
      rem = y.signif - rem;
      ++q;
      sign = !sign;
    }
  }
  out.quotient = q;
  out.value = rem == 0 ? zero_f80(sign) : normalize_round(env, sign, y.exp + 64, 0, rem, false);
  return out;
}

}  // namespace trapeze::fpu
