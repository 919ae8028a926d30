#include "cpu/fpu/simd_float.h"

#include "cpu/fpu/arith.h"
#include "cpu/fpu/conversions.h"
#include "cpu/fpu/rounding.h"

namespace trapeze::fpu {

namespace {

// The two encodings: field widths and the values SSE produces on its own.
template <typename F>
struct Traits;
template <>
struct Traits<uint32_t> {
  static constexpr unsigned kFracBits = 23;
  static constexpr uint8_t kPrecision = 24;
  static constexpr int32_t kEmin = -126, kEmax = 127;
};
template <>
struct Traits<uint64_t> {
  static constexpr unsigned kFracBits = 52;
  static constexpr uint8_t kPrecision = 53;
  static constexpr int32_t kEmin = -1022, kEmax = 1023;
};

template <typename F>
constexpr F kSign = F{1} << (sizeof(F) * 8 - 1);
template <typename F>
constexpr F kFrac = (F{1} << Traits<F>::kFracBits) - 1;
template <typename F>
constexpr F kExpField = ~kSign<F> & ~kFrac<F>;
template <typename F>
constexpr F kQuiet = F{1} << (Traits<F>::kFracBits - 1);
// The default NaN ("QNaN floating-point indefinite").
template <typename F>
constexpr F kDefaultNaN = kSign<F> | kExpField<F> | kQuiet<F>;

template <typename F>
bool is_nan_bits(F v) {
  return (v & kExpField<F>) == kExpField<F> && (v & kFrac<F>) != 0;
}
template <typename F>
bool is_snan_bits(F v) {
  return is_nan_bits(v) && !(v & kQuiet<F>);
}
template <typename F>
bool is_denormal_bits(F v) {
  return (v & kExpField<F>) == 0 && (v & kFrac<F>) != 0;
}

// DAZ: a denormal operand reads as a zero of its sign, and raises no DE.
template <typename F>
F operand(const SimdEnv& e, F v) {
  return e.daz && is_denormal_bits(v) ? (v & kSign<F>) : v;
}

template <typename F>
Float80 widen(F v, bool* denormal) {
  if constexpr (sizeof(F) == 4)
    return from_single(v, denormal);
  else
    return from_double(v, denormal);
}

// An 80-bit value that the format represents exactly (a result already rounded to it).
template <typename F>
F narrow_exact(Float80 v) {
  Env scratch;
  if constexpr (sizeof(F) == 4)
    return to_single(scratch, v);
  else
    return to_double(scratch, v);
}

// The x87 core told to round to F's format. Unmasked overflow and underflow behave as
// for an x87 register destination: PE comes from rounding with the exponent unbounded
// (as hardware reports it for SSE), and the exponent-wrapped result is never stored.
template <typename F>
Env narrow_env(const SimdEnv& e) {
  Env env = e.env;
  env.precision = Traits<F>::kPrecision;
  env.emin = Traits<F>::kEmin;
  env.emax = Traits<F>::kEmax;
  return env;
}

// FZ: with underflow masked, a tiny result becomes a zero of its sign, with UE and PE.
template <typename F>
F flush(SimdEnv& e, F r) {
  if (e.ftz && e.env.masked(ex::UE) && ((e.env.raised & ex::UE) || is_denormal_bits(r))) {
    e.env.raised |= ex::UE | ex::PE;
    return r & kSign<F>;
  }
  return r;
}

// Two operands, one a NaN: the first NaN (SNaN quieted), IE for any SNaN.
template <typename F>
F propagate(SimdEnv& e, F a, F b) {
  if (is_snan_bits(a) || is_snan_bits(b)) e.env.raised |= ex::IE;
  return (is_nan_bits(a) ? a : b) | kQuiet<F>;
}

template <typename F, Float80 (*Op)(Env&, Operand, Operand)>
F arith(SimdEnv& e, F a, F b) {
  if (is_nan_bits(a) || is_nan_bits(b)) return propagate(e, a, b);
  bool da = false, db = false;
  const Float80 x = widen(operand(e, a), &da), y = widen(operand(e, b), &db);
  Env env = narrow_env<F>(e);
  const Float80 r = Op(env, Operand{x, da}, Operand{y, db});
  e.env.raised |= env.raised;
  return flush(e, narrow_exact<F>(r));
}

template <typename F>
Relation relate(SimdEnv& e, F a, F b, bool quiet) {
  bool da = false, db = false;
  const Float80 x = widen(operand(e, a), &da), y = widen(operand(e, b), &db);
  return compare(e.env, Operand{x, da}, Operand{y, db}, quiet);
}

}  // namespace

SimdEnv SimdEnv::from_mxcsr(uint32_t mxcsr) {
  SimdEnv e;
  e.env.rounding = static_cast<Rounding>((mxcsr >> 13) & 3);
  e.env.masks = static_cast<uint8_t>((mxcsr >> 7) & ex::kAll);
  e.daz = mxcsr & (1u << 6);
  e.ftz = mxcsr & (1u << 15);
  return e;
}

template <typename F>
F simd_add(SimdEnv& e, F a, F b) {
  return arith<F, add>(e, a, b);
}
template <typename F>
F simd_sub(SimdEnv& e, F a, F b) {
  return arith<F, sub>(e, a, b);
}
template <typename F>
F simd_mul(SimdEnv& e, F a, F b) {
  return arith<F, mul>(e, a, b);
}
template <typename F>
F simd_div(SimdEnv& e, F a, F b) {
  return arith<F, div>(e, a, b);
}

// MIN/MAX are not IEEE minNum/maxNum: any NaN (quiet too) is invalid and gives the second
// operand (after DAZ), and so does a pair of zeros, so the order of operands matters.
template <typename F>
F simd_min(SimdEnv& e, F a, F b) {
  a = operand(e, a);
  b = operand(e, b);
  if (is_nan_bits(a) || is_nan_bits(b)) {
    e.env.raised |= ex::IE;
    return b;
  }
  return relate(e, a, b, false) == Relation::kLess ? a : b;
}
template <typename F>
F simd_max(SimdEnv& e, F a, F b) {
  a = operand(e, a);
  b = operand(e, b);
  if (is_nan_bits(a) || is_nan_bits(b)) {
    e.env.raised |= ex::IE;
    return b;
  }
  return relate(e, a, b, false) == Relation::kGreater ? a : b;
}

template <typename F>
F simd_sqrt(SimdEnv& e, F a) {
  if (is_nan_bits(a)) return propagate(e, a, a);
  bool den = false;
  const Float80 x = widen(operand(e, a), &den);
  Env env = narrow_env<F>(e);
  // A widened denormal is a normal 80-bit value: DE by its source, unless negative
  // (then the invalid operation is all that is reported).
  if (den && !x.sign()) env.raised |= ex::DE;
  const Float80 r = sqrt(env, x);
  e.env.raised |= env.raised;
  return flush(e, narrow_exact<F>(r));
}

template <typename F>
F simd_compare(SimdEnv& e, F a, F b, unsigned predicate) {
  predicate &= 7;
  // EQ, UNORD, NEQ and ORD are quiet; the ordering predicates signal on any NaN.
  const bool quiet = predicate == 0 || predicate == 3 || predicate == 4 || predicate == 7;
  const Relation r = relate(e, a, b, quiet);
  bool t = false;
  switch (predicate) {
    case 0:
      t = r == Relation::kEqual;
      break;
    case 1:
      t = r == Relation::kLess;
      break;
    case 2:
      t = r == Relation::kLess || r == Relation::kEqual;
      break;
    case 3:
      t = r == Relation::kUnordered;
      break;
    case 4:
      t = r != Relation::kEqual;
      break;
    case 5:
      t = r != Relation::kLess;
      break;
    case 6:
      t = !(r == Relation::kLess || r == Relation::kEqual);
      break;
    default:
      t = r != Relation::kUnordered;
      break;
  }
  return t ? static_cast<F>(~F{0}) : F{0};
}

template <typename F>
Relation simd_comis(SimdEnv& e, F a, F b, bool quiet) {
  return relate(e, a, b, quiet);
}

template <typename F>
int32_t simd_to_int32(SimdEnv& e, F a, bool truncate) {
  bool den = false;  // conversions to integers report no DE
  const Float80 x = widen(operand(e, a), &den);
  Env env = e.env;
  if (truncate) env.rounding = Rounding::kZero;
  const uint64_t r = to_int(env, x, 32);
  e.env.raised |= env.raised;
  return static_cast<int32_t>(static_cast<uint32_t>(r));
}

template <typename F>
F simd_from_int32(SimdEnv& e, int32_t v) {
  const Float80 x = from_int(v);
  if constexpr (sizeof(F) == 4)
    return to_single(e.env, x);
  else
    return to_double(e.env, x);
}

uint64_t simd_single_to_double(SimdEnv& e, uint32_t a) {
  bool den = false;
  const Float80 x = widen(operand(e, a), &den);
  if (den) e.env.raised |= ex::DE;
  return to_double(e.env, x);
}

uint32_t simd_double_to_single(SimdEnv& e, uint64_t a) {
  bool den = false;
  const Float80 x = widen(operand(e, a), &den);
  if (den) e.env.raised |= ex::DE;
  if (classify(x) != Class::kNormal) return to_single(e.env, x);  // zeros, infinities, NaNs
  Env env = narrow_env<uint32_t>(e);
  const Unpacked u = unpack(x);
  const Float80 r = round_to_register(env, u.sign, u.exp, u.signif, 0);
  e.env.raised |= env.raised;
  return flush(e, narrow_exact<uint32_t>(r));
}

namespace {
constexpr uint32_t kOne = 0x3F800000;
bool tiny_or_zero(uint32_t v) { return (v & 0x7F800000) == 0; }
}  // namespace

uint32_t simd_rcp(uint32_t a) {
  const uint32_t sign = a & kSign<uint32_t>;
  if (is_nan_bits(a)) return a | kQuiet<uint32_t>;
  if ((a & kExpField<uint32_t>) == 0) return sign | 0x7F800000;  // zeros and denormals
  SimdEnv e;
  const uint32_t r = simd_div<uint32_t>(e, kOne, a & ~kSign<uint32_t>);
  return sign | (tiny_or_zero(r) ? 0 : r);
}

uint32_t simd_rsqrt(uint32_t a) {
  const uint32_t sign = a & kSign<uint32_t>;
  if (is_nan_bits(a)) return a | kQuiet<uint32_t>;
  if ((a & kExpField<uint32_t>) == 0) return sign | 0x7F800000;
  if (sign) return kDefaultNaN<uint32_t>;
  SimdEnv e;
  e.env.precision = 64;
  bool den = false;
  Env env;  // 1 / sqrt(a) with one rounding at 64 bits in between: far inside 2^-12
  const Float80 root = sqrt(env, widen(a, &den));
  Env env2 = narrow_env<uint32_t>(e);
  const uint32_t r =
      narrow_exact<uint32_t>(div(env2, Operand{from_single(kOne, &den)}, Operand{root}));
  return tiny_or_zero(r) ? 0 : r;
}

template uint32_t simd_add(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_add(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_sub(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_sub(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_mul(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_mul(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_div(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_div(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_min(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_min(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_max(SimdEnv&, uint32_t, uint32_t);
template uint64_t simd_max(SimdEnv&, uint64_t, uint64_t);
template uint32_t simd_sqrt(SimdEnv&, uint32_t);
template uint64_t simd_sqrt(SimdEnv&, uint64_t);
template uint32_t simd_compare(SimdEnv&, uint32_t, uint32_t, unsigned);
template uint64_t simd_compare(SimdEnv&, uint64_t, uint64_t, unsigned);
template Relation simd_comis(SimdEnv&, uint32_t, uint32_t, bool);
template Relation simd_comis(SimdEnv&, uint64_t, uint64_t, bool);
template int32_t simd_to_int32(SimdEnv&, uint32_t, bool);
template int32_t simd_to_int32(SimdEnv&, uint64_t, bool);
template uint32_t simd_from_int32(SimdEnv&, int32_t);
template uint64_t simd_from_int32(SimdEnv&, int32_t);

}  // namespace trapeze::fpu
