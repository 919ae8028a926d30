#include "cpu/fpu/conversions.h"

#include <bit>

#include "cpu/fpu/arith.h"
#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"

namespace trapeze::fpu {

namespace {

// A single or double, widened: `frac_bits` fraction bits, exponent field `e`, bias.
Float80 widen(bool sign, uint32_t e, uint64_t frac, unsigned frac_bits, uint32_t e_max,
              int32_t bias, bool* denormal) {
  *denormal = false;
  if (e == e_max) {  // infinity or NaN: the payload moves to the top of the fraction
    return make_f80(sign, kExpMax, kIntegerBit | (frac << (63 - frac_bits)));
  }
  if (e == 0) {
    if (frac == 0) return zero_f80(sign);
    *denormal = true;
    const unsigned shift = static_cast<unsigned>(std::countl_zero(frac));
    // value = frac * 2^(1 - bias - frac_bits); normalised so bit 63 is set.
    const int32_t exp = 1 - bias - static_cast<int32_t>(frac_bits) + 63 - static_cast<int32_t>(shift);
    return make_f80(sign, static_cast<uint16_t>(exp + kBias), frac << shift);
  }
  return make_f80(sign, static_cast<uint16_t>(static_cast<int32_t>(e) - bias + kBias),
                  kIntegerBit | (frac << (63 - frac_bits)));
}

// The common screening of a store: NaNs and unsupported encodings. Returns true when it
// decided the result, leaving the NaN (quieted) in *nan or flagging invalid.
enum class Special { kNone, kNaN, kInvalid, kInfinity, kZero };

Special screen_store(Env& env, Float80 v, Float80* nan) {
  const Class c = classify(v);
  switch (c) {
    case Class::kUnsupported: env.raised |= ex::IE; return Special::kInvalid;
    case Class::kSNaN:
    case Class::kQNaN: *nan = propagate_nan(env, v); return Special::kNaN;
    case Class::kInfinity: return Special::kInfinity;
    case Class::kZero: return Special::kZero;
    default: break;
  }
  return Special::kNone;  // a denormal source raises no DE when stored
}

}  // namespace

Float80 from_single(uint32_t bits, bool* denormal) {
  return widen(bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF, 23, 0xFF, 127, denormal);
}

Float80 from_double(uint64_t bits, bool* denormal) {
  return widen(bits >> 63, static_cast<uint32_t>((bits >> 52) & 0x7FF), bits & 0x000FFFFFFFFFFFFF,
               52, 0x7FF, 1023, denormal);
}

Float80 from_int(int64_t value) {
  if (value == 0) return zero_f80(false);
  const bool sign = value < 0;
  const uint64_t m = sign ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  const unsigned shift = static_cast<unsigned>(std::countl_zero(m));
  return make_f80(sign, static_cast<uint16_t>(kBias + 63 - static_cast<int32_t>(shift)), m << shift);
}

uint32_t to_single(Env& env, Float80 v) {
  Float80 nan;
  switch (screen_store(env, v, &nan)) {
    case Special::kInvalid: return 0xFFC00000;
    case Special::kNaN:
      return (uint32_t{nan.sign()} << 31) | 0x7F800000 | static_cast<uint32_t>((nan.signif >> 40) & 0x7FFFFF);
    case Special::kInfinity: return (uint32_t{v.sign()} << 31) | 0x7F800000;
    case Special::kZero: return uint32_t{v.sign()} << 31;
    case Special::kNone: break;
  }
  const Unpacked u = unpack(v);
  return pack_single(u.sign, round(env, u.sign, u.exp, u.signif, 0, kSingleFormat, false));
}

uint64_t to_double(Env& env, Float80 v) {
  Float80 nan;
  switch (screen_store(env, v, &nan)) {
    case Special::kInvalid: return 0xFFF8000000000000;
    case Special::kNaN:
      return (uint64_t{nan.sign()} << 63) | 0x7FF0000000000000 | ((nan.signif >> 11) & 0x000FFFFFFFFFFFFF);
    case Special::kInfinity: return (uint64_t{v.sign()} << 63) | 0x7FF0000000000000;
    case Special::kZero: return uint64_t{v.sign()} << 63;
    case Special::kNone: break;
  }
  const Unpacked u = unpack(v);
  return pack_double(u.sign, round(env, u.sign, u.exp, u.signif, 0, kDoubleFormat, false));
}

bool round_to_integer(Env& env, const Unpacked& v, uint64_t* magnitude) {
  if (v.exp >= 64) return false;
  if (v.exp == 63) {
    *magnitude = v.signif;
    return true;
  }
  // Integer part in hi, fraction in lo.
  const U128 x = shr_jam(U128{v.signif, 0}, static_cast<unsigned>(63 - v.exp));
  const RoundStep r = round_step(x.hi, x.lo, 0, v.sign, env.rounding);
  if (r.inexact) env.raised |= ex::PE;
  env.rounded_up = r.up;
  *magnitude = r.kept;
  return !r.carry;
}

uint64_t to_int(Env& env, Float80 v, unsigned bits) {
  const uint64_t indefinite = uint64_t{1} << (bits - 1);
  const Class c = classify(v);
  if (c == Class::kZero) return 0;
  if (c == Class::kUnsupported || is_nan(c) || c == Class::kInfinity) {
    env.raised |= ex::IE;
    return indefinite;
  }
  const Unpacked u = unpack(v);
  Env trial = env;
  uint64_t m = 0;
  const bool fits = round_to_integer(trial, u, &m);
  // The largest magnitude: 2^(bits-1) - 1 positive, 2^(bits-1) negative.
  if (!fits || m > indefinite || (m == indefinite && !u.sign)) {
    env.raised |= ex::IE;
    return indefinite;
  }
  env = trial;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return (u.sign ? 0 - m : m) & mask;
}

Float80 from_bcd(const Bcd& bcd) {
  uint64_t value = 0;
  for (int n = 8; n >= 0; --n) value = value * 100 + (bcd[n] >> 4) * 10 + (bcd[n] & 0xF);
  Float80 r = from_int(static_cast<int64_t>(value));
  if (bcd[9] & 0x80) r.sign_exp |= 0x8000;
  return r;
}

Bcd to_bcd(Env& env, Float80 v) {
  Bcd out{};
  const Class c = classify(v);
  if (c == Class::kZero) {
    out[9] = v.sign() ? 0x80 : 0;
    return out;
  }
  constexpr uint64_t kMax = 999999999999999999;
  Env trial = env;
  uint64_t m = 0;
  bool ok = !(c == Class::kUnsupported || is_nan(c) || c == Class::kInfinity) &&
            round_to_integer(trial, unpack(v), &m) && m <= kMax;
  if (!ok) {
    env.raised |= ex::IE;
    out[9] = out[8] = 0xFF;
    out[7] = 0xC0;
    return out;
  }
  env = trial;
  for (unsigned n = 0; n < 9; ++n) {
    const unsigned two = static_cast<unsigned>(m % 100);
    m /= 100;
    out[n] = static_cast<uint8_t>(((two / 10) << 4) | (two % 10));
  }
  out[9] = v.sign() ? 0x80 : 0;
  return out;
}

}  // namespace trapeze::fpu
