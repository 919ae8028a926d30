#include "cpu/fpu/transcendental.h"

#include "cpu/fpu/arith.h"
#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"
#include "cpu/fpu/wide_float.h"

namespace trapeze::fpu {

namespace {

// Constants to 192 bits, computed with mpmath at 400 bits of precision (floor of the
// value times 2^192 over its leading power of two).
inline constexpr Wide kPi = Wide::constant(1, {0x8A67CC74, 0x29024E08, 0x80DC1CD1, 0xC4C6628B, 0x2168C234, 0xC90FDAA2});
inline constexpr Wide kLog2E = Wide::constant(0, {0xDD695A58, 0xEB577AA8, 0x691D3E88, 0xBE87FED0, 0x5C17F0BB, 0xB8AA3B29});
inline constexpr Wide kLn2 = Wide::constant(-1, {0x7298B62D, 0x40F34326, 0x03F2F6AF, 0xC9E3B398, 0xD1CF79AB, 0xB17217F7});
// atan(1/4), atan(1/2), atan(3/4): the anchors of the arctangent's argument reduction.
inline constexpr Wide kAtanAnchor[3] = {
    Wide::constant(-3, {0x88B3836B, 0xAA7FA903, 0xF7A217E5, 0x6DC79EF5, 0x6406EB15, 0xFADBAFC9}),
    Wide::constant(-2, {0x261CDF00, 0x6E141587, 0xBC3A8D03, 0x6FE445EC, 0x0DDA7B45, 0xED63382B}),
    Wide::constant(-1, {0xEEB2B9E7, 0xE3F08689, 0x457DAC9E, 0x19A87F2A, 0x34F70924, 0xA4BC7D19}),
};
// The x87's pi for range reduction: pi rounded to 66 bits, as an integer times 2^-64.
inline constexpr U128 kPi66{0x3, 0x243F6A8885A308D3};

Wide one() { return Wide::from_uint(1); }

// A term this much smaller than the sum no longer changes its 192 bits (adding it still
// leaves its mark in the sticky bit, which is what makes sin(x) of a tiny x inexact).
bool negligible(const Wide& term, const Wide& sum) { return term.zero() || term.exp < sum.exp - 196; }

// sin(r) and cos(r) for |r| <= pi/4 by their Taylor series.
Wide sin_series(const Wide& r) {
  const Wide r2 = r * r;
  Wide term = r, sum = r;
  for (uint32_t n = 1; n < 60; ++n) {
    term = (term * r2).over((2 * n) * (2 * n + 1));
    sum = (n & 1) ? sum - term : sum + term;
    if (negligible(term, sum)) break;
  }
  return sum;
}
Wide cos_series(const Wide& r) {
  const Wide r2 = r * r;
  Wide term = one(), sum = one();
  for (uint32_t n = 1; n < 60; ++n) {
    term = (term * r2).over((2 * n - 1) * (2 * n));
    sum = (n & 1) ? sum - term : sum + term;
    if (negligible(term, sum)) break;
  }
  return sum;
}

// atan(u) for small |u|: u - u^3/3 + u^5/5 - ...
Wide atan_series(const Wide& u) {
  const Wide u2 = u * u;
  Wide power = u, sum = u;
  for (uint32_t n = 1; n < 200; ++n) {
    power = power * u2;
    const Wide term = power.over(2 * n + 1);
    sum = (n & 1) ? sum - term : sum + term;
    if (negligible(term, sum)) break;
  }
  return sum;
}

// atan(t) for 0 <= t <= 1: atan(t) = atan(c) + atan((t - c)/(1 + tc)) with c the
// nearest quarter, so the series argument stays below 1/8.
Wide atan_unit(const Wide& t) {
  unsigned k = 0;
  for (uint32_t edge : {1u, 3u, 5u, 7u})
    if (compare_magnitude(t, one().times(edge).over(8)) > 0) ++k;
  if (k == 0) return atan_series(t);
  const Wide c = one().times(k).over(4);
  const Wide u = (t - c) / (one() + t * c);
  const Wide anchor = k == 4 ? kPi.scaled(-2) : kAtanAnchor[k - 1];
  return anchor + atan_series(u);
}

// 2 atanh(z) = ln((1 + z)/(1 - z)) = 2(z + z^3/3 + z^5/5 + ...).
Wide atanh2_series(const Wide& z) {
  const Wide z2 = z * z;
  Wide power = z, sum = z;
  for (uint32_t n = 1; n < 200; ++n) {
    power = power * z2;
    const Wide term = power.over(2 * n + 1);
    sum = sum + term;
    if (negligible(term, sum)) break;
  }
  return sum.scaled(1);
}

// e^y - 1 = y + y^2/2! + y^3/3! + ...
Wide expm1_series(const Wide& y) {
  Wide term = y, sum = y;
  for (uint32_t n = 2; n < 100; ++n) {
    term = (term * y).over(n);
    sum = sum + term;
    if (negligible(term, sum)) break;
  }
  return sum;
}

// Range reduction against the x87's pi: |x| = k * (pi66 / 2) + r, |r| <= pi66 / 4, with
// exact integer arithmetic (r is a multiple of 2^-65). Returns r and k mod 4.
struct Reduced {
  Wide r;
  unsigned quadrant = 0;
};
Reduced reduce(const Unpacked& x) {
  Reduced out;
  Wide mag = Wide::from(x);
  mag.sign = false;
  if (compare_magnitude(mag, kPi.scaled(-2)) <= 0) {
    out.r = mag;
    return out;
  }
  // |x| in units of 2^-65 (x.exp is -1..62 here), and pi66/2 in the same units.
  const U128 xi = shl(U128{0, x.signif}, static_cast<unsigned>(x.exp + 2));
  const U128 p = kPi66;
  uint64_t q = 0;
  U128 rem{};
  for (int bit = 127; bit >= 0; --bit) {
    rem = shl(rem, 1);
    rem.lo |= (bit >= 64 ? xi.hi >> (bit - 64) : xi.lo >> bit) & 1;
    q <<= 1;
    if (!less(rem, p)) {
      rem = sub(rem, p);
      q |= 1;
    }
  }
  bool negative = false;
  if (less(sub(p, rem), rem)) {  // round the quotient to nearest
    rem = sub(p, rem);
    negative = true;
    ++q;
  }
  out.r = Wide::from_u128(negative, 62, rem.hi, rem.lo);
  out.quadrant = static_cast<unsigned>(q & 3);
  return out;
}

// The screening all the one-operand trigonometric functions share. Returns true with
// *result set when it decided the result.
bool screen_trig(Env& env, Float80 x, Float80* result) {
  if (screen_operand(env, x, result)) return true;
  const Class c = classify(x);
  if (c == Class::kInfinity) {
    env.raised |= ex::IE;
    *result = kIndefinite;
    return true;
  }
  if (is_denormal(c)) env.raised |= ex::DE;
  return false;
}

// For |x| < 2^-68 the hardware returns sin(x) = tan(x) = x (rounded as it stands, so a
// denormal still underflows) and cos(x) = 1, inexact and not rounded up, whatever the
// rounding mode; the differential test pins the threshold down.
constexpr int32_t kTinyTrigExp = -68;
Float80 tiny_identity(Env& env, const Unpacked& x) {
  Env exact = env;
  const Float80 r = round_to_extended(exact, x.sign, x.exp, x.signif, 0);
  env.raised |= exact.raised | ex::PE;
  if (x.exp < kExtendedFormat.emin && env.masked(ex::UE)) env.raised |= ex::UE;
  env.rounded_up = false;
  return r;
}

// For 2^-68 <= |x| < 2^-32 the hardware's tan(x) comes out as if it were a hair smaller
// in magnitude than x (its approximation loses more than the x^3/3 it should add), which
// only shows in the directed rounding modes.
constexpr int32_t kSmallTanExp = -32;
Float80 just_inside(Env& env, const Unpacked& x) {
  const U128 below = sub(U128{x.signif, 0}, U128{0, 1});
  return normalize_round(env, x.sign, x.exp, below.hi, below.lo, false);
}

Float80 tiny_one(Env& env) {
  env.raised |= ex::PE;
  env.rounded_up = false;
  return make_f80(false, kBias, kIntegerBit);
}

// sin (want_cos false) or cos of a finite nonzero x in range.
Wide sin_or_cos(const Unpacked& x, bool want_cos) {
  const Reduced red = reduce(x);
  const unsigned q = (red.quadrant + (want_cos ? 1 : 0)) & 3;
  Wide v = (q & 1) ? cos_series(red.r) : sin_series(red.r);
  if (q & 2) v = -v;
  if (!want_cos && x.sign) v = -v;
  return v;
}

}  // namespace

bool trig_in_range(Float80 x) {
  const Class c = classify(x);
  if (c != Class::kNormal && c != Class::kDenormal && c != Class::kPseudoDenormal) return true;
  return x.exp() < kBias + 63;
}

Float80 sin(Env& env, Float80 x) {
  Float80 r;
  if (screen_trig(env, x, &r)) return r;
  if (classify(x) == Class::kZero) return x;
  const Unpacked u = unpack(x);
  if (u.exp < kTinyTrigExp) return tiny_identity(env, u);
  return sin_or_cos(u, false).round(env);
}

Float80 cos(Env& env, Float80 x) {
  Float80 r;
  if (screen_trig(env, x, &r)) return r;
  if (classify(x) == Class::kZero) return make_f80(false, kBias, kIntegerBit);
  const Unpacked u = unpack(x);
  if (u.exp < kTinyTrigExp) return tiny_one(env);
  return sin_or_cos(u, true).round(env);
}

SinCos sincos(Env& env, Float80 x) {
  Float80 r;
  if (screen_trig(env, x, &r)) return {r, r};
  if (classify(x) == Class::kZero) return {x, make_f80(false, kBias, kIntegerBit)};
  const Unpacked u = unpack(x);
  Env for_sin = env;
  const Float80 s = u.exp < kTinyTrigExp ? tiny_identity(for_sin, u) : sin_or_cos(u, false).round(for_sin);
  const Float80 c = u.exp < kTinyTrigExp ? tiny_one(env) : sin_or_cos(u, true).round(env);
  env.raised |= for_sin.raised;
  return {s, c};
}

Float80 tan(Env& env, Float80 x) {
  Float80 r;
  if (screen_trig(env, x, &r)) return r;
  if (classify(x) == Class::kZero) return x;
  const Unpacked u = unpack(x);
  if (u.exp < kTinyTrigExp) return tiny_identity(env, u);
  if (u.exp < kSmallTanExp) return just_inside(env, u);
  const Reduced red = reduce(u);
  const Wide s = sin_series(red.r), c = cos_series(red.r);
  Wide t = (red.quadrant & 1) ? -(c / s) : s / c;
  if (u.sign) t = -t;
  return t.round(env);
}

Float80 atan2(Env& env, Float80 y, Float80 x) {
  Float80 r;
  if (screen_operands(env, y, x, &r)) return r;
  const Class cy = classify(y), cx = classify(x);
  if (is_denormal(cy) || is_denormal(cx)) env.raised |= ex::DE;
  const bool ys = y.sign(), xs = x.sign();
  const Wide pi = kPi;
  auto signed_pi = [&](const Wide& v) { return (ys ? -v : v).round(env); };
  if (cy == Class::kZero) {
    if (xs) return signed_pi(pi);  // -0, negative, -infinity: +-pi
    return zero_f80(ys);
  }
  if (cy == Class::kInfinity) {
    if (cx == Class::kInfinity) return signed_pi(xs ? pi.times(3).scaled(-2) : pi.scaled(-2));
    return signed_pi(pi.scaled(-1));
  }
  if (cx == Class::kZero) return signed_pi(pi.scaled(-1));
  if (cx == Class::kInfinity) return xs ? signed_pi(pi) : zero_f80(ys);
  Wide a = Wide::from(unpack(y)), b = Wide::from(unpack(x));
  a.sign = b.sign = false;
  // atan(a/b) for a <= b, pi/2 - atan(b/a) otherwise; pi minus that for negative x.
  Wide angle = compare_magnitude(a, b) <= 0 ? atan_unit(a / b) : pi.scaled(-1) - atan_unit(b / a);
  if (xs) angle = pi - angle;
  return signed_pi(angle);
}

Float80 exp2m1(Env& env, Float80 x) {
  Float80 r;
  if (screen_operand(env, x, &r)) return r;
  const Class c = classify(x);
  if (c == Class::kZero) return x;
  if (c == Class::kInfinity) return x.sign() ? make_f80(true, kBias, kIntegerBit) : x;
  if (is_denormal(c)) env.raised |= ex::DE;
  const Unpacked u = unpack(x);
  if (u.exp > 0 || (u.exp == 0 && u.signif != kIntegerBit)) {
    // Outside the documented domain (|x| > 1) P6-and-later parts return x, inexact.
    env.raised |= ex::PE;
    env.rounded_up = false;
    return x;
  }
  // 2^1 - 1 = 1 and 2^-1 - 1 = -1/2 are exact, yet the hardware reports them inexact
  // (rounded down); every other argument gives an irrational.
  if (u.exp == 0 && u.signif == kIntegerBit) {
    env.raised |= ex::PE;
    env.rounded_up = false;
    return u.sign ? make_f80(true, kBias - 1, kIntegerBit) : make_f80(false, kBias, kIntegerBit);
  }
  return expm1_series(Wide::from(u) * kLn2).round(env);
}

Float80 ylog2x(Env& env, Float80 y, Float80 x) {
  Float80 r;
  if (screen_operands(env, y, x, &r)) return r;
  const Class cy = classify(y), cx = classify(x);
  if (is_denormal(cy) || is_denormal(cx)) env.raised |= ex::DE;
  const bool ys = y.sign();
  if (x.sign() && cx != Class::kZero) {  // log of a negative number
    env.raised |= ex::IE;
    return kIndefinite;
  }
  if (cx == Class::kZero) {  // log2(0) = -infinity
    if (cy == Class::kZero) {
      env.raised = static_cast<uint8_t>((env.raised & ~ex::DE) | ex::IE);
      return kIndefinite;
    }
    if (cy != Class::kInfinity) env.raised = static_cast<uint8_t>((env.raised & ~ex::DE) | ex::ZE);
    return inf_f80(!ys);
  }
  if (cx == Class::kInfinity) {
    if (cy == Class::kZero) {
      env.raised |= ex::IE;
      return kIndefinite;
    }
    return inf_f80(ys);
  }
  const Unpacked ux = unpack(x);
  const bool x_is_one = ux.exp == 0 && ux.signif == kIntegerBit;
  if (cy == Class::kInfinity) {
    if (x_is_one) {  // infinity * log2(1) = infinity * 0
      env.raised |= ex::IE;
      return kIndefinite;
    }
    return inf_f80(ys != (ux.exp < 0));
  }
  if (cy == Class::kZero) return zero_f80(ys != (ux.exp < 0));
  if (x_is_one) return zero_f80(ys);
  const Wide wy = Wide::from(unpack(y));
  // x = m * 2^e with m in [sqrt(2)/2, sqrt(2)), so log2(m) is small and never cancels e.
  int32_t e = ux.exp;
  Wide m = Wide::from(Unpacked{false, 0, ux.signif});
  if (ux.signif > 0xB504F333F9DE6484) {  // m > sqrt(2)
    m = m.scaled(-1);
    ++e;
  }
  Wide log2x = e < 0 ? -Wide::from_uint(static_cast<uint64_t>(-int64_t{e})) : Wide::from_uint(static_cast<uint64_t>(e));
  if (ux.signif == kIntegerBit) {
    // x = 2^e: the product y * e is exact, yet the hardware reports it inexact, and for
    // e < 0 its logarithm comes out a hair above e (the product a hair closer to zero).
    Wide product = wy * log2x;
    if (e < 0) product = product + (-product).scaled(-250);
    Env rounding = env;
    const Float80 result = product.round(rounding);
    if (!(rounding.raised & ex::PE)) rounding.rounded_up = false;
    env.raised |= rounding.raised | ex::PE;
    if (is_denormal(classify(result)) && env.masked(ex::UE)) env.raised |= ex::UE;  // tiny, "inexact"
    env.rounded_up = rounding.rounded_up;
    return result;
  }
  log2x = log2x + atanh2_series((m - one()) / (m + one())) * kLog2E;
  return (wy * log2x).round(env);
}

Float80 ylog2xp1(Env& env, Float80 y, Float80 x) {
  Float80 r;
  if (screen_operands(env, y, x, &r)) return r;
  const Class cy = classify(y), cx = classify(x);
  if (is_denormal(cy) || is_denormal(cx)) env.raised |= ex::DE;
  const bool ys = y.sign(), xs = x.sign();
  if (cx == Class::kZero) {
    if (cy == Class::kInfinity) {
      env.raised |= ex::IE;
      return kIndefinite;
    }
    return zero_f80(ys != xs);
  }
  if (cx == Class::kInfinity) {  // outside the documented domain; as log2(x + 1) would be
    if (xs || cy == Class::kZero) {
      env.raised |= ex::IE;
      return kIndefinite;
    }
    return inf_f80(ys);
  }
  if (cy == Class::kInfinity) return inf_f80(ys != xs);
  if (cy == Class::kZero) return zero_f80(ys != xs);
  // ln(1 + x) = 2 atanh(x / (2 + x)).
  const Wide wx = Wide::from(unpack(x));
  const Wide lg = atanh2_series(wx / (wx + Wide::from_uint(2))) * kLog2E;
  return (Wide::from(unpack(y)) * lg).round(env);
}

}  // namespace trapeze::fpu
