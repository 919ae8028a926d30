#include "cpu/fpu/arith.h"

#include <utility>

#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"

namespace trapeze::fpu {

Unpacked unpack(Float80 v) {
  const uint16_t e = v.exp();
  if (e != 0) return {v.sign(), e - kBias, v.signif};
  // Denormals and pseudo-denormals: biased exponent 0 means 2^(1 - bias).
  const unsigned shift = static_cast<unsigned>(std::countl_zero(v.signif));
  return {v.sign(), 1 - kBias - static_cast<int32_t>(shift), v.signif << shift};
}

Float80 propagate_nan(Env& env, Float80 a) {
  if (classify(a) == Class::kSNaN) env.raised |= ex::IE;
  a.signif |= kQuietBit;
  return a;
}

Float80 propagate_nan(Env& env, Float80 a, Float80 b) {
  const Class ca = classify(a), cb = classify(b);
  if (ca == Class::kSNaN || cb == Class::kSNaN) env.raised |= ex::IE;
  if (!is_nan(cb)) return propagate_nan(env, a);
  if (!is_nan(ca)) return propagate_nan(env, b);
  // Two NaNs: a QNaN wins over an SNaN; otherwise the larger significand, and with equal
  // significands the positive one.
  if (ca != cb) return ca == Class::kQNaN ? a : b;
  Float80 r = a.signif > b.signif ? a : b.signif > a.signif ? b : (a.sign() ? b : a);
  r.signif |= kQuietBit;
  return r;
}

bool screen_operand(Env& env, Float80 a, Float80* result) {
  const Class c = classify(a);
  if (c == Class::kUnsupported) {
    env.raised |= ex::IE;
    *result = kIndefinite;
    return true;
  }
  if (is_nan(c)) {
    *result = propagate_nan(env, a);
    return true;
  }
  return false;
}

bool screen_operands(Env& env, Float80 a, Float80 b, Float80* result) {
  const Class ca = classify(a), cb = classify(b);
  if (ca == Class::kUnsupported || cb == Class::kUnsupported) {
    env.raised |= ex::IE;
    *result = kIndefinite;
    return true;
  }
  if (is_nan(ca) || is_nan(cb)) {
    *result = propagate_nan(env, a, b);
    return true;
  }
  return false;
}

namespace {

bool denormal(const Operand& o) { return o.denormal_source || is_denormal(classify(o.value)); }

void note_denormals(Env& env, const Operand& a, const Operand& b) {
  if (denormal(a) || denormal(b)) env.raised |= ex::DE;
}

Float80 add_magnitudes(Env& env, Float80 af, Float80 bf, bool subtract) {
  const Class ca = classify(af), cb = classify(bf);
  const bool bsign = bf.sign() != subtract;
  if (ca == Class::kInfinity || cb == Class::kInfinity) {
    if (ca == Class::kInfinity && cb == Class::kInfinity && af.sign() != bsign) {
      env.raised |= ex::IE;
      return kIndefinite;
    }
    return ca == Class::kInfinity ? af : inf_f80(bsign);
  }
  const bool azero = ca == Class::kZero, bzero = cb == Class::kZero;
  if (azero && bzero) {
    // (+0) + (-0) is +0, or -0 when rounding down.
    const bool sign = af.sign() == bsign ? bsign : env.rounding == Rounding::kDown;
    return zero_f80(sign);
  }
  Unpacked a = azero ? Unpacked{} : unpack(af);
  Unpacked b = bzero ? Unpacked{} : unpack(bf);
  b.sign = bsign;
  if (bzero) return round_to_register(env, a.sign, a.exp, a.signif, 0);
  if (azero) return round_to_register(env, b.sign, b.exp, b.signif, 0);
  if (a.exp < b.exp || (a.exp == b.exp && a.signif < b.signif)) std::swap(a, b);
  const U128 x{a.signif, 0};
  const U128 y = shr_jam(U128{b.signif, 0}, static_cast<unsigned>(a.exp - b.exp));
  if (a.sign == b.sign) {
    U128 s = add(x, y);
    int32_t exp = a.exp;
    if (less(s, x)) {  // carried out of bit 127
      s = shr_jam(s, 1);
      s.hi |= kIntegerBit;
      ++exp;
    }
    return round_to_register(env, a.sign, exp, s.hi, s.lo);
  }
  const U128 d = sub(x, y);
  if (d.zero()) return zero_f80(env.rounding == Rounding::kDown);
  return normalize_round(env, a.sign, a.exp, d.hi, d.lo, true);
}

}  // namespace

Float80 add(Env& env, Operand a, Operand b) {
  Float80 r;
  if (screen_operands(env, a.value, b.value, &r)) return r;
  note_denormals(env, a, b);
  return add_magnitudes(env, a.value, b.value, false);
}

Float80 sub(Env& env, Operand a, Operand b) {
  Float80 r;
  if (screen_operands(env, a.value, b.value, &r)) return r;
  note_denormals(env, a, b);
  return add_magnitudes(env, a.value, b.value, true);
}

Float80 mul(Env& env, Operand a, Operand b) {
  Float80 r;
  if (screen_operands(env, a.value, b.value, &r)) return r;
  const Class ca = classify(a.value), cb = classify(b.value);
  const bool sign = a.value.sign() != b.value.sign();
  if ((ca == Class::kInfinity && cb == Class::kZero) || (ca == Class::kZero && cb == Class::kInfinity)) {
    env.raised |= ex::IE;
    return kIndefinite;
  }
  note_denormals(env, a, b);
  if (ca == Class::kInfinity || cb == Class::kInfinity) return inf_f80(sign);
  if (ca == Class::kZero || cb == Class::kZero) return zero_f80(sign);
  const Unpacked x = unpack(a.value), y = unpack(b.value);
  const U128 p = mul64(x.signif, y.signif);  // in [2^126, 2^128)
  return normalize_round(env, sign, x.exp + y.exp + 1, p.hi, p.lo, true);
}

Float80 div(Env& env, Operand a, Operand b) {
  Float80 r;
  if (screen_operands(env, a.value, b.value, &r)) return r;
  const Class ca = classify(a.value), cb = classify(b.value);
  const bool sign = a.value.sign() != b.value.sign();
  if ((ca == Class::kInfinity && cb == Class::kInfinity) || (ca == Class::kZero && cb == Class::kZero)) {
    env.raised |= ex::IE;
    return kIndefinite;
  }
  if (cb == Class::kZero && ca != Class::kInfinity) {
    env.raised |= ex::ZE;  // a zero divide reports nothing else, not even DE
    return inf_f80(sign);
  }
  note_denormals(env, a, b);
  if (ca == Class::kInfinity) return inf_f80(sign);
  if (cb == Class::kInfinity || ca == Class::kZero) return zero_f80(sign);
  const Unpacked x = unpack(a.value), y = unpack(b.value);
  // Quotient in (1/2, 2): scale the dividend so 64 quotient bits have bit 63 set.
  const bool big = x.signif >= y.signif;
  const U128 n = big ? U128{x.signif >> 1, x.signif << 63} : U128{x.signif, 0};
  uint64_t rem = 0;
  const uint64_t q = div128(n, y.signif, &rem);
  uint64_t rem2 = 0;
  uint64_t extra = div128(U128{rem, 0}, y.signif, &rem2);
  if (rem2 != 0) extra |= 1;
  return round_to_register(env, sign, x.exp - y.exp - (big ? 0 : 1), q, extra);
}

Float80 sqrt(Env& env, Float80 a) {
  Float80 r;
  if (screen_operand(env, a, &r)) return r;
  const Class c = classify(a);
  if (c == Class::kZero) return a;
  if (a.sign()) {
    env.raised |= ex::IE;
    return kIndefinite;
  }
  if (is_denormal(c)) env.raised |= ex::DE;
  if (c == Class::kInfinity) return a;
  const Unpacked x = unpack(a);
  // Radicand m = signif * 2^s as an integer with an even exponent; its integer square
  // root has 65 bits: 64 for the significand and one round bit, the remainder sticky.
  const bool odd = x.exp & 1;
  const unsigned s = odd ? 66 : 65;
  U128 root{}, rem{};
  for (int pos = 128; pos >= 0; pos -= 2) {
    unsigned pair = 0;
    for (int bit = pos + 1; bit >= pos; --bit) {
      const int at = bit - static_cast<int>(s);  // bit of the significand, if any
      pair = (pair << 1) | (at >= 0 && at < 64 ? static_cast<unsigned>((x.signif >> at) & 1) : 0u);
    }
    rem = add(shl(rem, 2), U128{0, pair});
    const U128 trial = add(shl(root, 2), U128{0, 1});
    root = shl(root, 1);
    if (!less(rem, trial)) {
      rem = sub(rem, trial);
      root = add(root, U128{0, 1});
    }
  }
  // root < 2^65: the significand is root >> 1, the round bit root & 1.
  const uint64_t signif = (root.hi << 63) | (root.lo >> 1);
  const uint64_t extra = ((root.lo & 1) << 63) | (rem.zero() ? 0 : 1);
  const int32_t exp = odd ? (x.exp - 1) / 2 : x.exp / 2;
  return round_to_register(env, false, exp, signif, extra);
}

}  // namespace trapeze::fpu
